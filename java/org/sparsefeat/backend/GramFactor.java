package org.sparsefeat.backend;

/**
 * The Cholesky factor L of K(X, X) + ridge I, kept where its backend computes: host memory on the CPU, device
 * memory on the GPU, so that a KRR fit's n x n matrix never crosses the bus. Close it to free that memory.
 */
public interface GramFactor extends AutoCloseable {
    /** n. */
    int size();

    /** (L L^T)^{-1} b, a new array. */
    double[] solve(double[] b);

    /** L (L^T x), a new array: the factored matrix K + ridge I times x. */
    double[] factorMultiply(double[] x);

    @Override
    void close();
}
