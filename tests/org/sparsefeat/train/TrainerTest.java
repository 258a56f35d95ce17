package org.sparsefeat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.krr.KernelRidge;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.LambdaSchedule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.Regularizer;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

class TrainerTest {
    private static CpuBackend backend;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    private static Dataset teacher(int d, int n, int nTest, long seed) {
        return Datasets.generate(new DataSpec(PointDistribution.SPHERE, d, n, nTest,
                new Target.Teacher(TeacherActivation.ABS, 1, 2000), seed), backend);
    }

    private static TwoLayerNet net(NetInit.W1 w1, String w2, int h, int d, long seed) {
        return new TwoLayerNet(NetInit.w1(w1, h, d, seed), null, NetInit.w2(NetInit.W2.parse(w2), h, seed),
                Scale.MEAN_FIELD);
    }

    private static double relativeDifference(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    /**
     * Lazy regime: with alpha large and f0 subtracted, gradient descent linearises around the initial net
     * and converges to ridgeless regression with its tangent kernel, which for w1 ~ N(0, I) and many neurons
     * is the NTK (up to a constant, irrelevant without a ridge).
     */
    @Test
    void aLazyNetTracksTheNtkPredictor() {
        Dataset ds = teacher(3, 20, 300, 1);
        double alpha = 1000;
        GdRule rule = new GdRule(alpha, true, 1.0 / alpha, Regularizer.NONE, 0, LambdaSchedule.NONE, 1, false, false,
                true, false, 1e-30);
        Trainer.Result r = Trainer.train(backend, List.of(new Trainer.Job(ds, net(NetInit.W1.NORMAL, "normal", 8000, 3, 7),
                rule)), new Trainer.Options(20_000, 1000, false, 1e-3), null).getFirst();
        assertTrue(r.trainHalfMse() < 1e-8, "lazy net did not fit: " + r.trainHalfMse());
        double[] krr = KernelRidge.fit(backend, Kernel.of(KernelType.NTK), 0, ds.xTrain(), ds.yTrain())
                .predict(backend, ds.xTest());
        double diff = relativeDifference(r.testF(), krr);
        double rfk = relativeDifference(KernelRidge.fit(backend, Kernel.of(KernelType.RFK0), 0, ds.xTrain(), ds.yTrain())
                .predict(backend, ds.xTest()), krr);
        assertTrue(diff < 0.05, "lazy net vs NTK predictor: relative difference " + diff);
        assertTrue(diff < rfk / 3, "closer to the NTK than another kernel's predictor is: " + diff + " vs " + rfk);
    }

    @Test
    void aFeatureRunWithL1EndsWithAtMostNAtoms() {
        int n = 16;
        Dataset ds = teacher(3, n, 200, 2);
        Trainer.Result r = Trainer.train(backend, List.of(new Trainer.Job(ds, net(NetInit.W1.UNITARY, "zero", 500, 3, 2),
                GdRule.featureL1(1, 1e-3))), new Trainer.Options(20_000, 1000, true, 1e-3), null).getFirst();
        assertTrue(r.atoms().exact() >= 1 && r.atoms().exact() <= n, "N_A = " + r.atoms().exact());
        assertTrue(r.atoms().thresholded() <= r.atoms().exact());
        assertEquals(Trainer.Status.MAX_STEPS, r.status());
        Trainer.Checkpoint last = r.dynamics().getLast();
        assertEquals(20_000, last.step());
        assertEquals(r.atoms().exact(), last.atoms());
        assertTrue(r.trainHalfMse() < r.dynamics().getFirst().trainHalfMse() / 100);
    }

    @Test
    void checkpointsFollowTheReferenceSchedule() {
        Dataset ds = teacher(3, 30, 50, 3);
        Trainer.Result r = Trainer.train(backend, List.of(new Trainer.Job(ds, net(NetInit.W1.UNITARY, "zero", 100, 3, 3),
                GdRule.featureL1(1, 1e-3))), new Trainer.Options(5000, 1000, false, 1e-3), null).getFirst();
        List<Long> steps = r.dynamics().stream().map(Trainer.Checkpoint::step).toList();
        // log-time checkpoints int(1000^{i/10}), then every 1000, and every 5000/50 = 100 steps
        for (long s : new long[] {0, 1, 3, 7, 15, 31, 63, 100, 125, 251, 300, 501, 1000, 2000, 4900, 5000}) {
            assertTrue(steps.contains(s), "checkpoint at step " + s + " missing from " + steps);
        }
        for (int i = 1; i < steps.size(); i++) {
            assertTrue(steps.get(i) > steps.get(i - 1), "steps strictly increase: " + steps);
        }
        // loss-triggered ones: the loss falls by 10^{1/2} between consecutive loss checkpoints at most
        double l0 = r.dynamics().getFirst().trainHalfMse();
        assertTrue(r.dynamics().stream().anyMatch(c -> c.trainHalfMse() <= l0 / Math.sqrt(10)));
    }

    @Test
    void aRunConvergesWhenTheLossFallsBelowTheStop() {
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 3, 6, 10, new Target.Constant(1), 4), backend);
        GdRule rule = new GdRule(1, false, 1, Regularizer.NONE, 0, LambdaSchedule.NONE, 1, false, false, true, false, 1e-12);
        Trainer.Result r = Trainer.train(backend, List.of(new Trainer.Job(ds, net(NetInit.W1.NORMAL, "normal", 200, 3, 4),
                rule)), new Trainer.Options(1_000_000, 10_000, false, 1e-3), null).getFirst();
        assertEquals(Trainer.Status.CONVERGED, r.status());
        assertTrue(r.trainHalfMse() < 1e-12 && r.steps() < 1_000_000);
    }

    @Test
    void aDivergingRunIsReportedWithItsHistory() {
        Dataset ds = teacher(3, 20, 20, 5);
        GdRule rule = new GdRule(1, false, 1e6, Regularizer.NONE, 0, LambdaSchedule.NONE, 1, false, false, true, false, 0);
        Trainer.Result r = Trainer.train(backend, List.of(new Trainer.Job(ds, net(NetInit.W1.NORMAL, "normal", 50, 3, 5),
                rule)), new Trainer.Options(10_000, 100, false, 1e-3), null).getFirst();
        assertEquals(Trainer.Status.DIVERGED, r.status());
        assertTrue(Double.isNaN(r.testHalfMse()));
        assertTrue(r.dynamics().size() >= 2 && Double.isFinite(r.dynamics().getFirst().trainHalfMse()));
        for (double w : r.net().w2()) {
            assertTrue(Double.isFinite(w), "the kept net is the last finite one");
        }
    }
}
