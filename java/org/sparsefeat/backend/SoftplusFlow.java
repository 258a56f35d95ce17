package org.sparsefeat.backend;

import org.sparsefeat.linalg.Matrix;

/**
 * One image net's gradient flow where its backend computes (docs/method.md, 'Image experiments'): the training and
 * test points, the labels and the initial outputs f0 are placed there once; the parameters, outputs and gradient of
 * the current point and of a trial point stay there for the whole flow. The control logic (step size, acceptance,
 * stopping, checkpoints: classify.GradientFlow) is written once over this interface and reads back only a
 * {@link Point}'s scalars per trial, the test scores at a checkpoint and the parameters at the end.
 *
 * <p>The loss is the soft hinge L = (1/n) sum_i l(1 - alpha (f - f0)(x_i) y_i) / alpha, l(u) = softplus(beta_l u) /
 * beta_l (native/include/sf_act.h); the net is the softplus net of {@link #outputs}.
 */
public interface SoftplusFlow extends AutoCloseable {
    /**
     * A flow to run, in host memory.
     *
     * @param params   the parameters to start from (W0, h x D row-major, then W1, h)
     * @param initial  the net's initial parameters: f0 is its outputs there (params too, except for a resumed flow)
     * @param h        neurons
     * @param actBeta  beta of act(z) = c softplus(beta z) / beta
     * @param c        c of act
     * @param x        training points (n x D)
     * @param y        their labels, +-1
     * @param xTest    test points (D columns), scored at checkpoints
     * @param alpha    the alpha-trick's scale
     * @param lossBeta beta_l of the soft hinge
     */
    record Problem(double[] params, double[] initial, int h, double actBeta, double c, Matrix x, double[] y, Matrix xTest,
                   double alpha, double lossBeta) {
        public Problem {
            int dim = x.cols();
            if (h < 1 || params.length != (long) h * dim + h || initial.length != params.length) {
                throw new IllegalArgumentException(params.length + " and " + initial.length + " parameters for h = " + h
                        + " and D = " + dim);
            }
            if (y.length != x.rows()) {
                throw new IllegalArgumentException(x.rows() + " training points but " + y.length + " labels");
            }
            if (xTest.cols() != dim) {
                throw new IllegalArgumentException("test images have D = " + xTest.cols() + " but the training ones D = " + dim);
            }
        }

        /** A flow from the net's initial parameters. */
        public Problem(double[] params, int h, double actBeta, double c, Matrix x, double[] y, Matrix xTest, double alpha,
                       double lossBeta) {
            this(params, params, h, actBeta, c, x, y, xTest, alpha, lossBeta);
        }

        public int n() { return x.rows(); }

        public int dim() { return x.cols(); }
    }

    /**
     * The scalars of a point of the flow, all the control logic reads.
     *
     * @param loss      L at the point
     * @param dout      max_i |o_i - o'_i|, o = f - f0, against the current point (0 for the current point itself)
     * @param dgrad     |g - g'|^2 / (|g| |g'|), g the gradients, against the current point (0 for it)
     * @param minMargin min_i alpha o_i y_i, NaN when one is NaN
     * @param satisfied the training points with alpha o_i y_i >= 1
     * @param wrong     the training points with not alpha o_i y_i > 0 (misclassified)
     */
    record Point(double loss, double dout, double dgrad, double minMargin, int satisfied, int wrong) {}

    /** The current point. */
    Point current();

    /**
     * Evaluates the trial point p - dt grad(p), p the current point: the net's outputs there, L and its gradient, and
     * how far they moved from the current point's.
     */
    Point trial(double dt);

    /** The last trial becomes the current point. */
    void accept();

    /** alpha (f - f0) at the test points for the current parameters (f0 the initial net's outputs there). */
    double[] testScores();

    /** The current parameters (a copy in host memory). */
    double[] params();

    /** The gradient of L at the current point (a copy in host memory). */
    double[] gradient();

    @Override
    void close();
}
