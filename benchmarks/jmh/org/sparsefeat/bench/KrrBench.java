package org.sparsefeat.bench;

import java.util.Arrays;
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
import org.sparsefeat.krr.KernelRidge;
import org.sparsefeat.krr.KrrModel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NativeThreads;

/**
 * The whole of `krr --n 6144 --n-test 6144 --kernel ntk` as one operation, beside the phase benchmarks (GramBench,
 * TiledCholeskyBench): KernelRidge.fit (the Gram into fresh tiles, the tiled Cholesky, the solve) and the matrix-free
 * prediction at as many test points. Every iteration allocates its tiles anew (fresh pages, first touch included),
 * as a run of the CLI does; one shot per iteration, since one is seconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class KrrBench {
    static final long SEED = 0;

    @Param({"6144"})
    public int n;

    @Param({"5"})
    public int d;

    private CpuBackend backend;
    private Kernel kernel;
    private Matrix x;
    private Matrix xTest;
    private double[] y;

    @Setup(Level.Trial)
    public void setUp() {
        int threads = Runtime.getRuntime().availableProcessors();
        NativeThreads.setOpenBlasThreads(threads);  // the benchmark owns the process, as the CLI does
        backend = new CpuBackend(threads);
        kernel = Kernel.of(KernelType.NTK);
        x = Points.sample(PointDistribution.SPHERE, n, d, SEED, Philox.STREAM_TRAIN_POINTS);
        xTest = Points.sample(PointDistribution.SPHERE, n, d, SEED, Philox.STREAM_TEST_POINTS);
        y = new double[n];
        Arrays.fill(y, 1.0);  // the CLI's default target, constant on the sphere
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    /** Fit (ridgeless, as `krr`'s default) and predict at n_test = n points. */
    @Benchmark
    public double[] fitAndPredict() {
        KrrModel model = KernelRidge.fit(backend, kernel, 0.0, x, y);
        return model.predict(backend, xTest);
    }
}
