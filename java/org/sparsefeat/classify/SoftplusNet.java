package org.sparsefeat.classify;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.data.Philox;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;

/**
 * The fully-connected net of the image experiments (docs/method.md, 'Image experiments'): f(x) = (1/h) sum_j W1_j
 * act(W0_j . x / sqrt(D)) with act(z) = c softplus(beta z) / beta, c normalising E[act(z)^2] = 1 for z ~ N(0, 1); no
 * bias. Its passes and its gradient flow run in the {@link Backend} it was made with (on a GPU with cuBLAS, in device
 * memory).
 */
public final class SoftplusNet {

    private final Backend backend;
    private final int h;
    private final int dim;
    private final double beta;
    private final double c;

    /** Parameters: W0 (h x D) and W1 (h), flattened in that order. */
    private final double[] params;

    public SoftplusNet(Backend backend, int h, int dim, double beta, long seed) {
        if (h < 1) {
            throw new InvalidInputException("{h} must be >= 1, got " + h);
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new InvalidInputException("{act_beta} must be a finite number > 0, got " + beta);
        }
        this.backend = backend;
        this.h = h;
        this.dim = dim;
        this.beta = beta;
        this.c = normalisation(backend, beta);
        this.params = new double[h * dim + h];
        for (int j = 0; j < h; j++) {
            Philox.normals(seed, Philox.STREAM_SOFTPLUS_W0, j, params, j * dim, dim);
        }
        double[] pair = new double[2];
        for (int j = 0; j < h; j++) {
            Philox.normalPair(seed, Philox.STREAM_SOFTPLUS_W1, j, 0, pair, 0);
            params[h * dim + j] = pair[0];
        }
    }

    private SoftplusNet(SoftplusNet other) {
        this.backend = other.backend;
        this.h = other.h;
        this.dim = other.dim;
        this.beta = other.beta;
        this.c = other.c;
        this.params = other.params.clone();
    }

    /** An independent copy (for instance of the initial net, whose outputs f0 the predictor subtracts). */
    public SoftplusNet copy() { return new SoftplusNet(this); }

    public int h() { return h; }

    /** c of act(z) = c softplus(beta z) / beta. */
    public double normalisation() { return c; }

    public double[] params() { return params; }

    /**
     * c = E_{z ~ N(0,1)}[(softplus(beta z)/beta)^2]^{-1/2}, by quadrature on a fine grid
     * (the reference estimates it from 1e5 samples; 1.404383 at beta = 5).
     */
    public static double normalisation(Backend backend, double beta) {
        double step = 1e-3;
        int m = (int) Math.round(24 / step) + 1;
        double[] z = new double[m], a = new double[m], da = new double[m];
        for (int k = 0; k < m; k++) {
            z[k] = -12 + k * step;
        }
        backend.softplus(z, beta, 1, a, da);
        double sum = 0;
        for (int k = 0; k < m; k++) {
            sum += a[k] * a[k] * Math.exp(-z[k] * z[k] / 2) * (k == 0 || k == m - 1 ? 0.5 : 1);  // trapezoid
        }
        return 1 / Math.sqrt(sum * step / Math.sqrt(2 * Math.PI));
    }

    /** f(x) at the current parameters. */
    public double[] outputs(Matrix x) {
        requireDimension(x);
        return backend.softplusOutputs(params, h, beta, c, x);
    }

    /**
     * The gradient flow of the soft hinge in the net's backend, f0 the outputs at the current parameters, from them or
     * from {@code from} (if not null: a resumed flow's).
     */
    SoftplusFlow openFlow(Matrix x, double[] y, Matrix xTest, GradientFlow.Options opt, double[] from) {
        requireDimension(x);
        return backend.softplusFlow(new SoftplusFlow.Problem(from == null ? params : from, params, h, beta, c, x, y,
                xTest, opt.alpha(), opt.lossBeta()));
    }

    private void requireDimension(Matrix x) {
        if (x.cols() != dim) {
            throw new IllegalArgumentException("images have D = " + x.cols() + " but the net D = " + dim);
        }
    }
}
