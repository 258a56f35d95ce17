package org.sparsefeat.backend.cuda;

import java.util.List;
import java.util.Optional;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.CpuFallbacks;
import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.backend.cpu.NativeLayout;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.tiled.TileEngine;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.util.PhaseTimer;

/**
 * The CUDA backend: Gram matrices, the teacher field, KRR's Cholesky, triangular solves and predictions, and the
 * nets' gradient descent run in our kernels (cuda/*.cu, formulas shared with the CPU through native/include).
 * A KRR fit keeps its n x n matrix on the device ({@link #factorGram}); operations on host matrices upload them.
 * The {@link Device} is a GPU through JCuda (or the driver API through FFM) or, in tests, the CPU emulator of
 * cuda/emu bound through FFM (cuda/emu/java's Emulator). What it hands to its embedded CPU backend instead (the
 * teacher for d > 16, nets of other d, net outputs, the image net without cuBLAS) it records in
 * {@link #cpuFallbacks}, which result files carry.
 * NOT YET RUN ON A GPU: the first device check must prove it (benchmarks/gpu/check.sh).
 */
public final class CudaBackend implements Backend {
    // launch geometry of gram.cu and teacher.cu, as libsparsefeat reports it (native/include/sf_launch.h)
    private static final int TILE = NativeLayout.constant("SF_GRAM_TILE");
    private static final int TEACHER_THREADS = NativeLayout.constant("SF_TEACHER_THREADS");
    private static final int TEACHER_MAX_D = NativeLayout.constant("SF_TEACHER_MAX_D");
    /** Neuron chunks of 256 per teacher launch: bounds the partial sums to 1024 x m doubles. */
    private static final int TEACHER_CHUNKS_PER_LAUNCH = 1024;
    private static final int PREDICT_ROWS = NativeLayout.constant("SF_PREDICT_ROWS");
    private static final int PREDICT_THREADS = NativeLayout.constant("SF_PREDICT_THREADS");
    /** Doubles of points per upload of {@link #gramTimes}: 256 MiB. */
    private static final long GRAM_TIMES_BLOCK = 1L << 25;

    private final Device dev;
    private final CpuBackend cpu;
    private final DeviceLinalg linalg;
    private final Device.Kernel gram, gramF32, gramTimes, teacher;
    private final CudaNetBatch.Kernels gd;
    private final CudaSoftplusFlow.Kernels flow;
    private final CpuFallbacks fallbacks = new CpuFallbacks();

    /**
     * Whether a GPU can be used: the driver initialises through JCuda (or, where JCuda cannot load, through FFM), a
     * device exists, the kernels were built. With SPARSEFEAT_CUDA_BINDING=ffm JCuda is not even probed, so that a
     * binding that crashes cannot take the other down with it.
     */
    public static boolean available() {
        return ffmChosen() ? FfmDriverDevice.available() : DriverDevice.available() || FfmDriverDevice.available();
    }

    /** Why {@link #available} is false, in one line. */
    public static String whyNot() {
        if (available()) {
            return "";
        }
        if (ffmChosen()) {
            return FfmDriverDevice.whyNot() + " (SPARSEFEAT_CUDA_BINDING=ffm)";
        }
        String jcuda = DriverDevice.whyNot(), ffm = FfmDriverDevice.whyNot();
        return jcuda.equals(ffm) ? jcuda : jcuda + "; through FFM: " + ffm;
    }

    private static boolean ffmChosen() { return "ffm".equals(System.getenv("SPARSEFEAT_CUDA_BINDING")); }

    /** On GPU 0. */
    public CudaBackend(int threads) {
        this(threads, 0);
    }

    /** On GPU {@code gpu} (0 to {@link #devices} - 1). */
    public CudaBackend(int threads, int gpu) {
        this(openDriver(gpu), threads);
    }

    /** The GPUs the driver reports (0 where none can be used). */
    public static int devices() {
        if (!available()) {
            return 0;
        }
        return ffmChosen() || !DriverDevice.available() ? FfmDriverDevice.devices() : DriverDevice.devices();
    }

    /**
     * JCuda, the project's binding; the driver API through FFM where JCuda cannot load but the driver can, or
     * with SPARSEFEAT_CUDA_BINDING=ffm.
     */
    private static Device openDriver(int gpu) {
        if (!available()) {
            throw new org.sparsefeat.util.InvalidInputException("{backend} cuda: no usable GPU (" + whyNot()
                    + "); use {backend} cpu");
        }
        boolean ffm = ffmChosen() || !DriverDevice.available();
        return ffm ? FfmDriverDevice.open(gpu) : new DriverDevice(gpu);
    }

    CudaBackend(Device device, int threads) {
        dev = device;
        cpu = new CpuBackend(threads);
        gram = dev.kernel("gram", "sf_gram");
        gramF32 = dev.kernel("gram", "sf_gram_f32");
        gramTimes = dev.kernel("gram", "sf_gram_times");
        teacher = dev.kernel("teacher", "sf_teacher");
        linalg = new DeviceLinalg(dev);
        gd = CudaNetBatch.Kernels.load(dev);
        flow = CudaSoftplusFlow.Kernels.load(dev);
    }

    @Override
    public String name() { return "cuda"; }

    @Override
    public String device() { return dev.name() + " (" + dev.blasStatus() + "; host: " + cpu.device() + ")"; }

    @Override
    public int threads() { return cpu.threads(); }

    @Override
    public List<String> cpuFallbacks() { return fallbacks.all(); }

    @Override
    public long fallbackMark() { return fallbacks.mark(); }

    @Override
    public List<String> cpuFallbacksSince(long mark) { return fallbacks.since(mark); }

    private void launch(Device.Kernel k, long blocksX, long blocksY, int threadsX, int threadsY, KernelArgs args) {
        dev.launch(k, Device.Dim.of(blocksX, blocksY), new Device.Dim(threadsX, threadsY, 1), args);
    }

    // ---- Gram matrices

    /** Points and their norms on the device. */
    record DevicePoints(DeviceArray x, DeviceArray norms, int n, int d) implements AutoCloseable {
        static DevicePoints upload(Device dev, String what, Matrix x) {
            DeviceArray p = DeviceArray.upload(dev, what, x.data());
            try {
                return new DevicePoints(p, DeviceArray.upload(dev, "the norms of " + what, x.rowNorms()), x.rows(), x.cols());
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
        }

        @Override
        public void close() {
            x.close();
            norms.close();
        }
    }

    /** K(X, Y) into k (n x m, row-major); lower: only j <= i is written. Y == null: Y is X. */
    void gramInto(Kernel kernel, DevicePoints x, DevicePoints y, boolean lower, DeviceArray k) {
        gramInto(gram, kernel, x, y, lower, k);
    }

    /** As above with the kernel of the output's precision (sf_gram or sf_gram_f32). */
    private void gramInto(Device.Kernel gram, Kernel kernel, DevicePoints x, DevicePoints y, boolean lower,
                          DeviceArray k) {
        DevicePoints other = y == null ? x : y;
        int n = x.n(), m = other.n();
        launch(gram, Device.Dim.cover(m, TILE), Device.Dim.cover(n, TILE), TILE, TILE, KernelArgs.of()
                .i32(kernel.type().id()).f64(kernel.param()).i32(x.d()).ptr(x.x()).ptr(x.norms()).i64(n)
                .ptr(other.x()).ptr(other.norms()).i64(m).i32(lower).i32(y == null).ptr(k));
    }

    @Override
    public Matrix gram(Kernel kernel, Matrix x, Matrix y) {
        Backend.requireSameDimension(x, y);
        return gramToHost(kernel, x, y, false);
    }

    @Override
    public Matrix gramLower(Kernel kernel, Matrix x) { return gramToHost(kernel, x, x, true); }

    private Matrix gramToHost(Kernel kernel, Matrix x, Matrix y, boolean lower) {
        Matrix k = Matrix.zeros(x.rows(), y.rows());
        if (k.data().length > 0) {
            gramOnDevice(gram, kernel, x, y, lower, "the Gram matrix", k.data().length,
                    dk -> dev.copyToHost(k.data(), 0, k.data().length, dk.address()));
        }
        return k;
    }

    @Override
    public float[] gramFloat32(Kernel kernel, Matrix x, Matrix y) {
        Backend.requireSameDimension(x, y);
        float[] k = new float[Math.multiplyExact(x.rows(), y.rows())];
        if (k.length > 0) {
            gramOnDevice(gramF32, kernel, x, y, false, "the float32 Gram matrix", (k.length + 1L) / 2,
                    dk -> dev.copyToHost(k, dk.address()));
        }
        return k;
    }

    /**
     * K(X, Y) by {@code gramKernel} (sf_gram or sf_gram_f32) into a device buffer of {@code doubles} doubles,
     * handed to {@code download}; X == Y (the same object) is uploaded once. A lower triangle starts from zeros.
     */
    private void gramOnDevice(Device.Kernel gramKernel, Kernel kernel, Matrix x, Matrix y, boolean lower, String what,
                              long doubles, java.util.function.Consumer<DeviceArray> download) {
        boolean same = x == y;
        try (DevicePoints dx = DevicePoints.upload(dev, "the points X", x);
             DevicePoints dy = same ? null : DevicePoints.upload(dev, "the points Y", y);
             DeviceArray dk = DeviceArray.allocate(dev, what + " (" + x.rows() + " x " + y.rows() + ")", doubles)) {
            if (lower) {
                dk.zero();
            }
            gramInto(gramKernel, kernel, dx, dy, lower, dk);
            download.accept(dk);
        }
    }

    /**
     * K(X, C) c matrix-free on the device (sf_gram_times): the centres (transposed, so that the threads' loads
     * coalesce), their norms and c are uploaded once, the points in slabs of at most {@link #GRAM_TIMES_BLOCK}
     * doubles; no block of K exists anywhere, and only f comes back.
     */
    @Override
    public double[] gramTimes(Kernel kernel, Matrix x, Matrix centres, double[] c) {
        if (x.cols() != centres.cols()) {
            throw new org.sparsefeat.util.InvalidInputException("points have d = " + x.cols() + " but the centres d = "
                    + centres.cols());
        }
        if (c.length != centres.rows()) {
            throw new IllegalArgumentException(c.length + " coefficients for " + centres.rows() + " centres");
        }
        int n = x.rows(), m = centres.rows(), d = x.cols();
        double[] f = new double[n];
        if (n == 0 || m == 0) {
            return f;
        }
        boolean same = x == centres;
        int rows = same ? n : (int) Math.max(1, Math.min(n, GRAM_TIMES_BLOCK / d));
        try (DeviceArray dyt = DeviceArray.upload(dev, "the centres (" + m + " x " + d + ")", centres.transpose().data());
             DeviceArray dyn = DeviceArray.upload(dev, "the norms of the centres", centres.rowNorms());
             DeviceArray dcoef = DeviceArray.upload(dev, "the coefficients", c);
             DeviceArray df = DeviceArray.allocate(dev, "predictions", rows)) {
            for (int r0 = 0; r0 < n; r0 += rows) {
                int r1 = Math.min(n, r0 + rows);
                try (DevicePoints dx = DevicePoints.upload(dev, "points to predict", r0 == 0 && r1 == n ? x : x.rowRange(r0, r1))) {
                    launch(gramTimes, Device.Dim.cover(r1 - r0, PREDICT_ROWS), 1, PREDICT_THREADS, 1, KernelArgs.of()
                            .i32(kernel.type().id()).f64(kernel.param()).i32(d).ptr(dx.x()).ptr(dx.norms()).i64(r1 - r0)
                            .ptr(dyt).ptr(dyn).ptr(dcoef).i64(m).i32(same).ptr(df));
                    dev.copyToHost(f, r0, r1 - r0, df.address());
                }
            }
        }
        return f;
    }

    // ---- the teacher

    /** Chunks of 256 neurons per block row, slabs of chunks per launch, reduced on the device in order. */
    @Override
    public double[] teacher(Matrix x, TeacherField field) {
        int m = x.rows(), d = x.cols();
        if (m == 0) {
            return new double[0];
        }
        if (d > TEACHER_MAX_D) {
            fallbacks.record("teacher: d = " + d + " > " + TEACHER_MAX_D);
            return cpu.teacher(x, field);
        }
        long chunks = (field.width() + TEACHER_THREADS - 1) / TEACHER_THREADS;
        double[] out = new double[m];
        try (DeviceArray dx = DeviceArray.upload(dev, "the teacher's points", x.data());
             DeviceArray dsum = DeviceArray.allocate(dev, "the teacher's sums", m);
             DeviceArray partial = DeviceArray.allocate(dev, "the teacher's partial sums (" + TEACHER_CHUNKS_PER_LAUNCH
                     + " x " + m + ")", (long) TEACHER_CHUNKS_PER_LAUNCH * m)) {
            dsum.zero();
            for (long c0 = 0; c0 < chunks; c0 += TEACHER_CHUNKS_PER_LAUNCH) {
                long slab = Math.min(TEACHER_CHUNKS_PER_LAUNCH, chunks - c0);
                long first = c0 * TEACHER_THREADS;
                long width = Math.min(field.width() - first, slab * TEACHER_THREADS);
                launch(teacher, Device.Dim.cover(m, TEACHER_THREADS), slab, TEACHER_THREADS, 1, KernelArgs.of()
                        .i64(field.seed()).i32(d).i32(field.activation().id()).f64(field.power()).i64(width).i64(first)
                        .ptr(dx).i64(m).ptr(partial));
                linalg.addSlabs(partial, slab, m, dsum);
            }
            dev.copyToHost(out, 0, m, dsum.address());
        }
        double scale = 1.0 / Math.sqrt((double) field.width());
        for (int i = 0; i < m; i++) {
            out[i] *= scale;
        }
        return out;
    }

    // ---- Cholesky and solves (DeviceLinalg)

    private static void requireRidge(double ridge) {
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("ridge must be a finite number >= 0, got " + ridge);
        }
    }

    /**
     * Replaces the lower triangle of {@code a} by L with L L^T = A + ridge I, factored on the device: the kernels
     * of {@link #factorGram} on a host matrix, for the parity tests with {@link org.sparsefeat.linalg.HostLinalg}.
     */
    public void cholesky(Matrix a, double ridge) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("Cholesky needs a square matrix, got " + a);
        }
        requireRidge(ridge);
        int n = a.rows();
        try (DeviceArray da = DeviceArray.upload(dev, "the matrix to factor (" + n + " x " + n + ")", a.data())) {
            linalg.factor(da, n, ridge);
            dev.copyToHost(a.data(), 0, n * n, da.address());
        }
    }

    @Override
    public void recordCpuFallback(String reason) { fallbacks.record(reason); }

    @Override
    public boolean factorsOnDevice() { return true; }

    @Override
    public long deviceMemoryFree() { return dev.freeMemory(); }

    @Override
    public Optional<TileEngine<?>> tileEngine() {
        return dev.blas().map(blas -> new DeviceTileEngine(dev, blas));
    }

    /** K(X, X) + ridge I built and factored in device memory; it stays there for the solves. */
    @Override
    public GramFactor factorGram(Kernel kernel, Matrix x, double ridge, PhaseTimer timer) {
        requireRidge(ridge);
        int n = x.rows();
        DeviceArray k = DeviceArray.allocate(dev, "the kernel matrix (" + n + " x " + n + ")", (long) n * n);
        try {
            timer.time("gram", () -> {
                try (DevicePoints dx = DevicePoints.upload(dev, "the training points", x)) {
                    // no zeroing: nothing after this reads the upper triangle (the emulator's NaN-filled memory
                    // would show it if something did)
                    gramInto(kernel, dx, null, true, k);
                    dev.synchronize();
                }
            });
            timer.time("cholesky", () -> linalg.factor(k, n, ridge));
            return linalg.factorOf(k, n);
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
    }


    // ---- what the device check (benchmarks/.../DeviceTimings, GpuCheck) reaches in this package

    Device dev() { return dev; }

    DeviceLinalg linalg() { return linalg; }

    /** Which path KRR's solves take by default on this device ("cuBLAS DTRSV" or "our kernels"). */
    public String solvePath() { return linalg.solvePath(); }

    /**
     * -Dsparsefeat.cuda.choleskyLeaf: 64 (the default) or 32, the width of the diagonal blocks that our Cholesky
     * kernels factor in one launch (cuda/cholesky.cu); read at each factorisation.
     */
    public static final String CHOLESKY_LEAF = DeviceLinalg.LEAF_PROPERTY;

    /**
     * -Dsparsefeat.cuda.choleskyBlock: the largest diagonal block our kernels factor between cuBLAS's DTRSM and
     * DSYRK (default 64 for the 64 leaf, 256 for the 32 leaf), or "all": our kernels alone.
     */
    public static final String CHOLESKY_BLOCK = DeviceLinalg.BLOCK_PROPERTY;

    /** Which Cholesky path a factorisation takes now (the leaf, recursive with cuBLAS or not). */
    public String choleskyPath() { return linalg.choleskyPath(); }

    /** The system property that makes nets' steps plain launches, never a CUDA graph (the device check times both). */
    public static final String PLAIN_LAUNCHES = CudaNetBatch.PLAIN_LAUNCHES;

    /** The system property that picks the GD step kernels, v1 or v2 (the default); the device check times both. */
    public static final String GD_KERNELS = CudaNetBatch.GD_KERNELS;

    /**
     * -Dsparsefeat.cuda.streamCopies: how KRR's streamed tiles reach the device, "sync" (the default) or "overlap" (a
     * second stream, page-locked buffers); read at each factorisation; the device check times both.
     */
    public static final String STREAM_COPIES = DeviceTileEngine.COPIES_PROPERTY;

    // ---- nets

    /** On the GPU when every net's d is one the kernels are compiled for (2, 3, 4, 5, 6, 8, 10, 16). */
    @Override
    public int netBatchSize() { return 64; }

    @Override
    public NetBatch openNets(List<NetProblem> problems) {
        List<Integer> other = problems.stream().map(p -> p.x().cols())
                .filter(d -> !CudaNetBatch.DIMENSIONS.contains(d)).distinct().sorted().toList();
        if (other.isEmpty()) {
            return new CudaNetBatch(dev, gd, problems);
        }
        fallbacks.record("nets: d = " + other.stream().map(String::valueOf).collect(java.util.stream.Collectors
                .joining(", ")) + " (the GPU kernels take d in " + CudaNetBatch.DIMENSIONS.stream().sorted().toList() + ")");
        return cpu.openNets(problems);
    }

    @Override
    public double[] netOutputs(TwoLayerNet net, Matrix x) {
        fallbacks.record("net outputs f(x): on the CPU");
        return cpu.netOutputs(net, x);
    }

    // ---- the image net

    /** The host-side elementwise pass (the activation's normalisation): the CPU's, whichever the backend. */
    @Override
    public void softplus(double[] z, double beta, double c, double[] a, double[] da) { cpu.softplus(z, beta, c, a, da); }

    /** Why the image net runs on the CPU: the device has no cuBLAS for its GEMMs. */
    private String imageNetFallback() {
        return "image net: no cuBLAS (" + dev.blasStatus() + "), its flow on the CPU";
    }

    @Override
    public double[] softplusOutputs(double[] p, int h, double beta, double c, Matrix x) {
        if (dev.blas().isEmpty()) {
            fallbacks.record(imageNetFallback());
            return cpu.softplusOutputs(p, h, beta, c, x);
        }
        return CudaSoftplusFlow.outputs(dev, dev.blas().get(), flow, p, h, beta, c, x);
    }

    /** In device memory when cuBLAS is there (its DGEMMs are most of a step), else on the CPU, recorded. */
    @Override
    public SoftplusFlow softplusFlow(SoftplusFlow.Problem problem) {
        if (dev.blas().isEmpty()) {
            fallbacks.record(imageNetFallback());
            return cpu.softplusFlow(problem);
        }
        return new CudaSoftplusFlow(dev, dev.blas().get(), flow, problem);
    }

    @Override
    public void close() {
        cpu.close();
        dev.close();
    }
}
