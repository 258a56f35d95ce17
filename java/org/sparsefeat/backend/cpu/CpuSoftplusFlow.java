package org.sparsefeat.backend.cpu;

import java.util.Arrays;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.OpenBlas;
import org.sparsefeat.net.NetLoss;

/**
 * The image net's gradient flow in host memory: OpenBLAS's DGEMMs and the native elementwise pass of
 * {@link CpuBackend#softplus}. A trial costs the two GEMMs a step needs, n x h x D each (the forward Z = X W0^T and
 * the gradient M^T X), and two n x h products with vectors; W0 and the data are read in place, and the n x h and
 * parameter-sized buffers are allocated once per flow (two slots for the current point and the trial, swapped on
 * accepting).
 */
final class CpuSoftplusFlow implements SoftplusFlow {
    /** The forward pass at n points: the outputs f (n), act(Z) and act'(Z) (n x h, row-major). */
    record Pass(double[] f, double[] activations, double[] slopes) {}

    private final CpuBackend cpu;
    private final Problem problem;
    private final double[] f0, f0Test;
    /** By {@link #cur}: the current point's and the trial's parameters, outputs o = f - f0 and gradients. */
    private final double[][] p = new double[2][], o = new double[2][], grad = new double[2][];
    /** The training points' act(Z), act'(Z) and the gradient's M (n x h each), reused by every trial. */
    private final double[] act, slopes, m;
    private int cur;
    /** The trial not yet accepted, or null. */
    private Point current, trial;

    CpuSoftplusFlow(CpuBackend cpu, Problem problem) {
        this.cpu = cpu;
        this.problem = problem;
        int len = problem.params().length, nh = Math.multiplyExact(problem.n(), problem.h());
        for (int b = 0; b < 2; b++) {
            p[b] = new double[len];
            grad[b] = new double[len];
        }
        act = new double[nh];
        slopes = new double[nh];
        m = new double[nh];
        f0 = forward(cpu, problem.initial(), problem.h(), problem.actBeta(), problem.c(), problem.x()).f();
        f0Test = forward(cpu, problem.initial(), problem.h(), problem.actBeta(), problem.c(), problem.xTest()).f();
        System.arraycopy(problem.params(), 0, p[0], 0, len);
        current = evaluate(0, -1);
    }

    @Override
    public Point current() { return current; }

    @Override
    public Point trial(double dt) {
        int t = 1 - cur;
        double[] from = p[cur], to = p[t], g = grad[cur];
        for (int q = 0; q < to.length; q++) {
            to[q] = from[q] - dt * g[q];
        }
        trial = evaluate(t, cur);
        return trial;
    }

    @Override
    public void accept() {
        if (trial == null) {
            throw new IllegalStateException("no trial to accept");
        }
        cur = 1 - cur;
        current = trial;
        trial = null;
    }

    @Override
    public double[] testScores() {
        double[] f = forward(cpu, p[cur], problem.h(), problem.actBeta(), problem.c(), problem.xTest()).f();
        return NetLoss.predictor(problem.alpha(), f, f0Test);
    }

    @Override
    public double[] params() { return p[cur].clone(); }

    @Override
    public double[] gradient() { return grad[cur].clone(); }

    /** The point in slot {@code at} and its scalars against slot {@code from} (-1: the first point, dout = dgrad = 0). */
    private Point evaluate(int at, int from) {
        int h = problem.h();
        Pass fw = forward(cpu, p[at], h, problem.actBeta(), problem.c(), problem.x(), act, slopes);
        double[] y = problem.y();
        int n = y.length;
        double a = problem.alpha();
        double[] oa = NetLoss.predictor(1, fw.f(), f0);  // f - f0: the margins' alpha comes below
        o[at] = oa;
        double[] u = new double[n], hinge = new double[n], slope = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = 1 - a * oa[i] * y[i];
        }
        // the soft hinge softplus(beta_l u) / beta_l and its derivative sigmoid(beta_l u): sf_act.h's formulas
        cpu.softplus(u, problem.lossBeta(), 1, hinge, slope);
        double loss = 0;
        double[] dLdo = new double[n];
        for (int i = 0; i < n; i++) {
            loss += hinge[i] / a;
            dLdo[i] = -y[i] * slope[i] / n;
        }
        gradient(p[at], h, problem.x(), fw, dLdo, m, grad[at]);
        double minMargin = Double.POSITIVE_INFINITY, dout = 0;
        int satisfied = 0, wrong = 0;
        for (int i = 0; i < n; i++) {
            double mi = a * oa[i] * y[i];
            minMargin = Double.isNaN(mi) || Double.isNaN(minMargin) ? Double.NaN : Math.min(minMargin, mi);
            if (mi >= 1) {
                satisfied++;
            }
            if (!(mi > 0)) {
                wrong++;
            }
            if (from >= 0) {
                dout = Math.max(dout, Math.abs(oa[i] - o[from][i]));
            }
        }
        double dgrad = from < 0 ? 0 : turn(grad[from], grad[at]);
        return new Point(loss / n, dout, dgrad, minMargin, satisfied, wrong);
    }

    /** |g - g'|^2 / (|g| |g'|): how much the gradient turned over the step. */
    static double turn(double[] g, double[] h) {
        double d = 0, ng = 0, nh = 0;
        for (int q = 0; q < g.length; q++) {
            d += (g[q] - h[q]) * (g[q] - h[q]);
            ng += g[q] * g[q];
            nh += h[q] * h[q];
        }
        return d / Math.sqrt(ng * nh);
    }

    /**
     * The softplus net's forward pass at parameters p (W0, h x D row-major, then W1, h) on the rows of x:
     * f(x) = (1/h) sum_j W1_j act(W0_j . x / sqrt(D)). The matrix products go to OpenBLAS, the elementwise pass to
     * native code.
     */
    static Pass forward(CpuBackend cpu, double[] p, int h, double beta, double c, Matrix x) {
        int n = x.rows();
        return forward(cpu, p, h, beta, c, x, new double[n * h], new double[n * h]);
    }

    /** As above, act(Z) and act'(Z) into {@code a} and {@code da} (n x h at least). */
    static Pass forward(CpuBackend cpu, double[] p, int h, double beta, double c, Matrix x, double[] a, double[] da) {
        int n = x.rows(), dim = x.cols();
        // Z = X W0^T / sqrt(D), W0 read in place at the start of p; act(Z) then written over Z
        OpenBlas.gemm(false, true, n, h, dim, 1 / Math.sqrt(dim), x.data(), dim, p, dim, 0, a);
        cpu.softplus(a, beta, c, a, da);
        double[] f = new double[n];
        double[] w1 = Arrays.copyOfRange(p, h * dim, h * dim + h);
        OpenBlas.gemm(false, false, n, 1, h, 1.0 / h, a, h, w1, 1, 0, f);
        return new Pass(f, a, da);
    }

    /**
     * The gradient of sum_i g_i f(x_i) with respect to p, given the forward pass there:
     * dW1_j = (1/h) sum_i g_i a_ij, dW0_j = (1/(h sqrt D)) W1_j sum_i g_i act'(z_ij) x_i.
     */
    static double[] gradient(double[] p, int h, Matrix x, Pass pass, double[] g) {
        double[] grad = new double[p.length];
        gradient(p, h, x, pass, g, new double[x.rows() * h], grad);
        return grad;
    }

    /** As above into {@code grad}, through {@code m} (n x h at least). */
    static void gradient(double[] p, int h, Matrix x, Pass pass, double[] g, double[] m, double[] grad) {
        int n = x.rows(), dim = x.cols();
        double[] gw1 = new double[h];
        OpenBlas.gemm(true, false, h, 1, n, 1.0 / h, pass.activations(), h, g, 1, 0, gw1);
        System.arraycopy(gw1, 0, grad, h * dim, h);
        double[] slopes = pass.slopes();
        int w1 = h * dim;
        for (int i = 0; i < n; i++) {
            double gi = g[i];
            int row = i * h;
            for (int j = 0; j < h; j++) {
                m[row + j] = gi * slopes[row + j] * p[w1 + j];
            }
        }
        // grad W0 = M^T X / (h sqrt(D)), written straight into the start of grad
        OpenBlas.gemm(true, false, h, dim, n, 1 / (h * Math.sqrt(dim)), m, h, x.data(), dim, 0, grad);
    }

    @Override
    public void close() {}
}
