package org.sparsefeat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.LambdaSchedule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.Regularizer;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

/** A batch stopped in the middle and resumed from its saved state ends with the bits of one that never stopped. */
public class TrainerResumeTest {
    private static CpuBackend backend;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    /** Three nets of h neurons and different rules (the last with biases), the first {@code count}. */
    public static List<Trainer.Job> jobs(org.sparsefeat.backend.Backend backend, int count, int h) {
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 3, 24, 60,
                new Target.Teacher(TeacherActivation.ABS, 1, 2000), 3), backend);
        List<Trainer.Job> all = new ArrayList<>();
        // the paper's feature rule
        all.add(new Trainer.Job(ds, new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, h, 3, 1), null,
                NetInit.w2(NetInit.W2.parse("zero"), h, 1), Scale.MEAN_FIELD), GdRule.featureL1(1, 1e-3)));
        // a lambda that decays with the step, and conic GD (active after step 5)
        all.add(new Trainer.Job(ds, new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, h, 3, 2), null,
                NetInit.w2(NetInit.W2.parse("1e-3"), h, 2), Scale.MEAN_FIELD),
                new GdRule(1, false, 1, Regularizer.L1, 1e-2, LambdaSchedule.POW_LAW, 0.5, true, true, true, false, 1e-30)));
        // the alpha-trick with biases
        double[] bias = new double[h];
        for (int j = 0; j < h; j++) {
            bias[j] = 0.01 * Math.sin(j);
        }
        all.add(new Trainer.Job(ds, new TwoLayerNet(NetInit.w1(NetInit.W1.NORMAL, h, 3, 3), bias,
                NetInit.w2(NetInit.W2.parse("normal"), h, 3), Scale.MEAN_FIELD),
                new GdRule(100, true, 0.01, Regularizer.NONE, 0, LambdaSchedule.NONE, 1, false, false, true, false, 1e-30)));
        return all.subList(0, count);
    }

    /** 3 nets: whole nets per thread; 1 net: its blocks spread over the threads at every step. */
    @ParameterizedTest
    @ValueSource(ints = {3, 1})
    void aResumedBatchEndsWithTheBitsOfAnUninterruptedOne(int count) {
        List<Trainer.Job> jobs = jobs(backend, count, 300);  // two blocks of 256 neurons
        Trainer.Options options = new Trainer.Options(400, 100, true, 1e-3);
        List<Trainer.Result> whole = Trainer.train(backend, jobs, options, null);

        MemorySnapshots memory = new MemorySnapshots(jobs, 4);
        assertThrows(Snapshots.Stopped.class, () -> Trainer.train(backend, jobs, options, null, memory));
        assertTrue(memory.saved(), "the state is saved before stopping");
        List<Trainer.Result> resumed = Trainer.train(backend, jobs, options, null, memory);
        long stoppedAt = memory.loaded().nets().getFirst().step();
        assertTrue(stoppedAt > 0 && stoppedAt < 400, "stopped in the middle, at step " + stoppedAt);

        assertSameBits(whole, resumed);
    }

    /** Every result of the two runs has the same bits (but the wall-clock seconds). */
    public static void assertSameBits(List<Trainer.Result> whole, List<Trainer.Result> resumed) {
        assertEquals(whole.size(), resumed.size());
        int count = whole.size();
        for (int b = 0; b < count; b++) {
            Trainer.Result a = whole.get(b), r = resumed.get(b);
            assertEquals(a.status(), r.status());
            assertEquals(a.steps(), r.steps());
            assertArrayEquals(a.net().w1().data(), r.net().w1().data(), 0.0, "w1 of net " + b);
            assertArrayEquals(a.net().w2(), r.net().w2(), 0.0, "w2 of net " + b);
            if (a.net().hasBias()) {
                assertArrayEquals(a.net().b(), r.net().b(), 0.0, "b of net " + b);
            }
            assertArrayEquals(a.testF(), r.testF(), 0.0);
            assertEquals(Double.doubleToRawLongBits(a.testHalfMse()), Double.doubleToRawLongBits(r.testHalfMse()));
            assertEquals(Double.doubleToRawLongBits(a.trainHalfMse()), Double.doubleToRawLongBits(r.trainHalfMse()));
            assertEquals(a.atoms().exact(), r.atoms().exact());
            assertEquals(a.atoms().thresholded(), r.atoms().thresholded());
            assertEquals(a.dynamics().size(), r.dynamics().size(), "checkpoints of net " + b);
            for (int i = 0; i < a.dynamics().size(); i++) {
                Trainer.Checkpoint x = a.dynamics().get(i), y = r.dynamics().get(i);
                assertEquals(x.step(), y.step());
                assertEquals(x.trainHalfMse(), y.trainHalfMse(), 0.0, "net " + b + " step " + x.step());
                assertEquals(x.testHalfMse(), y.testHalfMse(), 0.0);
                assertEquals(x.regularizer(), y.regularizer(), 0.0);
                assertEquals(x.atoms(), y.atoms());
            }
        }
    }
}
