package org.sparsefeat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.train.TrainingHealth.Flag;

class TrainingHealthTest {
    private static final long[] STEPS = {0, 10, 100, 1000, 2000, 3000};

    private static TrainingHealth.Verdict assess(double... loss) {
        return TrainingHealth.assess(STEPS, loss, loss);
    }

    @Test
    void aMonotoneRunToSmallErrorIsHealthy() {
        TrainingHealth.Verdict v = assess(0.5, 0.1, 1e-2, 1e-4, 1e-5, 1e-6);
        assertTrue(v.ok(), v.detail());
        assertEquals("", v.suffix());
        assertEquals(List.of(), v.codes());
    }

    @Test
    void aRiseAboveTheFactorIsUnstableAndSaysWhere() {
        TrainingHealth.Verdict v = assess(0.5, 0.1, 1e-4, 3e-4, 2e-4, 1e-4);
        assertEquals(List.of(Flag.UNSTABLE), v.flags(), v.detail());
        assertEquals(List.of("unstable"), v.codes());
        assertTrue(v.detail().contains("rose 3.00x above its minimum 1.00e-04 (step 100) by step 1000"), v.detail());
        assertTrue(v.suffix().startsWith(" WARNING unstable"), v.suffix());
    }

    @Test
    void aRiseWithinTheFactorIsNotFlagged() {
        double below = 1e-4 * (TrainingHealth.RISE_FACTOR - 0.01);
        assertTrue(assess(0.5, 0.1, 1e-4, below, 1e-4, 1e-4 * 0.5).ok());
        double above = 1e-4 * (TrainingHealth.RISE_FACTOR + 0.01);
        assertEquals(List.of(Flag.UNSTABLE), assess(0.5, 0.1, 1e-4, above, 1e-4, 1e-4 * 0.5).flags());
    }

    @Test
    void aNanIsUnstable() {
        TrainingHealth.Verdict v = assess(0.5, 0.1, 1e-2, Double.NaN, Double.NaN, Double.NaN);
        assertEquals(List.of(Flag.UNSTABLE), v.flags());
        assertTrue(v.detail().contains("diverged (not a number) at step 1000"), v.detail());
    }

    @Test
    void aFinalErrorFarFromZeroIsNotFitted() {
        TrainingHealth.Verdict v = assess(0.5, 0.1, 1e-2, 5e-3, 3e-3, 2e-3);
        assertEquals(List.of(Flag.NOT_FITTED), v.flags(), v.detail());
        assertTrue(v.detail().contains("4.0e-03 of the initial"), v.detail());
        assertTrue(assess(0.5, 0.1, 1e-2, 5e-3, 3e-3, 0.5 * TrainingHealth.FIT_FRACTION * 0.5).ok());
    }

    @Test
    void theObjectiveDecidesStabilityTheMseDecidesTheFit() {
        // L1 trades MSE for penalty: the MSE rises while the objective (MSE + penalty) falls
        double[] mse = {0.5, 1e-2, 1e-7, 2e-7, 3e-7, 3e-7};
        double[] objective = {0.5, 1.1e-2, 5e-5, 4e-5, 3e-5, 3e-5};
        assertTrue(TrainingHealth.assess(STEPS, objective, mse).ok());
        assertThrows(IllegalArgumentException.class, () -> TrainingHealth.assess(STEPS, new double[2], mse));
    }

    /** A real net: lr 10 overshoots (the loss climbs back up without reaching NaN), lr 1 on a constant does not. */
    @Test
    void theTrainerFlagsAnOscillatingNetAndNotAStableOne() {
        try (CpuBackend backend = new CpuBackend(2)) {
            Dataset rough = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 3, 20, 50,
                    new Target.Teacher(TeacherActivation.ABS, 1, 1000), 1), backend);
            Dataset flat = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 3, 20, 50, new Target.Constant(1), 1),
                    backend);
            TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, 50, 3, 1), null,
                    NetInit.w2(NetInit.W2.parse("zero"), 50, 1), Scale.MEAN_FIELD);
            List<Trainer.Result> r = Trainer.train(backend, List.of(
                            new Trainer.Job(rough, init, GdRule.featureL1(10, 1e-5)),
                            new Trainer.Job(flat, init, GdRule.featureL1(1, 1e-5))),
                    new Trainer.Options(3000, 100, false, 1e-3), null);
            assertTrue(r.get(0).status() != Trainer.Status.DIVERGED);
            assertTrue(r.get(0).health().flags().contains(Flag.UNSTABLE), r.get(0).health().detail());
            assertTrue(r.get(1).health().ok(), r.get(1).health().detail());
        }
    }
}
