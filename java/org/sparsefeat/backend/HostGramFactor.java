package org.sparsefeat.backend;

import org.sparsefeat.linalg.Matrix;

/** A factor in host memory, used through its backend's level-2 operations. */
record HostGramFactor(Backend backend, Matrix factor) implements GramFactor {
    @Override
    public int size() { return factor.rows(); }

    @Override
    public double[] solve(double[] b) {
        double[] x = b.clone();
        backend.choleskySolve(factor, x);
        return x;
    }

    @Override
    public double[] factorMultiply(double[] x) { return backend.factorMultiply(factor, x); }

    @Override
    public void close() {}
}
