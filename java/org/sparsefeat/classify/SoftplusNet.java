package org.sparsefeat.classify;

import org.sparsefeat.backend.cpu.NativeKernels;
import org.sparsefeat.data.Philox;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.OpenBlas;

/**
 * The fully-connected net of the image experiments (docs/method.md, 'Image experiments'): f(x) = (1/h) sum_j W1_j
 * act(W0_j . x / sqrt(D)) with act(z) = c softplus(beta z) / beta, c normalising E[act(z)^2] = 1 for z ~ N(0, 1); no
 * bias. The matrix products go to OpenBLAS, the elementwise pass to native code.
 */
public final class SoftplusNet {

    private final int h;
    private final int dim;
    private final double beta;
    private final double c;

    /** Parameters: W0 (h x D) and W1 (h), flattened in that order. */
    private final double[] params;

    public SoftplusNet(int h, int dim, double beta, long seed) {
        if (h < 1) {
            throw new IllegalArgumentException("--h must be >= 1, got " + h);
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("--act-beta must be a finite number > 0, got " + beta);
        }
        this.h = h;
        this.dim = dim;
        this.beta = beta;
        this.c = normalisation(beta);
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
    public static double normalisation(double beta) {
        double step = 1e-3;
        int m = (int) Math.round(24 / step) + 1;
        double[] z = new double[m], a = new double[m], da = new double[m];
        for (int k = 0; k < m; k++) {
            z[k] = -12 + k * step;
        }
        NativeKernels.softplusAct(z, beta, 1, a, da);
        double sum = 0;
        for (int k = 0; k < m; k++) {
            sum += a[k] * a[k] * Math.exp(-z[k] * z[k] / 2) * (k == 0 || k == m - 1 ? 0.5 : 1);  // trapezoid
        }
        return 1 / Math.sqrt(sum * step / Math.sqrt(2 * Math.PI));
    }

    /** Forward pass at parameters p: the outputs f and, for the gradient, act'(Z). */
    record Forward(double[] f, double[] activations, double[] slopes) {}

    Forward forward(double[] p, Matrix x) {
        int n = x.rows();
        Matrix w0 = new Matrix(h, dim, java.util.Arrays.copyOf(p, h * dim));
        Matrix z = Matrix.zeros(n, h);
        OpenBlas.gemm(false, true, 1 / Math.sqrt(dim), x, w0, 0, z);
        double[] a = new double[n * h], da = new double[n * h];
        NativeKernels.softplusAct(z.data(), beta, c, a, da);
        double[] w1 = java.util.Arrays.copyOfRange(p, h * dim, h * dim + h);
        double[] f = OpenBlas.gemv(new Matrix(n, h, a), w1);
        for (int i = 0; i < n; i++) {
            f[i] /= h;
        }
        return new Forward(f, a, da);
    }

    /** f(x) at the current parameters. */
    public double[] outputs(Matrix x) { return forward(params, x).f(); }

    /**
     * The gradient of sum_i g_i f(x_i) with respect to the parameters at p, given the forward pass there:
     * dW1_j = (1/h) sum_i g_i a_ij, dW0_j = (1/(h sqrt D)) W1_j sum_i g_i act'(z_ij) x_i.
     */
    double[] gradient(double[] p, Matrix x, Forward fw, double[] g) {
        int n = x.rows();
        double[] grad = new double[p.length];
        double[] gw1 = OpenBlas.gemv(new Matrix(n, h, fw.activations()), g, true);
        for (int j = 0; j < h; j++) {
            grad[h * dim + j] = gw1[j] / h;
        }
        double[] m = new double[n * h];
        double[] slopes = fw.slopes();
        for (int i = 0; i < n; i++) {
            double gi = g[i];
            for (int j = 0; j < h; j++) {
                m[i * h + j] = gi * slopes[i * h + j] * p[h * dim + j];
            }
        }
        Matrix gw0 = Matrix.zeros(h, dim);
        OpenBlas.gemm(true, false, 1 / (h * Math.sqrt(dim)), new Matrix(n, h, m), x, 0, gw0);
        System.arraycopy(gw0.data(), 0, grad, 0, h * dim);
        return grad;
    }
}
