package org.sparsefeat.backend;

import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;

/** A factor in host memory, used through {@link HostLinalg}'s level-2 operations. */
record HostGramFactor(Matrix factor) implements GramFactor {
    @Override
    public int size() { return factor.rows(); }

    @Override
    public double[] solve(double[] b) {
        double[] x = b.clone();
        HostLinalg.choleskySolve(factor, x);
        return x;
    }

    @Override
    public double[] factorMultiply(double[] x) { return HostLinalg.factorMultiply(factor, x); }

    @Override
    public void close() {}
}
