package org.sparsefeat.backend.cuda;

import java.util.Optional;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;

/**
 * Device-only timings of the CUDA backend for the device check (GpuCheck): built with the benchmarks (-Pbench),
 * not part of the engine, in the backend's package because they time its kernels without the host copies around
 * them. Every timing is the fastest of a few runs after an untimed one, each ended by a synchronisation.
 */
public final class DeviceTimings {
    private final CudaBackend gpu;
    private final Device dev;
    private final DeviceLinalg linalg;

    public DeviceTimings(CudaBackend gpu) {
        this.gpu = gpu;
        this.dev = gpu.dev();
        this.linalg = gpu.linalg();
    }

    /**
     * The fastest of {@code repeats} timed runs of {@code work}, after one untimed run (lazy module loading,
     * cuBLAS's workspace, the allocator); {@code setup} runs untimed before each, and every run ends with a
     * synchronisation, so the seconds are the device's.
     */
    private double fastest(int repeats, Runnable setup, Runnable work) {
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r <= Math.max(1, repeats); r++) {
            setup.run();
            dev.synchronize();
            long t0 = System.nanoTime();
            work.run();
            dev.synchronize();
            double seconds = (System.nanoTime() - t0) * 1e-9;
            if (r > 0) {
                best = Math.min(best, seconds);
            }
        }
        return best;
    }

    /** Seconds of a lower-triangle Gram of x on the device, the points already there (see {@link #fastest}). */
    public double secondsGramLower(Kernel kernel, Matrix x, int repeats) {
        int n = x.rows();
        try (CudaBackend.DevicePoints dx = CudaBackend.DevicePoints.upload(dev, "the points", x);
             DeviceArray k = DeviceArray.allocate(dev, "the Gram matrix (" + n + " x " + n + ")", (long) n * n)) {
            return fastest(repeats, () -> {}, () -> gpu.gramInto(kernel, dx, null, true, k));
        }
    }

    /** Seconds of the factorisation of K(x, x) + ridge I, the matrix built on the device before each run. */
    public double secondsCholesky(Kernel kernel, Matrix x, double ridge, int repeats) {
        int n = x.rows();
        try (CudaBackend.DevicePoints dx = CudaBackend.DevicePoints.upload(dev, "the points", x);
             DeviceArray k = DeviceArray.allocate(dev, "the kernel matrix (" + n + " x " + n + ")", (long) n * n)) {
            return fastest(repeats, () -> gpu.gramInto(kernel, dx, null, true, k), () -> linalg.factor(k, n, ridge));
        }
    }

    /**
     * Seconds of one solve (L L^T)^{-1} b with the factor of K(x, x) + ridge I on the device, by our kernels
     * ({@code cublas} false) or cuBLAS DTRSV; b on the device, so only the solve is timed.
     */
    public double secondsSolve(Kernel kernel, Matrix x, double ridge, boolean cublas, int repeats) {
        if (cublas && dev.blas().isEmpty()) {
            throw new IllegalStateException("cuBLAS absent (" + dev.blasStatus() + ")");
        }
        int n = x.rows();
        String before = System.getProperty(DeviceLinalg.SOLVE_PROPERTY);
        System.setProperty(DeviceLinalg.SOLVE_PROPERTY, cublas ? "cublas" : "kernels");
        try (CudaBackend.DevicePoints dx = CudaBackend.DevicePoints.upload(dev, "the points", x);
             DeviceArray k = DeviceArray.allocate(dev, "the kernel matrix (" + n + " x " + n + ")", (long) n * n);
             DeviceArray b = DeviceArray.allocate(dev, "a right-hand side", n)) {
            gpu.gramInto(kernel, dx, null, true, k);
            linalg.factor(k, n, ridge);
            double[] ones = new double[n];
            java.util.Arrays.fill(ones, 1.0);
            return fastest(repeats, () -> dev.copyToDevice(b.address(), ones, 0, n), () -> linalg.solve(k, n, b));
        } finally {
            if (before == null) {
                System.clearProperty(DeviceLinalg.SOLVE_PROPERTY);
            } else {
                System.setProperty(DeviceLinalg.SOLVE_PROPERTY, before);
            }
        }
    }

    /**
     * Seconds of the two largest cuBLAS calls of our recursive Cholesky at size n, alone: DTRSM of an n/2 x n/2
     * panel by an n/2 triangle, and the rank-n/2 DSYRK update of the n/2 x n/2 trailing block (each n^3/8 flops).
     * Splits the Cholesky's distance to cuSOLVER into cuBLAS's own speed and our recursion around it.
     */
    public double[] secondsBlasLevel3(int n, int repeats) {
        CudaBlas blas = dev.blas().orElseThrow(() -> new IllegalStateException("cuBLAS absent (" + dev.blasStatus() + ")"));
        int w = n / 2, rest = n - w;
        Matrix x = org.sparsefeat.data.Points.sample(org.sparsefeat.data.PointDistribution.SPHERE, n, 5, 17,
                org.sparsefeat.data.Philox.STREAM_TRAIN_POINTS);
        long bytes = (long) n * n * DeviceArray.BYTES;
        try (CudaBackend.DevicePoints dx = CudaBackend.DevicePoints.upload(dev, "the points", x);
             DeviceArray a = DeviceArray.allocate(dev, "the kernel matrix (" + n + " x " + n + ")", (long) n * n);
             DeviceArray factored = DeviceArray.allocate(dev, "a copy of its factor", (long) n * n)) {
            gpu.gramInto(Kernel.of(org.sparsefeat.kernel.KernelType.LAPLACE), dx, null, true, a);
            linalg.factor(a, n, 1e-6);   // so that DTRSM divides by a true triangular factor, as in the recursion
            dev.copyOnDevice(factored.address(), a.address(), bytes);
            Runnable restore = () -> dev.copyOnDevice(a.address(), factored.address(), bytes);
            double trsm = fastest(repeats, restore, () -> blas.trsmLeftUpperTransposed(w, rest, a.address(), n,
                    a.at((long) w * n), n));
            double syrk = fastest(repeats, restore, () -> blas.syrkUpperTransposed(rest, w, -1.0, a.at((long) w * n), n,
                    1.0, a.at((long) w * n + w), n));
            return new double[] {trsm, syrk};
        }
    }

    /**
     * Microseconds per launch of a kernel that does nothing, {@code launches} times over, enqueued as the GD
     * does (prepared once) and as the solves do (laid out anew each time): the binding's own cost per launch.
     */
    public double[] launchMicros(int launches) {
        Device.Kernel noop = dev.kernel("linalg", "sf_add_diagonal");   // n = 0: no thread writes
        KernelArgs args = KernelArgs.of().ptr(0L).i64(0).f64(0);
        Device.Launch prepared = dev.prepare(noop, Device.Dim.of(1), new Device.Dim(32, 1, 1), args);
        double[] perLaunch = new double[2];
        for (int way = 0; way < 2; way++) {
            boolean prepare = way == 0;
            Runnable burst = () -> {
                for (int i = 0; i < launches; i++) {
                    if (prepare) {
                        prepared.run();
                    } else {
                        dev.launch(noop, Device.Dim.of(1), new Device.Dim(32, 1, 1), args);
                    }
                }
            };
            perLaunch[way] = fastest(1, () -> {}, burst) / launches * 1e6;
        }
        return perLaunch;
    }

    /** Whether the device still answers: a tiny allocation, a write and a synchronisation; the reason if not. */
    public Optional<String> probe() {
        try (DeviceArray a = DeviceArray.allocate(dev, "a probe", 1)) {
            a.zero();
            dev.synchronize();
            a.download();
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines()
                    .findFirst().orElse(""));
        }
    }

    /** Bytes per second moved by a device-to-device copy of {@code bytes} (read and write both counted). */
    public double copyBandwidth(long bytes) {
        long doubles = bytes / DeviceArray.BYTES;
        try (DeviceArray a = DeviceArray.allocate(dev, "a copy benchmark's source", doubles);
             DeviceArray b = DeviceArray.allocate(dev, "a copy benchmark's target", doubles)) {
            a.zero();
            double seconds = fastest(2, () -> {}, () -> dev.copyOnDevice(b.address(), a.address(), doubles * DeviceArray.BYTES));
            return 2.0 * doubles * DeviceArray.BYTES / seconds;
        }
    }

}
