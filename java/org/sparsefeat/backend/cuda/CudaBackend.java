package org.sparsefeat.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.linalg.Pivots;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;

/**
 * The CUDA backend, first stage: Gram matrices and the teacher field run in our kernels (cuda/gram.cu,
 * cuda/teacher.cu, the formulas of native/include shared with the CPU), through JCuda's driver API on the
 * device's primary context; nets (cuda/gd.cu) and Cholesky (cuda/cholesky.cu) on the GPU only when
 * SPARSEFEAT_CUDA_GD=1 and SPARSEFEAT_CUDA_CHOLESKY=1, until a device check has compared them with the CPU. Solves
 * and products still run on the CPU backend it holds.
 * NOT YET RUN ON A GPU: the first device check must prove that JCuda loads under the CUDA 13 driver.
 */
public final class CudaBackend implements Backend {
    private static final int TILE = 16;
    private static final int CHOLESKY_BLOCK = 32;  // SF_CB
    private static final int TEACHER_THREADS = 256;
    private static final int TEACHER_MAX_D = 16;
    /** Neuron chunks of 256 per teacher launch: bounds the partial sums to 1024 x m doubles. */
    private static final int TEACHER_CHUNKS_PER_LAUNCH = 1024;

    private static Boolean usable;
    private static String reason = "";

    private final CpuBackend cpu;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUfunction gram = new CUfunction();
    private final CUfunction teacher = new CUfunction();
    private final CUfunction teacherReduce = new CUfunction();
    private final CUfunction potrfDiag = new CUfunction(), trsmPanel = new CUfunction(), syrkUpdate = new CUfunction();
    private final CUfunction gdNeurons = new CUfunction(), gdPartial = new CUfunction(), gdOutputs = new CUfunction(),
            gdReg = new CUfunction(), gdSum = new CUfunction();
    private final String name;

    /**
     * Whether a GPU can be used: JCuda's driver library loads, the driver initialises, a device exists and our
     * kernels are on the class path. Probed once; {@link #whyNot} says what failed.
     */
    public static synchronized boolean available() {
        if (usable == null) {
            try {
                JCudaDriver.setExceptionsEnabled(true);
                cuInit(0);
                int[] count = {0};
                cuDeviceGetCount(count);
                if (count[0] < 1) {
                    reason = "the CUDA driver reports no device";
                } else if (CudaBackend.class.getResource("/cuda/gram.fatbin") == null) {
                    reason = "the CUDA kernels were not built (no nvcc at build time)";
                }
                usable = reason.isEmpty();
            } catch (LinkageError | CudaException e) {
                // no libcuda.so.1 (no driver), or JCuda's native library cannot load: an Error, not an Exception
                usable = false;
                reason = summarise(e);
            }
        }
        return usable;
    }

    /** One line for a probe failure (JCuda's message carries whole nested stack traces). */
    private static String summarise(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("libcuda.so.1")) {
            return "no NVIDIA driver here (libcuda.so.1 not found)";
        }
        return e.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse("").strip();
    }

    public static synchronized String whyNot() {
        available();
        return reason;
    }

    public CudaBackend(int threads) {
        if (!available()) {
            throw new IllegalArgumentException("--backend cuda: no usable GPU (" + reason + "); use --backend cpu");
        }
        cpu = new CpuBackend(threads);
        cuDeviceGet(device, 0);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, device);
        name = new String(nameBytes).trim().replace("\0", "");
        CUmodule gramModule = load("gram"), teacherModule = load("teacher");
        cuModuleGetFunction(gram, gramModule, "sf_gram");
        cuModuleGetFunction(teacher, teacherModule, "sf_teacher");
        cuModuleGetFunction(teacherReduce, teacherModule, "sf_teacher_reduce");
        CUmodule cholModule = load("cholesky");
        cuModuleGetFunction(potrfDiag, cholModule, "sf_potrf_diag");
        cuModuleGetFunction(trsmPanel, cholModule, "sf_trsm_panel");
        cuModuleGetFunction(syrkUpdate, cholModule, "sf_syrk_update");
        CUmodule gdModule = load("gd");
        cuModuleGetFunction(gdNeurons, gdModule, "sf_gd_neurons");
        cuModuleGetFunction(gdPartial, gdModule, "sf_gd_partial");
        cuModuleGetFunction(gdOutputs, gdModule, "sf_gd_outputs");
        cuModuleGetFunction(gdReg, gdModule, "sf_gd_reg");
        cuModuleGetFunction(gdSum, gdModule, "sf_gd_sum");
    }

    private static CUmodule load(String kernels) {
        try (InputStream in = CudaBackend.class.getResourceAsStream("/cuda/" + kernels + ".fatbin")) {
            if (in == null) {
                throw new IllegalStateException("cuda/" + kernels + ".fatbin is not on the class path");
            }
            CUmodule m = new CUmodule();
            cuModuleLoadData(m, in.readAllBytes());
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read cuda/" + kernels + ".fatbin: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() { return "cuda"; }

    @Override
    public String device() { return name + " (Gram and teacher on the GPU; Cholesky, solves and nets on " + cpu.device() + ")"; }

    @Override
    public int threads() { return cpu.threads(); }

    @Override
    public Matrix gram(Kernel kernel, Matrix x, Matrix y) {
        if (x.cols() != y.cols()) {
            throw new IllegalArgumentException("points of different dimension: d = " + x.cols() + " and d = " + y.cols());
        }
        return gramOnDevice(kernel, x, y, false);
    }

    @Override
    public Matrix gramLower(Kernel kernel, Matrix x) { return gramOnDevice(kernel, x, x, true); }

    private Matrix gramOnDevice(Kernel kernel, Matrix x, Matrix y, boolean lower) {
        cuCtxSetCurrent(context);
        int n = x.rows(), m = y.rows(), d = x.cols();
        Matrix k = Matrix.zeros(n, m);
        if (n == 0 || m == 0) {
            return k;
        }
        boolean same = x == y;
        try (DeviceArray dx = upload("the points X", x.data()); DeviceArray dxn = upload("the norms of X", x.rowNorms());
             DeviceArray dy = same ? null : upload("the points Y", y.data());
             DeviceArray dyn = same ? null : upload("the norms of Y", y.rowNorms());
             DeviceArray dk = DeviceArray.allocate("the Gram matrix (" + n + " x " + m + " float64)", (long) n * m)) {
            cuMemsetD8(dk.ptr(), (byte) 0, (long) n * m * Sizeof.DOUBLE);
            Pointer params = Pointer.to(Pointer.to(new int[] {kernel.type().id()}),
                    Pointer.to(new double[] {kernel.param()}), Pointer.to(new int[] {d}), Pointer.to(dx.ptr()),
                    Pointer.to(dxn.ptr()), Pointer.to(new long[] {n}), Pointer.to(same ? dx.ptr() : dy.ptr()),
                    Pointer.to(same ? dxn.ptr() : dyn.ptr()), Pointer.to(new long[] {m}),
                    Pointer.to(new int[] {lower ? 1 : 0}), Pointer.to(new int[] {same ? 1 : 0}), Pointer.to(dk.ptr()));
            cuLaunchKernel(gram, (m + TILE - 1) / TILE, (n + TILE - 1) / TILE, 1, TILE, TILE, 1, 0, null, params, null);
            cuCtxSynchronize();
            cuMemcpyDtoH(Pointer.to(k.data()), dk.ptr(), (long) n * m * Sizeof.DOUBLE);
        }
        return k;
    }

    /** Chunks of 256 neurons per block row, slabs of chunks per launch, reduced on the device in order. */
    @Override
    public double[] teacher(Matrix x, TeacherField field) {
        int m = x.rows(), d = x.cols();
        if (d > TEACHER_MAX_D || m == 0) {
            return cpu.teacher(x, field);
        }
        cuCtxSetCurrent(context);
        long chunks = (field.width() + TEACHER_THREADS - 1) / TEACHER_THREADS;
        double[] out = new double[m];
        try (DeviceArray dx = upload("the teacher's points", x.data());
             DeviceArray dsum = DeviceArray.allocate("the teacher's sums (" + m + " float64)", m);
             DeviceArray partial = DeviceArray.allocate("the teacher's partial sums (" + TEACHER_CHUNKS_PER_LAUNCH + " x "
                     + m + " float64)", (long) TEACHER_CHUNKS_PER_LAUNCH * m)) {
            cuMemsetD8(dsum.ptr(), (byte) 0, (long) m * Sizeof.DOUBLE);
            for (long c0 = 0; c0 < chunks; c0 += TEACHER_CHUNKS_PER_LAUNCH) {
                long slab = Math.min(TEACHER_CHUNKS_PER_LAUNCH, chunks - c0);
                long first = c0 * TEACHER_THREADS;
                long width = Math.min(field.width() - first, slab * TEACHER_THREADS);
                // neurons first .. first + width - 1: the kernel numbers them from 0, so shift the seed's counter
                Pointer params = Pointer.to(Pointer.to(new long[] {field.seed()}), Pointer.to(new int[] {d}),
                        Pointer.to(new int[] {field.activation().id()}), Pointer.to(new double[] {field.power()}),
                        Pointer.to(new long[] {width}), Pointer.to(new long[] {first}), Pointer.to(dx.ptr()),
                        Pointer.to(new long[] {m}), Pointer.to(partial.ptr()));
                cuLaunchKernel(teacher, (m + TEACHER_THREADS - 1) / TEACHER_THREADS, (int) slab, 1, TEACHER_THREADS, 1, 1,
                        0, null, params, null);
                Pointer reduce = Pointer.to(Pointer.to(partial.ptr()), Pointer.to(new long[] {slab}),
                        Pointer.to(new long[] {m}), Pointer.to(dsum.ptr()));
                cuLaunchKernel(teacherReduce, (m + 255) / 256, 1, 1, 256, 1, 1, 0, null, reduce, null);
            }
            cuCtxSynchronize();
            cuMemcpyDtoH(Pointer.to(out), dsum.ptr(), (long) m * Sizeof.DOUBLE);
        }
        double scale = 1.0 / Math.sqrt((double) field.width());
        for (int i = 0; i < m; i++) {
            out[i] *= scale;
        }
        return out;
    }

    /**
     * On the GPU (cuda/cholesky.cu) only when SPARSEFEAT_CUDA_CHOLESKY=1, until the device check has compared it
     * with the CPU; the same verdicts as the CPU backend: LAPACK's first non-positive pivot, then the rule of
     * {@link Pivots}.
     */
    @Override
    public void cholesky(Matrix a, double ridge) {
        if (!"1".equals(System.getenv("SPARSEFEAT_CUDA_CHOLESKY"))) {
            cpu.cholesky(a, ridge);
            return;
        }
        if (!a.isSquare()) {
            throw new IllegalArgumentException("Cholesky needs a square matrix, got " + a);
        }
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("ridge must be a finite number >= 0, got " + ridge);
        }
        cuCtxSetCurrent(context);
        int n = a.rows();
        double maxDiag = Pivots.maxDiagonal(a, ridge);
        for (int i = 0; i < n; i++) {
            a.data()[i * n + i] += ridge;
        }
        int[] info = {0};
        try (DeviceArray da = upload("the matrix to factor (" + n + " x " + n + ")", a.data());
             DeviceArray di = DeviceArray.allocate("the factorisation's status", 1)) {
            cuMemsetD8(di.ptr(), (byte) 0, Sizeof.DOUBLE);
            for (long k0 = 0; k0 < n; k0 += CHOLESKY_BLOCK) {
                int kb = (int) Math.min(CHOLESKY_BLOCK, n - k0);
                cuLaunchKernel(potrfDiag, 1, 1, 1, CHOLESKY_BLOCK, CHOLESKY_BLOCK, 1, 0, null, Pointer.to(Pointer.to(da.ptr()),
                        Pointer.to(new long[] {n}), Pointer.to(new long[] {k0}), Pointer.to(new int[] {kb}),
                        Pointer.to(di.ptr())), null);
                long rest = n - k0 - kb;
                if (rest > 0) {
                    Pointer args = Pointer.to(Pointer.to(da.ptr()), Pointer.to(new long[] {n}), Pointer.to(new long[] {k0}),
                            Pointer.to(new int[] {kb}));
                    cuLaunchKernel(trsmPanel, (int) ((rest + 127) / 128), 1, 1, 128, 1, 1, 0, null, args, null);
                    int tiles = (int) ((rest + TILE - 1) / TILE);
                    cuLaunchKernel(syrkUpdate, tiles, tiles, 1, TILE, TILE, 1, 0, null, args, null);
                }
            }
            cuCtxSynchronize();
            cuMemcpyDtoH(Pointer.to(info), di.ptr(), Sizeof.INT);
            cuMemcpyDtoH(Pointer.to(a.data()), da.ptr(), (long) n * n * Sizeof.DOUBLE);
        }
        if (info[0] > 0) {
            throw new NotPositiveDefiniteException(info[0], n, "the leading minor of order " + info[0] + " is not positive");
        }
        Pivots.requireNumericallyPositive(a, maxDiag);
    }

    @Override
    public void choleskySolve(Matrix l, double[] b) { cpu.choleskySolve(l, b); }

    @Override
    public double[] multiply(Matrix a, double[] x) { return cpu.multiply(a, x); }

    @Override
    public double[] lowerMultiply(Matrix l, double[] x) { return cpu.lowerMultiply(l, x); }

    @Override
    public double[] factorMultiply(Matrix l, double[] x) { return cpu.factorMultiply(l, x); }

    /**
     * Nets train on the GPU (cuda/gd.cu) only when SPARSEFEAT_CUDA_GD=1 and every net's d is one the kernels are
     * compiled for (2, 3, 4, 5, 6, 8, 10, 16): the kernels
     * have not run on a GPU yet, so the CPU stays the default until the device check has compared them.
     */
    @Override
    public NetBatch openNets(List<NetProblem> problems) {
        boolean onGpu = "1".equals(System.getenv("SPARSEFEAT_CUDA_GD"))
                && problems.stream().allMatch(p -> CudaNetBatch.DIMENSIONS.contains(p.x().cols()));
        return onGpu ? new CudaNetBatch(context, gdNeurons, gdPartial, gdOutputs, gdReg, gdSum, problems)
                : cpu.openNets(problems);
    }

    @Override
    public double[] netOutputs(TwoLayerNet net, Matrix x) { return cpu.netOutputs(net, x); }

    private static DeviceArray upload(String what, double[] values) {
        DeviceArray a = DeviceArray.allocate(what + " (" + values.length + " float64)", values.length);
        cuMemcpyHtoD(a.ptr(), Pointer.to(values), (long) values.length * Sizeof.DOUBLE);
        return a;
    }

    @Override
    public void close() {
        cpu.close();
        cuDevicePrimaryCtxRelease(device);
    }

    /** Device memory that frees itself; an allocation failure says what, how much, and how much was free. */
    record DeviceArray(CUdeviceptr ptr) implements AutoCloseable {
        static DeviceArray allocate(String what, long doubles) {
            CUdeviceptr p = new CUdeviceptr();
            long bytes = Math.max(1, doubles) * Sizeof.DOUBLE;
            try {
                cuMemAlloc(p, bytes);
            } catch (CudaException e) {
                long[] free = {0}, total = {0};
                cuMemGetInfo(free, total);
                throw new IllegalStateException(String.format("GPU out of memory allocating %s: %.2f GiB asked, %.2f GiB free"
                        + " of %.2f GiB (%s); use a smaller n or --backend cpu", what, bytes / 1073741824.0,
                        free[0] / 1073741824.0, total[0] / 1073741824.0, e.getMessage()), e);
            }
            return new DeviceArray(p);
        }

        @Override
        public void close() { cuMemFree(ptr); }
    }
}
