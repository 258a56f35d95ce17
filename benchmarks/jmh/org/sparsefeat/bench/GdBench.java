package org.sparsefeat.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

/**
 * Full-batch gradient-descent steps of the paper's feature-regime rule (mean-field net, w1 on the sphere,
 * L1 on w2) at h = 10 000, n = 1024, d = 5, float64. One operation = one step of every net in the batch
 * (nets = 1: one net; nets = 8: eight nets of different seeds advancing together).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class GdBench {
    static final int STEPS = 10;

    @Param({"10000"})
    public int h;

    @Param({"1024"})
    public int n;

    @Param({"5"})
    public int d;

    @Param({"1", "8"})
    public int nets;

    @Param({"2"})
    public int threads;

    private CpuBackend backend;
    private NetBatch batch;
    private long[] steps;
    private double[] never;

    @Setup(Level.Trial)
    public void setUp() {
        backend = new CpuBackend(threads);
        List<NetProblem> problems = new ArrayList<>();
        for (int s = 0; s < nets; s++) {
            Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, d, n, 1,
                    new Target.Teacher(TeacherActivation.ABS, 1, 10_000), s), backend);
            TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, h, d, s), null,
                    NetInit.w2(NetInit.W2.parse("1e-3"), h, s), Scale.MEAN_FIELD);
            problems.add(new NetProblem(ds.xTrain(), ds.yTrain(), init, GdRule.featureL1(1, 1e-4)));
        }
        batch = backend.openNets(problems);
        steps = new long[nets];
        Arrays.fill(steps, STEPS);
        never = new double[nets];
        Arrays.fill(never, Double.NEGATIVE_INFINITY);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
        backend.close();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long[] step() {
        return batch.advance(steps, never);
    }
}
