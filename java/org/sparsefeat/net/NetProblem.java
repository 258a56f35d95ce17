package org.sparsefeat.net;

import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;

/**
 * One net to train: its training data, its initial weights and its rule. f0 (when the rule subtracts it) is
 * the initial net's output, computed by the backend. When the rule keeps w1 on the sphere, the initial rows
 * are normalised here, once, as the reference does before training.
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
        if (rule.sphereW1()) {
            init = withUnitRows(init);
        }
    }

    private static TwoLayerNet withUnitRows(TwoLayerNet net) {
        Matrix w1 = net.w1().copy();
        double[] norms = w1.rowNorms();
        for (int j = 0; j < w1.rows(); j++) {
            if (!(norms[j] > 0)) {
                throw new InvalidInputException("w1 on the sphere: row " + j + " of w1 has norm " + norms[j]
                        + " and cannot be normalised");
            }
            for (int k = 0; k < w1.cols(); k++) {
                w1.set(j, k, w1.get(j, k) / norms[j]);
            }
        }
        return new TwoLayerNet(w1, net.b(), net.w2(), net.scale());
    }
}
