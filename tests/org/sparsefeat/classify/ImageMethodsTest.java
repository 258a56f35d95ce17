package org.sparsefeat.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.Matrix;

class ImageMethodsTest {
    private static CpuBackend backend;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    @Test
    void softplusNormalisationOfTheSpec() {
        assertEquals(1.404383, SoftplusNet.normalisation(backend, 5), 2e-6);
        // relu's would be sqrt 2: a very sharp softplus approaches it
        assertEquals(Math.sqrt(2), SoftplusNet.normalisation(backend, 200), 2e-3);
        double[] z = {-1e3, -30, 0, 30, 1e3}, a = new double[5], da = new double[5];
        backend.softplus(z, 5, 1, a, da);
        assertEquals(0, a[0], 0.0);
        assertEquals(Math.log(2) / 5, a[2], 1e-15);
        assertEquals(1e3, a[4], 1e-12);
        assertEquals(0.5, da[2], 1e-15);
        assertEquals(1, da[4], 0.0);
        assertEquals(0, da[0], 1e-300);
    }

    /**
     * The elementwise pass over more entries than one task takes (the threads split it), in place as the forward pass
     * runs it, against softplus and sigmoid written out: one exponential serves both without changing them.
     */
    @Test
    void theSplitInPlaceActivationMatchesTheFormulas() {
        int count = 300_001;
        double[] z = new double[count], a = new double[count], da = new double[count];
        for (int i = 0; i < count; i++) {
            z[i] = 40 * Math.sin(i * 0.37) * Math.cos(i * 0.0011);
        }
        z[7] = 0;
        double[] zCopy = z.clone();
        backend.softplus(z, 5, 1.3, z, da);  // act over z itself
        double worstA = 0, worstDa = 0;
        for (int i = 0; i < count; i++) {
            double u = 5 * zCopy[i];
            double softplus = u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
            double sigmoid = u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
            worstA = Math.max(worstA, Math.abs(z[i] - 1.3 * softplus / 5) / Math.max(1e-300, 1.3 * softplus / 5));
            worstDa = Math.max(worstDa, Math.abs(da[i] - 1.3 * sigmoid) / Math.max(1e-300, 1.3 * sigmoid));
        }
        assertTrue(worstA < 1e-14 && worstDa < 1e-14, "relative errors " + worstA + ", " + worstDa);
        assertEquals(1.3 * 0.5, da[7], 0.0);
        backend.softplus(zCopy, 5, 1.3, a, new double[count]);  // and into another array: the same values
        assertTrue(java.util.Arrays.equals(a, z), "in place and out of place agree");
    }

    /** Points of two classes, one on each side of the hyperplane x_0 = 0 with a margin. */
    private static Object[] separable(int n, int d, long seed) {
        Matrix x = Points.sample(PointDistribution.GAUSSIAN, n, d, seed, Philox.STREAM_TRAIN_POINTS);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2 == 0 ? 1 : -1;
            x.set(i, 0, y[i] * (0.3 + Math.abs(x.get(i, 0))));
        }
        return new Object[] {x, y};
    }

    @Test
    void aHardMarginSvmSeparatesASeparableProblem() {
        Object[] p = separable(120, 10, 1);
        Matrix x = (Matrix) p[0];
        double[] y = (double[]) p[1];
        for (KernelType k : List.of(KernelType.NTK, KernelType.RFK1)) {
            KernelClassifiers.Svm svm = KernelClassifiers.svm(backend, Kernel.of(k), x, y, 1e20);
            assertEquals(0.0, GradientFlow.errorOf(svm.scores(backend, x), y), k.toString());
        }
        Object[] q = separable(300, 10, 2);
        double[] yTest = (double[]) q[1];
        double err = GradientFlow.errorOf(KernelClassifiers.svm(backend, Kernel.of(KernelType.NTK), x, y, 1e20)
                .scores(backend, (Matrix) q[0]), yTest);
        assertTrue(err < 0.2, "test error " + err);
    }

    @Test
    void theFlowFitsASeparableProblemAndItsStepRulesRejectAndAccept() {
        Object[] p = separable(40, 8, 4);
        Matrix x = (Matrix) p[0];
        double[] y = (double[]) p[1];
        GradientFlow.Result r = GradientFlow.train(new SoftplusNet(backend, 50, 8, 5, 2), x, y, x, y,
                GradientFlow.Options.reference(1, 60, 100_000));
        assertTrue(r.stop() == GradientFlow.Stop.STOP_FRACTION || r.stop() == GradientFlow.Stop.ALL_MARGINS, r.stop().name());
        assertTrue(r.trainError() <= 0.01, "train error " + r.trainError());
        assertTrue(r.time() > r.accepted(), "dt grew beyond 1: time " + r.time() + " after " + r.accepted() + " steps");
        assertTrue(r.dynamics().getFirst().trainLoss() > r.trainLoss());
        // a very strict output bound forces rejections: each one divides dt by 10, and dt then grows by at
        // most 1.1 per accepted step, so 30 steps after a rejection cover less than 0.1 * sum 1.1^k < 17
        GradientFlow.Result strict = GradientFlow.train(new SoftplusNet(backend, 50, 8, 5, 2), x, y, x, y,
                new GradientFlow.Options(1, 20, 1e-4, 1e-6, 0.99, 60, 30));
        assertTrue(strict.rejected() >= 1, "rejected " + strict.rejected());
        assertEquals(30, strict.accepted());
        assertEquals(GradientFlow.Stop.MAX_STEPS, strict.stop());
        assertTrue(strict.time() < 17, "steps were shortened: flow time " + strict.time());
        GradientFlow.Result loose = GradientFlow.train(new SoftplusNet(backend, 50, 8, 5, 2), x, y, x, y,
                new GradientFlow.Options(1, 20, 1e-4, 1e3, 0.99, 60, 30));
        assertTrue(loose.time() > strict.time(), "looser bounds, longer steps");
    }

    /** In memory: saves when asked to stop (and every {@code every} polls), resumes from the last save. */
    private static final class MemorySnapshots implements FlowSnapshots {
        FlowState saved;
        int polls, saves;
        final int stopAt, every;

        MemorySnapshots(int stopAt, int every) {
            this.stopAt = stopAt;
            this.every = every;
        }

        @Override
        public FlowState load() { return saved; }

        @Override
        public boolean due() { return every > 0 && polls % every == 0; }

        @Override
        public void save(FlowState state) {
            saved = state;
            saves++;
        }

        @Override
        public boolean stopRequested() { return ++polls == stopAt; }
    }

    /**
     * A flow stopped after 37 trials (saved every 10 too) and resumed ends with the bits of an uninterrupted one: the
     * same decisions, flow time, loss, parameters, test scores and dynamics; the seconds of both runs add up.
     */
    @Test
    void aStoppedFlowResumesToTheBitsOfAnUninterruptedOne() {
        Object[] p = separable(40, 8, 4);
        Matrix x = (Matrix) p[0];
        double[] y = (double[]) p[1];
        GradientFlow.Options opt = new GradientFlow.Options(100, 20, 1e-7, 0.1, 0.99, 600, 120);
        SoftplusNet whole = new SoftplusNet(backend, 30, 8, 5, 2);
        GradientFlow.Result ref = GradientFlow.train(whole, x, y, x, y, opt);

        SoftplusNet net = new SoftplusNet(backend, 30, 8, 5, 2);
        MemorySnapshots snapshots = new MemorySnapshots(37, 10);
        org.junit.jupiter.api.Assertions.assertThrows(FlowSnapshots.Stopped.class,
                () -> GradientFlow.train(net, x, y, x, y, opt, null, snapshots));
        assertEquals(4, snapshots.saves, "three saves when due, one at the stop");
        assertTrue(snapshots.saved.accepted() + snapshots.saved.rejected() == 36, "36 trials before the 37th poll");
        MemorySnapshots again = new MemorySnapshots(-1, 0);
        again.saved = snapshots.saved;
        GradientFlow.Result resumed = GradientFlow.train(net, x, y, x, y, opt, null, again);
        assertTrue(ref.rejected() > 0, "rejections to resume across: " + ref.rejected());
        assertEquals(ref.stop(), resumed.stop());
        assertEquals(ref.accepted(), resumed.accepted());
        assertEquals(ref.rejected(), resumed.rejected());
        assertEquals(ref.time(), resumed.time(), 0.0);
        assertEquals(ref.trainLoss(), resumed.trainLoss(), 0.0);
        assertTrue(java.util.Arrays.equals(ref.testF(), resumed.testF()), "test scores");
        assertTrue(java.util.Arrays.equals(whole.params(), net.params()), "parameters");
        assertEquals(ref.dynamics(), resumed.dynamics());
        assertTrue(resumed.seconds() >= snapshots.saved.seconds(), "seconds of both runs");
    }
}
