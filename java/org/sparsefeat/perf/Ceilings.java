package org.sparsefeat.perf;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.sparsefeat.backend.cuda.DeviceCeilings;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.OpenBlas;

/**
 * The machine's ceilings, measured before the hot paths: the float64 GEMM rate through the BLAS the engine calls
 * (the roof every dense path is a fraction of) and the memory bandwidth of a STREAM-like triad a = b + s c; on a GPU
 * also the device's: cuBLAS's float64 GEMM (the roof of the paths that run there) and the copy bandwidth each way
 * between page-locked host memory and the device (the roof of a path that streams tiles).
 */
final class Ceilings {
    static final String GEMM = "gemm";
    static final String TRIAD = "triad";
    static final String DEVICE_GEMM = "device_gemm";
    static final String HOST_TO_DEVICE = "host_to_device";
    static final String DEVICE_TO_HOST = "device_to_host";
    /** The rows of {@link #device}. */
    static final int DEVICE_ROWS = 3;

    private Ceilings() {}

    static Row gemm(Suite suite, BooleanSupplier stop) {
        int n = suite.gemmN;
        Matrix a = filled(n, 1), b = filled(n, 2), c = Matrix.zeros(n, n);
        Timing t = Timing.measure(suite.warmups, suite.repeats, () -> OpenBlas.gemm(false, false, 1, a, b, 0, c), stop);
        return new Row(Row.CEILING, GEMM, "OpenBLAS dgemm", n, "n=" + n, "2 n^3 flops", 2.0 * n * n * n, "GFLOP/s", t,
                Double.NaN, Double.NaN, "");
    }

    /** The triad on all the processors' common pool: 24 bytes moved per element (two reads, one write). */
    static Row triad(Suite suite, BooleanSupplier stop) {
        int len = suite.triadLength;
        double[] a = new double[len], b = new double[len], c = new double[len];
        Arrays.parallelSetAll(b, i -> i % 7);
        Arrays.parallelSetAll(c, i -> i % 5);
        double s = 3;
        Timing t = Timing.measure(suite.warmups + 1, suite.repeats, () -> Arrays.parallelSetAll(a, i -> b[i] + s * c[i]),
                stop);
        return new Row(Row.CEILING, TRIAD, "Java triad", len, "length=" + len, "24 bytes per element", 24.0 * len,
                "GB/s", t, Double.NaN, Double.NaN, "");
    }

    /**
     * The device's rows, its GEMM first: at the host GEMM's size, and copies of the triad's bytes (24 per element),
     * so that the two machines' rows read side by side. Without cuBLAS the GEMM row says so.
     */
    static List<Row> device(Suite suite, DeviceCeilings device, BooleanSupplier stop) {
        int n = suite.gemmN;
        String impl = "cuBLAS dgemm on " + device.name();
        Row gemm = device.whyNoGemm()
                .map(why -> new Row(Row.CEILING, DEVICE_GEMM, impl, n, "n=" + n, "2 n^3 flops", 2.0 * n * n * n,
                        "GFLOP/s", null, Double.NaN, Double.NaN, why))
                .orElseGet(() -> new Row(Row.CEILING, DEVICE_GEMM, impl, n, "n=" + n, "2 n^3 flops", 2.0 * n * n * n,
                        "GFLOP/s", Timing.measure(suite.warmups, suite.repeats, device.gemm(n)::run, stop), Double.NaN,
                        Double.NaN, ""));
        long bytes = 24L * suite.triadLength;
        return List.of(gemm,
                copy(HOST_TO_DEVICE, "page-locked host to " + device.name(), bytes, device.hostToDevice(bytes), suite, stop),
                copy(DEVICE_TO_HOST, device.name() + " to page-locked host", bytes, device.deviceToHost(bytes), suite, stop));
    }

    private static Row copy(String path, String impl, long bytes, Runnable copy, Suite suite, BooleanSupplier stop) {
        Timing t = Timing.measure(suite.warmups + 1, suite.repeats, copy::run, stop);
        return new Row(Row.CEILING, path, impl, bytes, "bytes=" + bytes, "bytes copied", bytes, "GB/s", t, Double.NaN,
                Double.NaN, "");
    }

    private static Matrix filled(int n, int salt) {
        Matrix m = Matrix.zeros(n, n);
        double[] d = m.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = ((i * 31L + salt * 17L) % 97) / 97.0 - 0.5;
        }
        return m;
    }
}
