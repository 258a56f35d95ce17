package org.sparsefeat.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.classify.GradientFlow;
import org.sparsefeat.classify.SoftplusNet;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NativeThreads;
import org.sparsefeat.linalg.OpenBlas;

/**
 * The image experiments' hot paths at MNIST's D = 784: the NTK Gram of 5000 images (GEMM + kernel function),
 * and one gradient-flow step of the h = 1000 softplus net (a forward pass and a gradient on n images).
 * Inputs are Gaussian points scaled to norm sqrt(D), as center-normalised images are; the cost does not
 * depend on the pixel values.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
public class ImageBench {
    @Param({"5000"})
    public int n;

    @Param({"784"})
    public int dim;

    @Param({"2"})
    public int threads;

    private CpuBackend backend;
    private Matrix x;
    private double[] y;
    private Matrix xSmall;
    private double[] ySmall;
    private SoftplusNet net;

    @Setup(Level.Trial)
    public void setUp() {
        NativeThreads.setOpenBlasThreads(threads);  // the benchmark owns the process: OpenBLAS's count is its
        backend = new CpuBackend(threads);
        x = Points.sample(PointDistribution.SPHERE, n, dim, 0, Philox.STREAM_TRAIN_POINTS);
        double[] a = x.data();
        double r = Math.sqrt(dim);
        for (int k = 0; k < a.length; k++) {
            a[k] *= r;
        }
        y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = a[i * dim] > 0 ? 1 : -1;
        }
        xSmall = x.rowRange(0, 1024);
        ySmall = java.util.Arrays.copyOf(y, 1024);
        net = new SoftplusNet(backend, 1000, dim, 5, 0);
        flow = backend.softplusFlow(new SoftplusFlow.Problem(net.params(), 1000, 5, net.normalisation(), xSmall,
                ySmall, xSmall.rowRange(0, 8), 1e-6, 20));
        w0 = new Matrix(1000, dim, java.util.Arrays.copyOf(net.params(), 1000 * dim));
        z = Matrix.zeros(xSmall.rows(), 1000);
        m = Matrix.zeros(xSmall.rows(), 1000);
        gw0 = Matrix.zeros(1000, dim);
    }

    private SoftplusFlow flow;
    private Matrix w0, z, m, gw0;

    @TearDown(Level.Trial)
    public void tearDown() {
        flow.close();
        backend.close();
    }

    /** K(X, X) lower triangle, n = 5000 images of D = 784. */
    @Benchmark
    public Matrix imageGram() {
        return backend.gramLower(Kernel.of(KernelType.NTK), x);
    }

    /**
     * One trial of the flow on 1024 images, h = 1000, through the backend's {@link SoftplusFlow}, all of it: the step
     * p - dt grad, the forward pass there, the soft hinge, the gradient, and the scalars the control logic reads
     * (the outputs' move, the gradient's turn). A long flow's step is one trial: an accepted trial's gradient is the
     * next step's.
     */
    @Benchmark
    public SoftplusFlow.Point trial() {
        return flow.trial(1e-3);
    }

    /**
     * The floor of {@link #trial}: its two GEMMs alone, on the same shapes, into preallocated matrices: Z = X W0^T
     * (1024 x 784 times 784 x 1000) and the gradient's M^T X (1000 x 1024 times 1024 x 784), 3.2 GFLOP in all.
     */
    @Benchmark
    public Matrix trialGemms() {
        OpenBlas.gemm(false, true, 1, xSmall, w0, 0, z);
        OpenBlas.gemm(true, false, 1, m, xSmall, 0, gw0);
        return gw0;
    }

    @Benchmark
    public GradientFlow.Result flowStep() {
        return GradientFlow.train(net.copy(), xSmall, ySmall, xSmall.rowRange(0, 8), java.util.Arrays.copyOf(ySmall, 8),
                new GradientFlow.Options(1e-6, 20, 1e-4, 0.1, 0.99, 1e9, 1));
    }
}
