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
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NativeThreads;

/**
 * Gram construction with the NTK on the sphere: the lower triangle of K(X, X) (what KRR's fit factors) and
 * the full K(X_test, X), and K(X_test, X) c without K (what prediction computes). One operation = one whole n x n Gram, allocation included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch"})
public class GramBench {
    static final long SEED = 0;

    @Param({"4096"})
    public int n;

    @Param({"5"})
    public int d;

    @Param({"1", "2"})
    public int threads;

    private CpuBackend backend;
    private Kernel kernel;
    private Matrix x;
    private Matrix xTest;
    private double[] coefficients;

    @Setup(Level.Trial)
    public void setUp() {
        NativeThreads.setOpenBlasThreads(threads);  // the benchmark owns the process: OpenBLAS's count is its
        backend = new CpuBackend(threads);
        kernel = Kernel.of(KernelType.NTK);
        x = Points.sample(PointDistribution.SPHERE, n, d, SEED, Philox.STREAM_TRAIN_POINTS);
        xTest = Points.sample(PointDistribution.SPHERE, n, d, SEED, Philox.STREAM_TEST_POINTS);
        coefficients = new double[n];
        for (int j = 0; j < n; j++) {
            coefficients[j] = Math.sin(j);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    /** K(X, X), lower triangle: n (n + 1) / 2 kernel values. */
    @Benchmark
    public Matrix gramLower() {
        return backend.gramLower(kernel, x);
    }

    /** K(X_test, X) c matrix-free, the prediction: n^2 kernel values, none stored. */
    @Benchmark
    public double[] gramTimes() {
        return backend.gramTimes(kernel, xTest, x, coefficients);
    }

    /** K(X_test, X), every entry: n^2 kernel values. */
    @Benchmark
    public Matrix gramFull() {
        return backend.gram(kernel, xTest, x);
    }
}
