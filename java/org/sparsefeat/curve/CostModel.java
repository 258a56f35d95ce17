package org.sparsefeat.curve;

import java.util.HashMap;
import java.util.Map;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.classify.ImageNetOptions;
import org.sparsefeat.images.DatasetStore;

/**
 * How long the points of a sweep take: a model of each point's work (kernels ~ n^3, nets ~ steps n h),
 * in seconds on 2 CPU cores, scaled to the backend, then calibrated per kind of method ("krr", "net", "svm")
 * on the points that finished: once some have, the estimate of the rest of that kind is the model times
 * (seconds they took / seconds the model gave them).
 */
final class CostModel {
    /**
     * How much faster than 2 CPU cores a GPU is taken to be before any point has finished there: a guess
     * (nothing has been timed on a GPU yet) that the first finished points replace.
     */
    static final double GPU_NETS = 30, GPU_KERNELS = 5;

    private final SweepSpec spec;
    private final double cpuCores;
    private final boolean gpu;
    /** Per kind: {seconds taken, model seconds} of the finished points. */
    private final Map<String, double[]> finished = new HashMap<>();

    CostModel(SweepSpec spec, Backend backend) {
        this(spec, backend.threads(), backend.name().equals("cuda"));
    }

    private CostModel(SweepSpec spec, int threads, boolean gpu) {
        this.spec = spec;
        this.cpuCores = Math.max(1, threads);
        this.gpu = gpu;
    }

    /** The same model, uncalibrated, on a GPU: what a CPU run's estimate offers for comparison. */
    CostModel onGpu() { return new CostModel(spec, (int) cpuCores, true); }

    String kind(SweepPoint p) { return spec.methods().get(p.method()).kind(); }

    /**
     * The model's seconds for a point on this backend, before calibration: about 1.3 ns per neuron, point and
     * step for nets at d = 3 on 2 cores; a Cholesky, Gram entries and a fixed overhead for kernels.
     */
    double model(SweepPoint p) {
        MethodSpec m = spec.methods().get(p.method());
        if (m instanceof MethodSpec.ImageNet net) {
            return imageNet(p.n(), DatasetStore.dimension(p.dataset()), net.options(), gpu, cpuCores);
        }
        double twoCores;
        if (m instanceof MethodSpec.Sparse) {  // BENCHMARKS.md section 14: 26 s at n = 128, 69 s at 256 (d = 3, busy)
            twoCores = 1 + 2e-5 * Math.pow(p.n(), 2) * p.d();
        } else if (m instanceof MethodSpec.Net net) {
            twoCores = 1.3e-9 * net.maxSteps() * net.h() * Math.max(p.n(), 8) * (p.d() + 3) / 6.0;
        } else {
            twoCores = (Math.pow(p.n(), 3) / 3 + 30.0 * p.n() * (p.n() + spec.nTest())) / 50e9 + 0.03;
        }
        double speedup = gpu ? (m instanceof MethodSpec.Net ? GPU_NETS : GPU_KERNELS) : cpuCores / 2;
        return twoCores / speedup;
    }

    /**
     * The image net's gradient flow (classify.GradientFlow): about 100 trials per training point (25 449 measured at
     * n = 256 on MNIST, alpha 1e-6), at most max_steps accepted ones plus the few rejected; a trial is two GEMMs of
     * 2 n h D flop each, plus passes over the n x h activations and the h (D + 1) parameters; a net stops at max_wall.
     * On the CPU at the GEMM rate of 2 cores measured (BENCHMARKS.md, section 4) scaled by the cores; on a GPU at a
     * float64 GEMM rate of an H100 and a launch cost per trial, which nothing has measured yet (the device check's
     * "image net flow" rows will).
     */
    static double imageNet(int n, int dim, ImageNetOptions o, boolean gpu, double cpuCores) {
        return Math.min(o.maxWall(), flowSeconds(n, dim, o, gpu, cpuCores));
    }

    /**
     * The model's seconds left of an image net's flow that a checkpoint holds after {@code trials} trials (accepted and
     * rejected) and {@code seconds} (which count toward its max_wall).
     */
    double imageNetLeft(SweepPoint p, long trials, double seconds) {
        ImageNetOptions o = ((MethodSpec.ImageNet) spec.methods().get(p.method())).options();
        double flow = flowSeconds(p.n(), DatasetStore.dimension(p.dataset()), o, gpu, cpuCores);
        return Math.max(0, Math.min(o.maxWall() - seconds, flow * Math.max(0, 1 - trials / flowTrials(p.n(), o))));
    }

    /** The trials the model expects of a flow on n training points. */
    private static double flowTrials(int n, ImageNetOptions o) { return Math.min(o.maxSteps() * (1 + REJECTED), TRIALS_PER_POINT * n); }

    /** {@link #imageNet} without the wall-clock limit. */
    private static double flowSeconds(int n, int dim, ImageNetOptions o, boolean gpu, double cpuCores) {
        double trials = flowTrials(n, o);
        double gemm = 4.0 * n * o.h() * dim, passes = (double) n * o.h(), params = (double) o.h() * (dim + 1);
        double trial = gpu ? gemm / GPU_FLOW_FLOPS + GPU_FLOW_TRIAL
                : (gemm / CPU_FLOW_FLOPS + passes * CPU_ACT_SECONDS + params * CPU_PARAM_SECONDS) * 2 / cpuCores;
        return trials * trial;
    }

    /** Whether the model expects the point, an image net, to stop at its wall-clock limit rather than converge. */
    boolean stopsAtWallClock(SweepPoint p) {
        return spec.methods().get(p.method()) instanceof MethodSpec.ImageNet net
                && flowSeconds(p.n(), DatasetStore.dimension(p.dataset()), net.options(), gpu, cpuCores) > net.options().maxWall();
    }

    /** Trials per training point, and rejected trials per accepted one (measured at n = 256: 908 / 24 541). */
    static final double TRIALS_PER_POINT = 100, REJECTED = 0.04;
    /** 2 cores: OpenBLAS's float64 GEMM rate in a flow's trial; seconds per activation and per parameter of a trial. */
    static final double CPU_FLOW_FLOPS = 90e9, CPU_ACT_SECONDS = 10e-9, CPU_PARAM_SECONDS = 5e-9;
    /** An H100's float64 GEMM rate (tensor cores, about 2/3 of its 67 TFLOP/s peak) and a trial's launches. */
    static final double GPU_FLOW_FLOPS = 40e12, GPU_FLOW_TRIAL = 150e-6;

    /** A finished point (or points of one kind): the model's seconds for them and the seconds they took. */
    void finished(String kind, double modelSeconds, double seconds) {
        if (modelSeconds > 0 && seconds >= 0 && Double.isFinite(seconds)) {
            double[] f = finished.computeIfAbsent(kind, k -> new double[2]);
            f[0] += seconds;
            f[1] += modelSeconds;
        }
    }

    boolean calibrated(String kind) { return finished.containsKey(kind); }

    /**
     * Seconds per model second for a kind, counting also {@code seconds} spent on {@code modelSeconds} of
     * work in flight (a batch of nets half done).
     */
    double rate(String kind, double modelSeconds, double seconds) {
        double[] f = finished.getOrDefault(kind, new double[2]);
        double s = f[0] + seconds, m = f[1] + modelSeconds;
        return m > 0 && s > 0 ? s / m : 1;
    }
}
