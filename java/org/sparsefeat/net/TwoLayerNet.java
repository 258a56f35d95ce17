package org.sparsefeat.net;

import org.sparsefeat.linalg.Matrix;

/**
 * A two-layer ReLU net f(x) = s sum_h w2_h relu(w1_h . x + b_h), s = scale.factor(h).
 *
 * @param w1    first layer, h x d (row h is neuron h's weight theta_h)
 * @param b     biases (h values), or null for a net without bias (the paper's)
 * @param w2    second layer, h values
 * @param scale the output prefactor
 */
public record TwoLayerNet(Matrix w1, double[] b, double[] w2, Scale scale) {
    public TwoLayerNet {
        if (w1.rows() < 1) {
            throw new IllegalArgumentException("a net needs h >= 1 neurons, got " + w1.rows());
        }
        if (w2.length != w1.rows()) {
            throw new IllegalArgumentException("w1 has " + w1.rows() + " rows (neurons) but w2 has " + w2.length + " values");
        }
        if (b != null && b.length != w1.rows()) {
            throw new IllegalArgumentException("w1 has " + w1.rows() + " rows (neurons) but b has " + b.length + " values");
        }
    }

    public int h() { return w1.rows(); }

    public int d() { return w1.cols(); }

    public boolean hasBias() { return b != null; }

    public TwoLayerNet copy() {
        return new TwoLayerNet(w1.copy(), b == null ? null : b.clone(), w2.clone(), scale);
    }
}
