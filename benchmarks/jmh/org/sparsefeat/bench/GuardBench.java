package org.sparsefeat.bench;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

/**
 * The hot paths that benchmarks/guard.sh guards, small and on one thread, beside a pure-Java yardstick. The guard
 * runs them all in one JVM (JMH -f 0) and compares each hot path's time divided by the yardstick's with
 * benchmarks/guard/baseline.json, so that a machine that is slower all round does not fail it. Sizes are chosen
 * so that one operation takes about a millisecond: many operations per one-second iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GuardBench {
    static final long SEED = 0;
    static final int D = 5;
    static final int GD_STEPS = 4;
    /** The yardstick's matrices: 96 x 96, 0.9 M multiply-adds, in L1/L2 like the hot paths' working sets. */
    static final int Y = 96;

    private CpuBackend backend;
    private Kernel ntk;
    private Matrix gramX;
    private Matrix gramY;
    private double[] coefficients;
    private Matrix teacherX;
    private TeacherField field;
    private Matrix spd;
    private double[] rhs;
    private NetBatch nets;
    private long[] steps;
    private double[] never;
    private double[] ya;
    private double[] yb;
    private double[] yc;

    @Setup(Level.Trial)
    public void setUp() {
        backend = new CpuBackend(1);
        org.sparsefeat.linalg.NativeThreads.setOpenBlasThreads(1);   // one thread, as the baselines were measured
        System.out.println("GuardBench on " + backend.device());  // guard.sh shows it: which native build ran
        ntk = Kernel.of(KernelType.NTK);
        gramX = Points.sample(PointDistribution.SPHERE, 512, D, SEED, Philox.STREAM_TRAIN_POINTS);
        gramY = Points.sample(PointDistribution.SPHERE, 512, D, SEED, Philox.STREAM_TEST_POINTS);
        coefficients = new double[gramX.rows()];
        for (int j = 0; j < coefficients.length; j++) {
            coefficients[j] = Math.sin(j);
        }
        teacherX = Points.sample(PointDistribution.SPHERE, 256, D, SEED, Philox.STREAM_TRAIN_POINTS);
        field = new TeacherField(SEED, TeacherActivation.ABS, 1, 4_096);
        // a small ridge keeps the 256-point NTK Gram well conditioned: the factorisation's cost does not care
        Matrix x = Points.sample(PointDistribution.SPHERE, 256, D, SEED, Philox.STREAM_TRAIN_POINTS);
        spd = backend.gramLower(ntk, x);
        rhs = backend.teacher(x, field);
        int h = 2_000;
        Matrix xs = Points.sample(PointDistribution.SPHERE, 256, D, SEED, Philox.STREAM_TRAIN_POINTS);
        TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, h, D, SEED), null,
                NetInit.w2(NetInit.W2.parse("1e-3"), h, SEED), Scale.MEAN_FIELD);
        nets = backend.openNets(List.of(new NetProblem(xs, backend.teacher(xs, field), init,
                GdRule.featureL1(1, 1e-4))));
        steps = new long[] {GD_STEPS};
        never = new double[] {Double.NEGATIVE_INFINITY};
        ya = filled(1);
        yb = filled(2);
        yc = new double[Y * Y];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        nets.close();
        backend.close();
    }

    private static double[] filled(int salt) {
        double[] a = new double[Y * Y];
        for (int i = 0; i < a.length; i++) {
            a[i] = ((i * 31 + salt * 17) % 97) / 97.0 - 0.5;
        }
        return a;
    }

    /** Pure Java, no sparsefeat code: C = A B for 96 x 96 (i-k-j loops, which C2 vectorises). */
    @Benchmark
    public double[] yardstick() {
        Arrays.fill(yc, 0);
        for (int i = 0; i < Y; i++) {
            for (int k = 0; k < Y; k++) {
                double aik = ya[i * Y + k];
                for (int j = 0; j < Y; j++) {
                    yc[i * Y + j] += aik * yb[k * Y + j];
                }
            }
        }
        return yc;
    }

    /** K(Y, X) with the NTK, 512 x 512, d = 5: the native Gram tiles. */
    @Benchmark
    public Matrix gram() {
        return backend.gram(ntk, gramY, gramX);
    }

    /** K(Y, X) c matrix-free (the prediction), NTK, 512 x 512, d = 5: the fused native kernel-times-vector. */
    @Benchmark
    public double[] predict() {
        return backend.gramTimes(ntk, gramY, gramX, coefficients);
    }

    /**
     * A whole small KRR: KernelRidge.fit on 512 points (the Gram into fresh tiles, Cholesky, solve) and the prediction
     * at 512 more, NTK, d = 5: what KrrBench measures at n = 6144, small enough for the guard.
     */
    @Benchmark
    public double[] krr() {
        return org.sparsefeat.krr.KernelRidge.fit(backend, ntk, 1e-6, gramX, coefficients).predict(backend, gramY);
    }

    /** One full-batch GD step of one net, h = 2000, n = 256, d = 5, the feature-regime rule. */
    @Benchmark
    @OperationsPerInvocation(GD_STEPS)
    public long[] gdStep() {
        return nets.advance(steps, never);
    }

    /** The teacher field of width 4096 (one native block; |.| activation) at 256 points, d = 5. */
    @Benchmark
    public double[] teacher() {
        return backend.teacher(teacherX, field);
    }

    /** Copy, Cholesky (OpenBLAS dpotrf, ridge 1e-6) and the two solves of a 256 x 256 NTK Gram. */
    @Benchmark
    public double[] cholesky() {
        Matrix k = spd.copy();
        org.sparsefeat.linalg.HostLinalg.cholesky(k, 1e-6);
        double[] c = rhs.clone();
        org.sparsefeat.linalg.HostLinalg.choleskySolve(k, c);
        return c;
    }
}
