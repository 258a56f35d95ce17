package org.sparsefeat.krr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.backend.BackendContract;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.PhaseTimer;

/** KRR through the memory plan: in core, in tiles, out of core with a tiny budget, stopped and resumed. */
class LargeKrrTest {
    private static final Kernel NTK = Kernel.of(KernelType.NTK);
    private static CpuBackend backend;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    private static Dataset data(int n) {
        return Datasets.generate(new DataSpec(PointDistribution.SPHERE, 4, n, 300,
                new Target.Teacher(TeacherActivation.ABS, 1, 2_000), 3), backend);
    }

    private KrrResources outOfCore(long memory, int tile, Monitor monitor) {
        return new KrrResources(memory, dir, tile, monitor, plan -> {});
    }

    /**
     * Against the default plan's one tile of 300 (LAPACK's dpotrf on the whole) the tiles of 16 round differently, by about eps times K's condition number:
     * a ridge keeps that near 1e-13 so that 1e-12 tests the algorithm; ridgeless, the tiled paths agree bit for bit
     * (below).
     */
    @Test
    void outOfCoreWithATinyBudgetMatchesInCore() {
        Dataset ds = data(300);
        KrrRun.Outcome inCore = KrrRun.run(backend, NTK, 1e-3, ds, new PhaseTimer());
        assertEquals(MemoryPlan.Mode.TILES, inCore.plan().mode());
        assertEquals(300, inCore.plan().tile());
        KrrRun.Outcome tiled = KrrRun.run(backend, NTK, 1e-3, ds, new PhaseTimer(), outOfCore(60_000, 16, Monitor.NONE));
        assertEquals(MemoryPlan.Mode.SCRATCH, tiled.plan().mode());
        assertTrue(tiled.plan().panels() > 3, "the budget should force several panels: " + tiled.plan().panels());
        assertEquals(inCore.testMse(), tiled.testMse(), 1e-12 * inCore.testMse());
        assertTrue(BackendContract.relativeDifference(inCore.model().coefficients(), tiled.model().coefficients()) < 1e-11);
        assertEquals(inCore.trainMse(), tiled.trainMse(), 1e-10 * inCore.trainMse());
        assertFalse(Files.exists(tiled.plan().scratch()), "a finished fit removes its scratch files");
    }

    @Test
    void tilesInMemoryMatchOutOfCoreBitForBit() {
        Dataset ds = data(250);
        KrrRun.Outcome memory = KrrRun.run(backend, NTK, 0, ds, new PhaseTimer(),
                new KrrResources(null, null, 24, Monitor.NONE, plan -> {}));
        assertEquals(MemoryPlan.Mode.TILES, memory.plan().mode());
        KrrRun.Outcome scratch = KrrRun.run(backend, NTK, 0, ds, new PhaseTimer(), outOfCore(80_000, 24, Monitor.NONE));
        assertEquals(MemoryPlan.Mode.SCRATCH, scratch.plan().mode());
        assertArrayEquals(memory.model().coefficients(), scratch.model().coefficients());
        assertEquals(memory.testMse(), scratch.testMse());
    }

    @Test
    void aStoppedFitResumesToTheSameCoefficients() {
        Dataset ds = data(280);
        KrrRun.Outcome whole = KrrRun.run(backend, NTK, 0, ds, new PhaseTimer(), outOfCore(50_000, 16, Monitor.NONE));
        Monitor stopHalfway = new Monitor() {
            double seen;

            @Override
            public boolean stopRequested() { return seen > 0.5; }

            @Override
            public void progress(String phase, double done, double total) { seen = done / total; }
        };
        assertThrows(Monitor.Stopped.class, () -> KrrRun.run(backend, NTK, 0, ds, new PhaseTimer(),
                outOfCore(50_000, 16, stopHalfway)));
        Path scratch = MemoryPlan.scratchDirectory(dir, KernelRidge.fingerprint(backend, NTK, 0, ds.xTrain()));
        assertTrue(Files.exists(scratch.resolve("journal.json")), "the journal stays for the rerun");
        // the rerun's plan estimates the rest, not the whole (the same rates for both: the journal's tile of 16)
        IntFunction<Rates> rates = b -> new Rates(1e8, 1e10, 1e6, 1e8);
        String fingerprint = KernelRidge.fingerprint(backend, NTK, 0, ds.xTrain());
        MemoryPlan rest = MemoryPlan.make(280, 0, null, outOfCore(50_000, 16, Monitor.NONE), fingerprint, rates);
        MemoryPlan fresh = MemoryPlan.make(280, 0, null, new KrrResources(50_000L, dir.resolve("elsewhere"), 16,
                Monitor.NONE, p -> {}), fingerprint, rates);
        assertTrue(rest.resumeColumns() > 0 && fresh.resumeColumns() == 0, rest.line() + " / " + fresh.line());
        assertTrue(rest.estimatedSeconds() < 0.7 * fresh.estimatedSeconds() && rest.estimatedSeconds() > 0,
                rest.estimatedSeconds() + " s of " + fresh.estimatedSeconds() + " s left after " + rest.resumeColumns()
                        + " of 18 columns");
        double[] started = {Double.NaN, Double.NaN};
        double[] firstReport = {Double.NaN};
        Monitor watch = new Monitor() {
            @Override
            public void start(double done, double total) {
                started[0] = done;
                started[1] = total;
            }

            @Override
            public void progress(String phase, double done, double total) {
                if (Double.isNaN(firstReport[0])) {
                    firstReport[0] = done / total;
                }
            }
        };
        // the rerun leaves budget and tile to their defaults, which alone would choose a tile of 280 in one panel: the
        // journal's tile of 16 is kept, so the bits are those of the run that was never stopped
        KrrRun.Outcome resumed = KrrRun.run(backend, NTK, 0, ds, new PhaseTimer(),
                new KrrResources(null, dir, 0, watch, plan -> {}));
        assertEquals(16, resumed.plan().tile());
        assertTrue(resumed.plan().resumeColumns() > 0, "resumed after " + resumed.plan().resumeColumns() + " columns");
        assertTrue(resumed.plan().line().contains("resuming after " + resumed.plan().resumeColumns() + " of 18 tile"
                + " columns"), resumed.plan().line());
        assertArrayEquals(whole.model().coefficients(), resumed.model().coefficients());
        assertEquals(whole.testMse(), resumed.testMse());
        // the rerun's progress counts the whole work and starts at the finished columns' share, not at 0
        double all = 280.0 * 280 * 280 / 3;
        assertTrue(started[1] > all, "the whole work, the Gram's included: " + started[1]);
        assertTrue(started[0] > 0.3 * started[1], "the rerun starts at the share done: " + started[0] / started[1]);
        assertTrue(firstReport[0] > started[0] / started[1], "its first report lies beyond it: " + firstReport[0]);
    }

    @Test
    void aSingularSystemNamesItsGlobalPivotFromALaterTile() {
        Dataset ds = data(120);
        Matrix x = ds.xTrain();
        for (int c = 0; c < x.cols(); c++) {
            x.set(100, c, x.get(7, c));  // point 101 repeats point 8
        }
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> KernelRidge.fitWithFactor(
                backend, NTK, 0, x, ds.yTrain(), 0, new PhaseTimer(), outOfCore(30_000, 16, Monitor.NONE)));
        assertEquals(101, e.pivot());
        assertFalse(Files.exists(MemoryPlan.scratchDirectory(dir, KernelRidge.fingerprint(backend, NTK, 0, x))),
                "a singular system leaves no scratch to resume");
    }

    /** The default in-core plan asks its monitor between two tile operations: Ctrl-C stops it within seconds. */
    @Test
    void aDefaultInCoreFitStopsWhenItsMonitorAsks() {
        Dataset ds = data(300);
        MemoryPlan[] plan = new MemoryPlan[1];
        Monitor stopAtOnce = new Monitor() {
            boolean started;

            @Override
            public boolean stopRequested() { return started; }

            @Override
            public void progress(String phase, double done, double total) { started = true; }
        };
        assertThrows(Monitor.Stopped.class, () -> KrrRun.run(backend, NTK, 0, ds, new PhaseTimer(),
                new KrrResources(null, null, 0, stopAtOnce, p -> plan[0] = p)));
        assertEquals(MemoryPlan.Mode.TILES, plan[0].mode());
    }

    /** Predictions go in the backend's blocks of rows, the same bits, asking between two whether to stop. */
    @Test
    void predictionsStopBetweenBlocks() {
        Dataset ds = data(200);
        KrrModel model = KrrRun.run(backend, NTK, 0, ds, new PhaseTimer()).model();
        Matrix x = Matrix.zeros(2 * org.sparsefeat.backend.Backend.gramTimesRows(200) + 5, 4);
        for (int i = 0; i < x.rows(); i++) {
            for (int c = 0; c < 4; c++) {
                x.set(i, c, Math.sin(1.0 + i * 4 + c));
            }
        }
        assertArrayEquals(model.predict(backend, x), KrrRun.predict(backend, model, x, Monitor.NONE));
        Monitor stop = new Monitor() {
            @Override
            public boolean stopRequested() { return true; }
        };
        assertThrows(Monitor.Stopped.class, () -> KrrRun.predict(backend, model, x, stop));
    }

    /**
     * Small tiles cost their calls' overhead beyond their flops: the estimate takes the rates measured on the plan's
     * tiles, so that --tile 16 is not estimated as fast as the default's tiles of 2048.
     */
    @Test
    void theEstimateCountsSmallTilesAtTheirOwnRates() {
        Rates large = new Rates(1e8, 1e10, 1e8, 1e10);
        Rates small = new Rates(1e8, 1e10, 1e6, 1e8);  // a hundred times slower tile by tile
        IntFunction<Rates> rates = b -> b < 512 ? small : large;
        MemoryPlan byDefault = MemoryPlan.make(4096, 1000, null, new KrrResources(null, null, 0, Monitor.NONE, p -> {}),
                "f".repeat(64), rates);
        MemoryPlan tiny = MemoryPlan.make(4096, 1000, null, new KrrResources(null, null, 16, Monitor.NONE, p -> {}),
                "f".repeat(64), rates);
        assertEquals(MemoryPlan.Mode.TILES, byDefault.mode());
        assertEquals(2048, byDefault.tile());
        assertTrue(tiny.factorSeconds() > 50 * byDefault.factorSeconds(), tiny.line() + " / " + byDefault.line());
        assertTrue(byDefault.estimatedSeconds() > byDefault.factorSeconds(), "the predictions count too");
        assertTrue(tiny.line().endsWith("estimate " + org.sparsefeat.util.Durations.format(tiny.estimatedSeconds())),
                tiny.line());
    }

    /**
     * The plan's dgemm rate is timed on calls of at least a GFlop (tens of milliseconds), much longer than a scheduler's
     * slice: on a busy 2-core machine, calls of 0.3 GFlop (blocks of 512) timed anywhere from 11 to 97 GF/s in fresh
     * processes at the same load, and n = 20480 was estimated at 31 s in one run and 13 min in the next.
     */
    @Test
    void theDgemmRateIsTimedOnCallsLongerThanASchedulerSlice() {
        assertTrue(2.0 * Rates.GEMM * Rates.GEMM * Rates.GEMM >= 1e9, "blocks of " + Rates.GEMM);
        // tiles below those blocks get their own rates, measured as the factorisation calls them
        Matrix x = data(2 * Rates.GEMM).xTrain();
        Rates base = new Rates(1e8, 1e14, 1e8, 1e14);
        assertTrue(base.atTile(backend, NTK, x, 768).tileFlopsPerSecond() < base.tileFlopsPerSecond(),
                "a tile of 768 is not timed as fast as a machine of 100 TFlop/s");
        assertEquals(base, base.atTile(backend, NTK, x, Rates.GEMM));
    }

    @Test
    void thePlanRefusesWhenNeitherMemoryNorDiskSuffices() {
        KrrResources tiny = new KrrResources(4096L, null, 0, Monitor.NONE, plan -> {});
        InvalidInputException memory = assertThrows(InvalidInputException.class,
                () -> MemoryPlan.make(100_000, 0, null, tiny, "f".repeat(64), null));
        assertTrue(memory.getMessage().contains("cannot hold one column"), memory.getMessage());
        KrrResources some = new KrrResources(1L << 30, dir, 0, Monitor.NONE, plan -> {});
        InvalidInputException disk = assertThrows(InvalidInputException.class,
                () -> MemoryPlan.make(100_000, 0, null, some, "f".repeat(64), null, p -> 1L << 30));
        assertTrue(disk.getMessage().contains("needs 37.3 GiB") && disk.getMessage().contains("1.00 GiB free"),
                disk.getMessage());
        // the first column fits, the second with its buffers for the updates does not: refused before any work too
        long work = 3L * 256 * 256 * 8;
        KrrResources firstOnly = new KrrResources(work + 300_000L * 8, dir, 256, Monitor.NONE, plan -> {});
        InvalidInputException second = assertThrows(InvalidInputException.class,
                () -> MemoryPlan.make(1000, 0, null, firstOnly, "f".repeat(64), null, p -> 1L << 40));
        assertTrue(second.getMessage().contains("cannot hold one column"), second.getMessage());
        MemoryPlan enough = MemoryPlan.make(100_000, 0, null, some, "f".repeat(64), null, p -> 1L << 40);
        assertEquals(MemoryPlan.Mode.SCRATCH, enough.mode());
        assertTrue(enough.panels() > 1);
        assertTrue(enough.line().startsWith("memory plan: K needs 37.3 GiB (n = 100000"), enough.line());
    }

    /** A second run of a problem whose scratch directory another run holds is refused by the plan, before its line. */
    @Test
    void aHeldScratchDirectoryIsRefusedBeforeThePlanAnnouncesIt() {
        String fingerprint = "a".repeat(64);
        Path problem = MemoryPlan.scratchDirectory(dir, fingerprint);
        KrrResources scratch = new KrrResources(1L << 30, dir, 64, Monitor.NONE, plan -> {});
        try (org.sparsefeat.linalg.tiled.ScratchTiles held = org.sparsefeat.linalg.tiled.ScratchTiles.open(problem,
                new org.sparsefeat.linalg.tiled.TileGrid(256, 64), fingerprint)) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> MemoryPlan.make(256, 0, null, scratch, fingerprint, null, p -> 1L << 40));
            assertTrue(e.getMessage().contains("in use by another sparsefeat run"), e.getMessage());
        }
        assertEquals(MemoryPlan.Mode.SCRATCH, MemoryPlan.make(256, 0, null, scratch, fingerprint, null, p -> 1L << 40)
                .mode(), "free again once the holder closed it");
    }
}
