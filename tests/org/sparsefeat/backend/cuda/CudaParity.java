package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.BackendContract;
import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.krr.KernelRidge;
import org.sparsefeat.krr.KrrResources;
import org.sparsefeat.krr.MemoryPlan;
import org.sparsefeat.krr.KrrRun;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.LambdaSchedule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Regularizer;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.train.Trainer;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.PhaseTimer;

/**
 * The CUDA backend against the CPU backend on the same inputs: what the contract does not cover because it
 * happens in device memory (a KRR fit's factor, solves and predictions) or over many steps (gradient descent).
 * The bar: 1e-10 relative on Grams and KRR errors.
 */
abstract class CudaParity {
    private Backend cuda;
    private CpuBackend cpu;

    protected abstract Backend open();

    @BeforeEach
    void setUp() {
        cuda = open();  // may skip the test
        cpu = new CpuBackend(2);
    }

    @AfterEach
    void tearDown() {
        if (cuda != null) {
            cuda.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    static double relative(double[] a, double[] b) { return BackendContract.relativeDifference(a, b); }

    static Matrix sphere(int n, int d, long seed) {
        return Points.sample(PointDistribution.SPHERE, n, d, seed, Philox.STREAM_TRAIN_POINTS);
    }

    @ParameterizedTest
    @EnumSource(KernelType.class)
    void gramsOfEveryKernelMatchTheCpu(KernelType type) {
        Matrix x = sphere(90, 5, 31);
        Matrix y = Points.sample(PointDistribution.GAUSSIAN, 50, 5, 32, Philox.STREAM_TEST_POINTS);
        Kernel k = Kernel.of(type);
        double rect = relative(cuda.gram(k, x, y).data(), cpu.gram(k, x, y).data());
        double lower = relative(cuda.gramLower(k, x).data(), cpu.gramLower(k, x).data());
        assertTrue(rect < 1e-10 && lower < 1e-10, type + ": " + rect + " / " + lower);
    }

    @Test
    void teacherValuesMatchTheCpu() {
        Matrix x = sphere(70, 5, 33);
        for (TeacherActivation act : TeacherActivation.values()) {
            TeacherField f = new TeacherField(4, act, 1.5, 3_000);
            double diff = relative(cuda.teacher(x, f), cpu.teacher(x, f));
            assertTrue(diff < 1e-10, act + ": " + diff);
        }
    }

    @ParameterizedTest
    @EnumSource(value = KernelType.class, names = {"NTK", "LAPLACE", "RFK1"})
    void krrErrorsAndPredictionsMatchTheCpu(KernelType type) {
        // n = 150: several 32-wide blocks of the factorisation and the solves, and a partial last one
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 4, 150, 70,
                new Target.Teacher(TeacherActivation.ABS, 1, 5_000), 3), cpu);
        Kernel k = Kernel.of(type);
        KrrRun.Outcome g = KrrRun.run(cuda, k, 1e-9, ds, new PhaseTimer());
        KrrRun.Outcome c = KrrRun.run(cpu, k, 1e-9, ds, new PhaseTimer());
        assertTrue(relative(g.model().coefficients(), c.model().coefficients()) < 1e-9,
                "coefficients " + relative(g.model().coefficients(), c.model().coefficients()));
        assertEquals(c.testMse(), g.testMse(), 1e-10 * c.testMse(), "test MSE");
        assertEquals(c.trainMse(), g.trainMse(), 1e-10 * Math.max(c.trainMse(), 1e-12), "train MSE");
        double[] pg = g.model().predict(cuda, ds.xTest()), pc = c.model().predict(cpu, ds.xTest());
        assertTrue(relative(pg, pc) < 1e-10, "predictions " + relative(pg, pc));
    }

    /**
     * A memory plan out of core (here forced by a scratch directory) keeps the tiles in the scratch file and factors
     * them on the device, panel by panel, the finished tiles streamed in; nothing falls back to the CPU.
     */
    @Test
    void anOutOfCorePlanFactorsTheScratchTilesOnTheDevice(@TempDir Path scratch) {
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 4, 150, 70,
                new Target.Teacher(TeacherActivation.ABS, 1, 5_000), 3), cpu);
        Kernel k = Kernel.of(KernelType.NTK);
        // a device budget of 100 000 bytes, a third of K: two panels of tile columns
        KrrRun.Outcome g = KrrRun.run(cuda, k, 1e-9, ds, new PhaseTimer(),
                new KrrResources(null, scratch, 32, Monitor.NONE, plan -> {}, 100_000L));
        KrrRun.Outcome c = KrrRun.run(cpu, k, 1e-9, ds, new PhaseTimer(),
                new KrrResources(null, scratch, 32, Monitor.NONE, plan -> {}));
        assertEquals(MemoryPlan.Mode.SCRATCH, g.plan().mode());
        assertTrue(g.plan().streamed() && g.plan().panels() == 2, g.plan().line());
        assertTrue(relative(g.model().coefficients(), c.model().coefficients()) < 1e-9,
                "coefficients " + relative(g.model().coefficients(), c.model().coefficients()));
        assertEquals(c.testMse(), g.testMse(), 1e-10 * c.testMse(), "test MSE");
        assertTrue(cuda.cpuFallbacks().stream().noneMatch(f -> f.startsWith("cholesky")), cuda.cpuFallbacks().toString());
    }

    /**
     * The streamed path with the tiles in host memory and a device budget far below K (the forced small
     * device memory): several panels, each updated from the finished columns streamed from the host, and the same
     * result as the whole matrix factored in device memory. Both ways of streaming give the same bits; the emulator
     * defers the overlapped copies as long as CUDA allows, so a missing wait would show here as wrong numbers.
     */
    @Test
    void aSmallDeviceBudgetStreamsTilesFromHostMemory() {
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 4, 200, 60,
                new Target.Teacher(TeacherActivation.ABS, 1, 5_000), 5), cpu);
        Kernel k = Kernel.of(KernelType.NTK);
        KrrRun.Outcome whole = KrrRun.run(cuda, k, 1e-9, ds, new PhaseTimer());
        assertEquals(MemoryPlan.Mode.DEVICE, whole.plan().mode());
        long deviceBudget = 120_000;  // K is 320 000 bytes: three panels, the last updated from columns of both before
        Map<String, KrrRun.Outcome> byCopies = new LinkedHashMap<>();
        for (String copies : new String[] {"sync", "overlap"}) {
            List<MemoryPlan> plans = new ArrayList<>();
            String before = System.setProperty("sparsefeat.cuda.streamCopies", copies);
            try {
                byCopies.put(copies, KrrRun.run(cuda, k, 1e-9, ds, new PhaseTimer(),
                        new KrrResources(null, null, 24, Monitor.NONE, plans::add, deviceBudget)));
            } finally {
                if (before == null) {
                    System.clearProperty("sparsefeat.cuda.streamCopies");
                } else {
                    System.setProperty("sparsefeat.cuda.streamCopies", before);
                }
            }
            MemoryPlan plan = plans.getFirst();
            assertEquals(MemoryPlan.Mode.TILES, plan.mode());
            assertTrue(plan.streamed() && plan.panels() == 3, plan.line());
            assertTrue(plan.line().contains("3 panels of tile columns streamed through 117 KiB of device memory"),
                    plan.line());
        }
        KrrRun.Outcome streamed = byCopies.get("sync");
        assertTrue(relative(whole.model().coefficients(), streamed.model().coefficients()) < 1e-9,
                "coefficients " + relative(whole.model().coefficients(), streamed.model().coefficients()));
        assertEquals(whole.testMse(), streamed.testMse(), 1e-10 * whole.testMse(), "test MSE");
        assertEquals(whole.trainMse(), streamed.trainMse(), 1e-8 * Math.max(whole.trainMse(), 1e-12), "train MSE");
        assertArrayEquals(streamed.model().coefficients(), byCopies.get("overlap").model().coefficients());
    }

    /** A device budget below one column of tiles is refused before any work, in one line naming what is needed. */
    @Test
    void aDeviceBudgetBelowOneColumnIsRefused() {
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 4, 200, 10,
                new Target.Teacher(TeacherActivation.ABS, 1, 5_000), 5), cpu);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> KrrRun.run(cuda, Kernel.of(KernelType.NTK),
                0, ds, new PhaseTimer(), new KrrResources(null, null, 64, Monitor.NONE, plan -> {}, 50_000L)));
        assertTrue(e.template().contains("{device_memory} 48.8 KiB cannot hold one column"), e.template());
    }

    @Test
    void theDeviceFactorSolvesAndMultipliesAsTheHostOne() {
        Matrix x = sphere(97, 3, 5);
        double[] b = new double[97];
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.cos(i);
        }
        Kernel k = Kernel.of(KernelType.NTK);
        try (GramFactor g = cuda.factorGram(k, x, 1e-6, new PhaseTimer());
             GramFactor c = cpu.factorGram(k, x, 1e-6, new PhaseTimer())) {
            assertTrue(relative(g.solve(b), c.solve(b)) < 1e-10, "solve " + relative(g.solve(b), c.solve(b)));
            assertTrue(relative(g.factorMultiply(b), c.factorMultiply(b)) < 1e-13, "L L^T b");
            // and the factor does solve: (K + ridge I) x = b
            double[] kx = g.factorMultiply(g.solve(b));
            assertTrue(relative(kx, b) < 1e-8, "residual " + relative(kx, b));
        }
    }

    @Test
    void aSingularKernelMatrixFailsOnTheDeviceAtTheCpusPivot() {
        Matrix x = sphere(70, 3, 9);
        Matrix dup = new Matrix(71, 3, java.util.Arrays.copyOf(x.data(), 71 * 3));
        System.arraycopy(x.data(), 40 * 3, dup.data(), 70 * 3, 3);  // point 71 repeats point 41
        Kernel k = Kernel.of(KernelType.NTK);
        var g = assertThrows(NotPositiveDefiniteException.class, () -> cuda.factorGram(k, dup, 0, new PhaseTimer()));
        var c = assertThrows(NotPositiveDefiniteException.class, () -> cpu.factorGram(k, dup, 0, new PhaseTimer()));
        assertEquals(c.pivot(), g.pivot());
        assertTrue(g.getMessage().contains("ridge 1e-10"), g.getMessage());
    }

    /**
     * Every Cholesky kernel of cuda/cholesky.cu, on a GPU too: both leaves, recursive with cuBLAS where there is
     * one and (choleskyBlock=all) our kernels alone, at n = 200 (partial blocks of both leaves); the factor is the
     * CPU's to rounding, and a singular matrix fails at the CPU's pivot.
     */
    @ParameterizedTest
    @CsvSource({"32, ''", "64, ''", "32, all", "64, all"})
    void bothCholeskyLeavesFactorAndFailAsTheCpu(String leaf, String block) {
        Matrix x = sphere(200, 4, 41);
        Matrix dup = x.copy();
        System.arraycopy(x.data(), 7 * 4, dup.data(), 150 * 4, 4);  // point 151 repeats point 8
        Kernel k = Kernel.of(KernelType.LAPLACE);
        Matrix a = cpu.gramLower(k, x), b = a.copy(), singular = cpu.gramLower(k, dup);
        String[][] properties = {{CudaBackend.CHOLESKY_LEAF, leaf}, {CudaBackend.CHOLESKY_BLOCK, block}};
        String[] before = new String[properties.length];
        for (int i = 0; i < properties.length; i++) {
            before[i] = System.getProperty(properties[i][0]);
            if (properties[i][1].isEmpty()) {
                System.clearProperty(properties[i][0]);
            } else {
                System.setProperty(properties[i][0], properties[i][1]);
            }
        }
        try {
            ((CudaBackend) cuda).cholesky(a, 1e-6);
            HostLinalg.cholesky(b, 1e-6);
            a.zeroUpper();
            b.zeroUpper();
            assertTrue(relative(a.data(), b.data()) < 1e-12, "leaf " + leaf + ": " + relative(a.data(), b.data()));
            var g = assertThrows(NotPositiveDefiniteException.class, () -> ((CudaBackend) cuda).cholesky(singular.copy(), 0));
            var c = assertThrows(NotPositiveDefiniteException.class, () -> HostLinalg.cholesky(singular.copy(), 0));
            assertEquals(c.pivot(), g.pivot(), "leaf " + leaf);
        } finally {
            for (int i = 0; i < properties.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(properties[i][0]);
                } else {
                    System.setProperty(properties[i][0], before[i]);
                }
            }
        }
    }

    /** Nets of every kind of rule, batched, 100 steps: the same weights and losses as the CPU to rounding. */
    @Test
    void hundredStepsOfBatchedNetsMatchTheCpu() {
        List<NetProblem> problems = new ArrayList<>();
        problems.add(problem(40, 3, 300, false, Scale.MEAN_FIELD, GdRule.featureL1(0.5, 1e-3), 1));
        problems.add(problem(64, 5, 257, true, Scale.NTK, new GdRule(10, true, 0.05, Regularizer.L2, 1e-3,
                LambdaSchedule.NONE, 1, false, false, true, false, 0), 2));
        problems.add(problem(9, 2, 600, false, Scale.MEAN_FIELD, new GdRule(1, false, 0.2, Regularizer.L1, 1e-3,
                LambdaSchedule.POW_LAW, 0.5, false, true, true, false, 0), 3));
        problems.add(problem(33, 4, 100, true, Scale.MEAN_FIELD, new GdRule(1, false, 0.3, Regularizer.L1, 1e-3,
                LambdaSchedule.NONE, 1, true, false, true, true, 0), 4));
        long[] steps = {100, 100, 100, 100};
        double[] never = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.NEGATIVE_INFINITY};
        try (NetBatch g = cuda.openNets(problems); NetBatch c = cpu.openNets(problems)) {
            assertTrue(g.getClass().getSimpleName().startsWith("Cuda"), "the nets run on the device backend");
            g.advance(steps, never);
            c.advance(steps, never);
            for (int b = 0; b < problems.size(); b++) {
                TwoLayerNet wg = g.weights(b), wc = c.weights(b);
                assertEquals(100, g.step(b));
                assertTrue(relative(wg.w1().data(), wc.w1().data()) < 1e-10, "w1 of net " + b);
                assertTrue(relative(wg.w2(), wc.w2()) < 1e-10, "w2 of net " + b);
                if (wc.hasBias()) {
                    assertTrue(relative(wg.b(), wc.b()) < 1e-10, "b of net " + b);
                }
                assertEquals(c.trainHalfMse(b), g.trainHalfMse(b), 1e-10 * c.trainHalfMse(b), "loss of net " + b);
                assertEquals(c.regularizer(b), g.regularizer(b), 1e-10 * Math.abs(c.regularizer(b)), "R of net " + b);
            }
        }
    }

    /**
     * Both sets of step kernels (-Dsparsefeat.cuda.gdKernels: v1, the oracle; v2, register-blocked) for 131 steps
     * (a repeated unit of 128, then single steps) on nets of several d in one batch, h and n multiples of none of the
     * blocks (32 neurons, 256 points, 256-neuron chunks), with and without bias, the alpha-trick included: each
     * set gives the CPU's weights and losses to 1e-9; v2 run twice gives the same bits; v2 gives v1's bits (its
     * sums are v1's, in v1's orders).
     */
    @Test
    void bothStepKernelSetsMatchTheCpuRepeatAndAgree() {
        List<NetProblem> problems = List.of(
                problem(300, 5, 300, true, Scale.NTK, new GdRule(10, true, 0.05, Regularizer.L2, 1e-3,
                        LambdaSchedule.NONE, 1, false, false, true, false, 0), 41),
                problem(150, 3, 257, false, Scale.MEAN_FIELD, GdRule.featureL1(0.5, 1e-3), 42),
                problem(19, 16, 45, true, Scale.MEAN_FIELD, GdRule.featureL1(0.5, 1e-3), 43),
                problem(9, 2, 70, false, Scale.MEAN_FIELD, new GdRule(1, false, 0.2, Regularizer.L1, 1e-3,
                        LambdaSchedule.POW_LAW, 0.5, false, true, true, false, 0), 44));
        long[] steps = {131, 131, 131, 131};
        double[] never = new double[problems.size()];
        java.util.Arrays.fill(never, Double.NEGATIVE_INFINITY);
        List<NetBatch> batches = new ArrayList<>();
        try (NetBatch c = cpu.openNets(problems)) {
            c.advance(steps.clone(), never);
            for (String set : List.of("v1", "v2", "v2")) {
                System.setProperty(CudaNetBatch.GD_KERNELS, set);
                try {
                    batches.add(cuda.openNets(problems));
                } finally {
                    System.clearProperty(CudaNetBatch.GD_KERNELS);
                }
                NetBatch g = batches.getLast();
                assertTrue(g.toString().contains("kernels " + set), g.toString());
                g.advance(steps.clone(), never);
                for (int b = 0; b < problems.size(); b++) {
                    TwoLayerNet wg = g.weights(b), wc = c.weights(b);
                    String what = set + ", net " + b + " (d = " + wc.d() + ")";
                    assertEquals(131, g.step(b), what);
                    assertTrue(relative(wg.w1().data(), wc.w1().data()) < 1e-9, "w1, " + what);
                    assertTrue(relative(wg.w2(), wc.w2()) < 1e-9, "w2, " + what);
                    if (wc.hasBias()) {
                        assertTrue(relative(wg.b(), wc.b()) < 1e-9, "b, " + what);
                    }
                    assertEquals(c.trainHalfMse(b), g.trainHalfMse(b), 1e-9 * c.trainHalfMse(b), "loss, " + what);
                }
            }
            for (int b = 0; b < problems.size(); b++) {
                TwoLayerNet v1 = batches.get(0).weights(b), v2 = batches.get(1).weights(b), again = batches.get(2).weights(b);
                assertTrue(java.util.Arrays.equals(v2.w1().data(), again.w1().data())
                        && java.util.Arrays.equals(v2.w2(), again.w2()), "v2 twice, net " + b + ": the same bits");
                assertTrue(java.util.Arrays.equals(v1.w1().data(), v2.w1().data())
                        && java.util.Arrays.equals(v1.w2(), v2.w2())
                        && (v1.b() == null || java.util.Arrays.equals(v1.b(), v2.b())), "v1 and v2, net " + b + ": the same bits");
                assertEquals(Double.doubleToRawLongBits(batches.get(0).trainHalfMse(b)),
                        Double.doubleToRawLongBits(batches.get(1).trainHalfMse(b)), "loss bits, net " + b);
            }
        } finally {
            batches.forEach(NetBatch::close);
        }
    }

    @Test
    void anUnknownStepKernelSetIsRefusedByName() {
        System.setProperty(CudaNetBatch.GD_KERNELS, "v3");
        try {
            var e = assertThrows(IllegalArgumentException.class, () -> cuda.openNets(List.of(
                    problem(9, 2, 40, false, Scale.MEAN_FIELD, GdRule.featureL1(0.5, 1e-3), 45))));
            assertTrue(e.getMessage().contains("sparsefeat.cuda.gdKernels must be v1 or v2, got 'v3'"), e.getMessage());
        } finally {
            System.clearProperty(CudaNetBatch.GD_KERNELS);
        }
    }

    /** Budgets that differ per net, a net left alone, and a loss floor: the device stops each net where the CPU does. */
    @Test
    void netsStopAtTheCpusStepsWhenTheDeviceKeepsCount() {
        NetProblem a = problem(30, 3, 200, false, Scale.MEAN_FIELD, GdRule.featureL1(0.5, 1e-4), 6);
        NetProblem b = problem(20, 2, 300, true, Scale.MEAN_FIELD, GdRule.featureL1(0.5, 1e-4), 7);
        double floor;
        try (NetBatch c = cpu.openNets(List.of(a))) {
            c.advance(new long[] {60}, new double[] {Double.NEGATIVE_INFINITY});
            floor = c.trainHalfMse(0) * (1 + 1e-9);
        }
        long[] steps = {200, 37, 0};
        double[] below = {floor, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        try (NetBatch g = cuda.openNets(List.of(a, b, b)); NetBatch c = cpu.openNets(List.of(a, b, b))) {
            long[] dg = g.advance(steps, below), dc = c.advance(steps, below);
            assertEquals(60, dc[0], "the CPU reference stops at the floor");
            assertEquals(java.util.Arrays.toString(dc), java.util.Arrays.toString(dg));
            for (int k = 0; k < 3; k++) {
                assertEquals(c.step(k), g.step(k));
                assertTrue(relative(g.weights(k).w2(), c.weights(k).w2()) < 1e-10, "w2 of net " + k);
            }
            dg = g.advance(new long[] {5, 5, 5}, new double[] {Double.NEGATIVE_INFINITY, 0, 0});  // resumes
            assertEquals("[5, 5, 5]", java.util.Arrays.toString(dg));
            assertEquals(65, g.step(0));
        }
    }

    /** The trainer's whole loop (checkpoints, atoms, test errors, convergence) on the device, as on the CPU. */
    @Test
    void trainingRunsGiveTheCpusCheckpointsAndAtoms() {
        List<Trainer.Job> jobs = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 3, 24 + 8 * k, 40,
                    new Target.Teacher(TeacherActivation.ABS, 1, 2_000), k), cpu);
            NetProblem p = problem(24 + 8 * k, 3, 150, false, Scale.MEAN_FIELD, GdRule.featureL1(1, 1e-3), 20 + k);
            jobs.add(new Trainer.Job(ds, p.init(), p.rule()));
        }
        Trainer.Options options = new Trainer.Options(300, 50, true, 1e-3);
        List<Trainer.Result> g = Trainer.train(cuda, jobs, options, null), c = Trainer.train(cpu, jobs, options, null);
        for (int k = 0; k < jobs.size(); k++) {
            Trainer.Result a = g.get(k), b = c.get(k);
            assertEquals(b.status(), a.status());
            assertEquals(b.steps(), a.steps());
            assertEquals(b.dynamics().size(), a.dynamics().size(), "checkpoints of job " + k);
            for (int q = 0; q < b.dynamics().size(); q++) {
                Trainer.Checkpoint x = a.dynamics().get(q), y = b.dynamics().get(q);
                assertEquals(y.step(), x.step());
                assertEquals(y.trainHalfMse(), x.trainHalfMse(), 1e-9 * y.trainHalfMse(), "train error at step " + y.step());
                assertEquals(y.testHalfMse(), x.testHalfMse(), 1e-9 * y.testHalfMse(), "test error at step " + y.step());
                assertEquals(y.atoms(), x.atoms(), "atoms at step " + y.step());
            }
        }
    }

    /** Stopped in the middle and resumed from its saved state, a batch on the device keeps its bits. */
    @Test
    void aResumedBatchEndsWithTheBitsOfAnUninterruptedOne() {
        List<Trainer.Job> jobs = org.sparsefeat.train.TrainerResumeTest.jobs(cpu, 3, 40);
        Trainer.Options options = new Trainer.Options(60, 20, true, 1e-3);
        List<Trainer.Result> whole = Trainer.train(cuda, jobs, options, null);
        org.sparsefeat.train.MemorySnapshots memory = new org.sparsefeat.train.MemorySnapshots(jobs, 4);
        org.junit.jupiter.api.Assertions.assertThrows(org.sparsefeat.train.Snapshots.Stopped.class,
                () -> Trainer.train(cuda, jobs, options, null, memory));
        List<Trainer.Result> resumed = Trainer.train(cuda, jobs, options, null, memory);
        long stoppedAt = memory.loaded().nets().getFirst().step();
        assertTrue(stoppedAt > 0 && stoppedAt < 60, "stopped in the middle, at step " + stoppedAt);
        org.sparsefeat.train.TrainerResumeTest.assertSameBits(whole, resumed);
    }

    /** Toy "images": n points of D = 48 scaled to norm sqrt D, labelled by the sign of a pixel sum. */
    private static Object[] images(int n, long seed) {
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 48, seed, Philox.STREAM_TRAIN_POINTS);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < 48; k++) {
                x.set(i, k, x.get(i, k) * Math.sqrt(48));
                s += k < 10 ? x.get(i, k) : 0;
            }
            y[i] = s > 0 ? 1 : -1;
        }
        return new Object[] {x, y};
    }

    /**
     * The image net's gradient flow in device memory against the CPU's for a few hundred trials each (h = 37, n = 45, so
     * that no block divides them): the same accept / reject decisions (counts, flow time, the loss at every accepted
     * step), parameters and test scores within 1e-9, with the reference's bounds at alpha 1e-2 and with a strict bound
     * on the gradient's turn at alpha 100 (more rejections). Then the net's outputs on the device.
     */
    @Test
    void theImageNetsFlowMakesTheCpusDecisions() {
        Object[] train = images(45, 11), test = images(33, 12);
        Matrix x = (Matrix) train[0], xTest = (Matrix) test[0];
        double[] y = (double[]) train[1], yTest = (double[]) test[1];
        List<org.sparsefeat.classify.GradientFlow.Options> options = List.of(
                org.sparsefeat.classify.GradientFlow.Options.reference(1e-2, 600, 200),
                new org.sparsefeat.classify.GradientFlow.Options(100, 20, 1e-7, 0.1, 0.99, 600, 250));
        long rejections = 0;
        for (var opt : options) {
            var onGpu = flow(cuda, x, y, xTest, yTest, opt);
            var onCpu = flow(cpu, x, y, xTest, yTest, opt);
            var g = onGpu.result();
            var c = onCpu.result();
            String what = "alpha " + opt.alpha() + ", dgrad bound " + opt.maxDgrad();
            rejections += c.rejected();
            assertEquals(c.stop(), g.stop(), what);
            assertEquals(c.accepted(), g.accepted(), what + ": accepted");
            assertEquals(c.rejected(), g.rejected(), what + ": rejected");
            assertEquals(c.time(), g.time(), 1e-12 * c.time(), what + ": flow time, the sum of the accepted dt");
            assertEquals(onCpu.losses().size(), onGpu.losses().size());
            for (int k = 0; k < onCpu.losses().size(); k++) {
                assertEquals(onCpu.losses().get(k), onGpu.losses().get(k), 1e-10 * Math.abs(onCpu.losses().get(k)),
                        what + ": loss after accepted step " + (k + 1));
            }
            assertTrue(relative(onGpu.params(), onCpu.params()) < 1e-9, what + ": parameters "
                    + relative(onGpu.params(), onCpu.params()));
            assertTrue(relative(g.testF(), c.testF()) < 1e-9, what + ": test scores " + relative(g.testF(), c.testF()));
            assertEquals(c.testError(), g.testError(), what);
            assertEquals(c.dynamics().size(), g.dynamics().size(), what + ": checkpoints");
        }
        assertTrue(rejections >= 5, "rejected trials to compare: " + rejections);
        assertEquals(List.of(), cuda.cpuFallbacks(), "nothing of the image net on the CPU");
        var net = new org.sparsefeat.classify.SoftplusNet(cpu, 37, 48, 5, 3);
        double[] fCpu = cpu.softplusOutputs(net.params(), 37, 5, net.normalisation(), xTest);
        double[] fGpu = cuda.softplusOutputs(net.params(), 37, 5, net.normalisation(), xTest);
        assertTrue(relative(fGpu, fCpu) < 1e-12, "outputs " + relative(fGpu, fCpu));
    }

    private record Flow(org.sparsefeat.classify.GradientFlow.Result result, List<Double> losses, double[] params) {}

    private static Flow flow(Backend backend, Matrix x, double[] y, Matrix xTest, double[] yTest,
                             org.sparsefeat.classify.GradientFlow.Options opt) {
        var net = new org.sparsefeat.classify.SoftplusNet(backend, 37, 48, 5, 7);
        List<Double> losses = new ArrayList<>();
        var r = org.sparsefeat.classify.GradientFlow.train(net, x, y, xTest, yTest, opt, (k, loss, met) -> losses.add(loss));
        return new Flow(r, losses, net.params());
    }

    private static NetProblem problem(int n, int d, int h, boolean bias, Scale scale, GdRule rule, long seed) {
        Matrix x = sphere(n, d, seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.sin(3 * x.get(i, 0)) + x.get(i, 1);
        }
        Matrix w1 = NetInit.w1(NetInit.W1.NORMAL, h, d, seed);
        double[] w2 = NetInit.w2(NetInit.W2.parse("normal"), h, seed);
        double[] b = bias ? NetInit.w2(NetInit.W2.parse("0.3"), h, seed + 1) : null;
        return new NetProblem(x, y, new TwoLayerNet(w1, b, w2, scale), rule);
    }
}
