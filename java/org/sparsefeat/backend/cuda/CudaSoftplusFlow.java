package org.sparsefeat.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.backend.cpu.NativeLayout;
import org.sparsefeat.linalg.Matrix;

/**
 * The image net's gradient flow in device memory: the points, labels, f0, both points' parameters, outputs and
 * gradients stay on the GPU for the whole flow. A trial is three cuBLAS DGEMMs (Z = X W0^T / sqrt D, dW1 = A^T g / h,
 * dW0 = M^T X / (h sqrt D)) and four kernels of cuda/flow.cu (the step, the rows' activations with the soft hinge,
 * the gradient's turn, the scalars); the host reads back eight numbers per trial. Accepting a trial swaps which
 * buffers are current: nothing is copied. Matrices are row-major on the host's side, so cuBLAS (column-major) sees
 * their transposes: Z^T = W0c^T Xc with W0c = W0^T (D x h) and Xc = X^T (D x n).
 * NOT YET RUN ON A GPU: the emulator's parity test checks it against the CPU flow step for step.
 */
final class CudaSoftplusFlow implements SoftplusFlow {
    static final int THREADS = NativeLayout.constant("SF_FLOW_THREADS");
    static final int BLOCKS = NativeLayout.constant("SF_FLOW_BLOCKS");
    /** The most blocks of the step kernel (grid-stride over the parameters). */
    private static final int STEP_BLOCKS = 1024;

    /** The kernels of cuda/flow.cu. */
    record Kernels(Device.Kernel step, Device.Kernel rows, Device.Kernel turn, Device.Kernel scalars) {
        static Kernels load(Device dev) {
            return new Kernels(dev.kernel("flow", "sf_flow_step"), dev.kernel("flow", "sf_flow_rows"),
                    dev.kernel("flow", "sf_flow_turn"), dev.kernel("flow", "sf_flow_scalars"));
        }
    }

    private final Device dev;
    private final CudaBlas blas;
    private final Kernels k;
    private final Problem problem;
    private final int n, nTest, h, dim;
    private final long len;
    private final List<DeviceArray> owned = new ArrayList<>();
    private final DeviceArray x, xTest, y, f0, f0Test, z, m, hinge, g, oTest, turn, scalars;
    /** Index 0 or 1 by {@link #cur}: the current point's and the trial's parameters, outputs and gradients. */
    private final DeviceArray[] p = new DeviceArray[2], o = new DeviceArray[2], grad = new DeviceArray[2];
    private int cur;
    /** The trial not yet accepted, or null. */
    private Point current, trial;

    CudaSoftplusFlow(Device dev, CudaBlas blas, Kernels kernels, Problem problem) {
        this.dev = dev;
        this.blas = blas;
        this.k = kernels;
        this.problem = problem;
        n = problem.n();
        nTest = problem.xTest().rows();
        h = problem.h();
        dim = problem.dim();
        len = problem.params().length;
        try {
            x = upload("the training images", problem.x().data());
            xTest = upload("the test images", problem.xTest().data());
            y = upload("the labels", problem.y());
            f0 = allocate("f0 at the training images", n);
            f0Test = allocate("f0 at the test images", nTest);
            z = allocate("the activations (" + Math.max(n, nTest) + " x " + h + ")", (long) Math.max(n, nTest) * h);
            m = allocate("the gradient's rows (" + n + " x " + h + ")", (long) n * h);
            hinge = allocate("the soft hinge", n);
            g = allocate("dL/df", n);
            oTest = allocate("the test outputs", nTest);
            turn = allocate("the gradient's turn", 3L * BLOCKS);
            scalars = allocate("the flow's scalars", 8);
            for (int b = 0; b < 2; b++) {
                p[b] = allocate("the parameters", len);
                o[b] = allocate("the outputs", n);
                grad[b] = allocate("the gradient", len);
            }
            dev.copyToDevice(p[1].address(), problem.initial(), 0, (int) len);
            outputs(p[1], n, x, null, f0);
            outputs(p[1], nTest, xTest, null, f0Test);
            dev.copyToDevice(p[0].address(), problem.params(), 0, (int) len);
            current = evaluate(0, 1, false);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private DeviceArray allocate(String what, long count) {
        DeviceArray a = DeviceArray.allocate(dev, what, count);
        owned.add(a);
        return a;
    }

    private DeviceArray upload(String what, double[] values) {
        DeviceArray a = allocate(what, values.length);
        dev.copyToDevice(a.address(), values, 0, values.length);
        return a;
    }

    /** f - f0 at the rows of the points (f0 null: f) into out, through Z; nothing of the loss. */
    private void outputs(DeviceArray params, int rows, DeviceArray points, DeviceArray base, DeviceArray out) {
        forward(dev, blas, k, params, h, dim, problem.actBeta(), problem.c(), points, rows, z, base, out);
    }

    /**
     * The forward pass alone: Z (rows x h, row-major) = points W0^T / sqrt D into z, act(Z) over it, and f - base
     * (base null: f) into out.
     */
    private static void forward(Device dev, CudaBlas blas, Kernels k, DeviceArray params, int h, int dim, double beta,
                                double c, DeviceArray points, int rows, DeviceArray z, DeviceArray base, DeviceArray out) {
        if (rows == 0) {
            return;
        }
        preactivations(blas, params, h, dim, points, rows, z);
        dev.launch(k.rows(), Device.Dim.of(rows), new Device.Dim(THREADS, 1, 1), KernelArgs.of().ptr(z).i64(rows).i32(h)
                .ptr(params.at((long) h * dim)).f64(beta).f64(c).ptr(base).ptr(0).f64(1).f64(1).ptr(out).ptr(0).ptr(0)
                .ptr(0));
    }

    /** Z (rows x h, row-major) = points W0^T / sqrt D into z, W0 at the start of the parameters: cuBLAS sees Z^T. */
    private static void preactivations(CudaBlas blas, DeviceArray params, int h, int dim, DeviceArray points, int rows,
                                       DeviceArray z) {
        blas.gemm(CudaBlas.OP_T, CudaBlas.OP_N, h, rows, dim, 1 / Math.sqrt(dim), params.address(), dim,
                points.address(), dim, 0, z.address(), h);
    }

    /** Outputs, loss and gradient at parameters {@code at}; the scalars against the point {@code from} if asked. */
    private Point evaluate(int at, int from, boolean compare) {
        preactivations(blas, p[at], h, dim, x, n, z);
        dev.launch(k.rows(), Device.Dim.of(n), new Device.Dim(THREADS, 1, 1), KernelArgs.of().ptr(z).i64(n).i32(h)
                .ptr(p[at].at((long) h * dim)).f64(problem.actBeta()).f64(problem.c()).ptr(f0).ptr(y)
                .f64(problem.alpha()).f64(problem.lossBeta()).ptr(o[at]).ptr(hinge).ptr(g).ptr(m));
        // dW1 = A^T g / h (A = act(Z), now in z), then dW0 = M^T X / (h sqrt D) at the start of the gradient
        blas.gemm(CudaBlas.OP_N, CudaBlas.OP_N, h, 1, n, 1.0 / h, z.address(), h, g.address(), Math.max(1, n), 0,
                grad[at].at((long) h * dim), h);
        blas.gemm(CudaBlas.OP_N, CudaBlas.OP_T, dim, h, n, 1 / (h * Math.sqrt(dim)), x.address(), dim, m.address(), h,
                0, grad[at].address(), dim);
        int turnBlocks = blocks(BLOCKS);
        if (compare) {
            dev.launch(k.turn(), Device.Dim.of(turnBlocks), new Device.Dim(THREADS, 1, 1),
                    KernelArgs.of().ptr(grad[from]).ptr(grad[at]).i64(len).ptr(turn));
        }
        dev.launch(k.scalars(), Device.Dim.of(1), new Device.Dim(THREADS, 1, 1), KernelArgs.of().ptr(hinge)
                .ptr(o[at]).ptr(compare ? o[from] : null).ptr(y).i64(n).f64(problem.alpha()).ptr(compare ? turn : null)
                .i32(turnBlocks).ptr(scalars));
        double[] s = new double[8];
        dev.copyToHost(s, 0, 8, scalars.address());
        double dgrad = compare ? s[5] / Math.sqrt(s[6] * s[7]) : 0;
        return new Point(s[0] / n, s[1], dgrad, s[2], (int) s[3], (int) s[4]);
    }

    /** Blocks of a grid-stride kernel over the parameters: as many as they fill, at most {@code most}. */
    private int blocks(int most) { return (int) Math.min(most, Device.Dim.cover(len, THREADS)); }

    @Override
    public Point current() { return current; }

    @Override
    public Point trial(double dt) {
        int t = 1 - cur;
        dev.launch(k.step(), Device.Dim.of(blocks(STEP_BLOCKS)), new Device.Dim(THREADS, 1, 1),
                KernelArgs.of().ptr(p[cur]).ptr(grad[cur]).i64(len).f64(dt).ptr(p[t]));
        trial = evaluate(t, cur, true);
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
        double[] f = new double[nTest];
        if (nTest > 0) {
            outputs(p[cur], nTest, xTest, f0Test, oTest);
            dev.copyToHost(f, 0, nTest, oTest.address());
        }
        for (int i = 0; i < nTest; i++) {
            f[i] *= problem.alpha();
        }
        return f;
    }

    @Override
    public double[] params() { return p[cur].download(); }

    @Override
    public double[] gradient() { return grad[cur].download(); }

    /** The softplus net's outputs at parameters p on the rows of x, on the device: the forward pass alone. */
    static double[] outputs(Device dev, CudaBlas blas, Kernels kernels, double[] params, int h, double beta, double c,
                            Matrix x) {
        double[] f = new double[x.rows()];
        if (x.rows() == 0) {
            return f;
        }
        try (DeviceArray dp = DeviceArray.upload(dev, "the parameters", params);
             DeviceArray dx = DeviceArray.upload(dev, "the images", x.data());
             DeviceArray dz = DeviceArray.allocate(dev, "the activations (" + x.rows() + " x " + h + ")", (long) x.rows() * h);
             DeviceArray df = DeviceArray.allocate(dev, "the outputs", x.rows())) {
            forward(dev, blas, kernels, dp, h, x.cols(), beta, c, dx, x.rows(), dz, null, df);
            dev.copyToHost(f, 0, f.length, df.address());
        }
        return f;
    }

    @Override
    public void close() {
        for (DeviceArray a : owned.reversed()) {
            a.close();
        }
        owned.clear();
    }
}
