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
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NativeThreads;

/**
 * Cholesky (OpenBLAS dpotrf through FFM, plus the pivot check) and the triangular solves of ridgeless KRR on
 * the NTK Gram of n sphere points. cholesky factors in place, so {@link #choleskySolve} copies the Gram
 * first; {@link #copyGram} times that copy alone, to subtract it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch"})
public class CholeskyBench {
    static final long SEED = 0;

    @Param({"4096"})
    public int n;

    @Param({"5"})
    public int d;

    @Param({"2"})
    public int threads;

    private CpuBackend backend;
    private Matrix gram;
    private Matrix factor;
    private double[] y;

    @Setup(Level.Trial)
    public void setUp() {
        NativeThreads.setOpenBlasThreads(threads);  // the benchmark owns the process: OpenBLAS's count is its
        backend = new CpuBackend(threads);
        Matrix x = Points.sample(PointDistribution.SPHERE, n, d, SEED, Philox.STREAM_TRAIN_POINTS);
        gram = backend.gramLower(Kernel.of(KernelType.NTK), x);
        factor = gram.copy();
        HostLinalg.cholesky(factor, 0);
        y = new double[n];
        double[] pair = new double[2];
        for (int i = 0; i < n; i++) {  // fixed right-hand side: standard normals from the seed
            Philox.normalPair(SEED, Philox.STREAM_GRF, i, 0, pair, 0);
            y[i] = pair[0];
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    /** Copy of the n x n Gram (the part of {@link #choleskySolve} that is not linear algebra). */
    @Benchmark
    public Matrix copyGram() {
        return gram.copy();
    }

    /** Copy the Gram, factor it in place (ridge 0), solve for one right-hand side. */
    @Benchmark
    public double[] choleskySolve() {
        Matrix k = gram.copy();
        HostLinalg.cholesky(k, 0);
        double[] c = y.clone();
        HostLinalg.choleskySolve(k, c);
        return c;
    }

    /** The two triangular solves alone, with a factor computed in setup. */
    @Benchmark
    public double[] solve() {
        double[] c = y.clone();
        HostLinalg.choleskySolve(factor, c);
        return c;
    }
}
