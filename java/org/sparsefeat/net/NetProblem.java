package org.sparsefeat.net;

import org.sparsefeat.linalg.Matrix;

/**
 * One net to train: its training data, its initial weights and its rule. f0 (when the rule subtracts it) is
 * the initial net's output, computed by the backend.
 */
public record NetProblem(Matrix x, double[] y, TwoLayerNet init, GdRule rule) {
    public NetProblem {
        if (x.rows() != y.length) {
            throw new IllegalArgumentException("X has " + x.rows() + " rows but y has " + y.length + " values");
        }
        if (x.rows() < 1) {
            throw new IllegalArgumentException("need at least one training point");
        }
        if (init.d() != x.cols()) {
            throw new IllegalArgumentException("the net's w1 has d = " + init.d() + " but the data have d = " + x.cols());
        }
    }
}
