package org.sparsefeat.linalg.tiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparsefeat.backend.BackendContract;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.ReferenceKernels;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.util.InvalidInputException;

/** The tiled Cholesky against LAPACK's criterion and the dense factor; scratch stores, budgets, stops and resumes. */
class TiledCholeskyTest {
    /** Tiles copied out of a dense symmetric matrix (the reference kernels' Gram). */
    record DenseSource(Matrix a) implements TileSource {
        @Override
        public void fill(TileGrid grid, int i, int j, MemorySegment tile) {
            int rows = grid.size(i);
            for (int c = 0; c < grid.size(j); c++) {
                for (int r = 0; r < rows; r++) {
                    tile.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) c * rows + r, a.get(grid.start(i) + r, grid.start(j) + c));
                }
            }
        }

        @Override
        public double maxDiagonal() { return java.util.Arrays.stream(a.diagonal()).max().orElse(0); }

        @Override
        public double flopsPerEntry() { return 10; }
    }

    static Matrix gram(int n, int d, long seed) {
        Matrix x = Points.sample(PointDistribution.SPHERE, n, d, seed, Philox.STREAM_TRAIN_POINTS);
        return ReferenceKernels.gram(Kernel.of(KernelType.NTK), x, x);
    }

    /** The factor as a dense lower-triangular matrix. */
    static Matrix dense(TileStore store) {
        TileGrid g = store.grid();
        Matrix l = Matrix.zeros(g.n(), g.n());
        MemorySegment buffer = java.lang.foreign.Arena.ofAuto().allocate(Math.max(8, store.bufferElements() * 8));
        for (int j = 0; j < g.count(); j++) {
            for (int i = j; i < g.count(); i++) {
                MemorySegment t = store.finished(i, j, buffer);
                for (int c = 0; c < g.size(j); c++) {
                    for (int r = 0; r < g.size(i); r++) {
                        int row = g.start(i) + r, col = g.start(j) + c;
                        if (row >= col) {
                            l.set(row, col, t.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) c * g.size(i) + r));
                        }
                    }
                }
            }
        }
        return l;
    }

    static double residualRatio(Matrix a, Matrix l, double ridge) {
        int n = a.rows();
        Matrix r = Matrix.zeros(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p <= Math.min(i, j); p++) {
                    s += l.get(i, p) * l.get(j, p);
                }
                r.set(i, j, a.get(i, j) + (i == j ? ridge : 0) - s);
            }
        }
        return r.frobeniusNorm() / (n * Math.ulp(1.0) * a.frobeniusNorm());
    }

    @ParameterizedTest(name = "n = {0}, tile = {1}")
    @CsvSource({"1, 4", "37, 8", "40, 8", "64, 64", "100, 13", "130, 200"})
    void inMemoryFactorMeetsLapacksResidualCriterion(int n, int tile) {
        Matrix a = gram(n, 5, n);
        TileGrid grid = new TileGrid(n, tile);
        try (MemoryTiles store = new MemoryTiles(grid)) {
            TiledCholesky.factor(store, new DenseSource(a), 1e-9, List.of(new int[] {0, grid.count()}), Monitor.NONE);
            Matrix l = dense(store);
            double ratio = residualRatio(a, l, 1e-9);
            assertTrue(ratio < 30, "residual ratio " + ratio);
            Matrix ref = a.copy();
            HostLinalg.cholesky(ref, 1e-9);
            ref.zeroUpper();
            assertTrue(BackendContract.relativeDifference(ref.data(), l.data()) < 1e-10);
        }
    }

    @Test
    void scratchStoreWithATinyBudgetGivesTheSameBitsAsMemory(@TempDir Path dir) {
        int n = 75;
        Matrix a = gram(n, 4, 7);
        TileGrid grid = new TileGrid(n, 8);
        Matrix inMemory;
        try (MemoryTiles store = new MemoryTiles(grid)) {
            TiledCholesky.factor(store, new DenseSource(a), 0, List.of(new int[] {0, grid.count()}), Monitor.NONE);
            inMemory = dense(store);
        }
        try (ScratchTiles store = ScratchTiles.open(dir, grid, "p")) {
            List<int[]> panels = TiledCholesky.panels(grid, store.finishedColumns(), 1200, store.bufferElements());
            assertTrue(panels.size() > 3, "the budget should force several panels, got " + panels.size());
            TiledCholesky.factor(store, new DenseSource(a), 0, panels, Monitor.NONE);
            assertArrayEquals(inMemory.data(), dense(store).data());
        }
    }

    @Test
    void aStoppedFactorisationResumesToTheSameBits(@TempDir Path dir) {
        int n = 70;
        Matrix a = gram(n, 3, 11);
        TileGrid grid = new TileGrid(n, 8);
        Matrix whole;
        try (MemoryTiles store = new MemoryTiles(grid)) {
            TiledCholesky.factor(store, new DenseSource(a), 1e-12, List.of(new int[] {0, grid.count()}), Monitor.NONE);
            whole = dense(store);
        }
        int finished;
        try (ScratchTiles store = ScratchTiles.open(dir, grid, "problem")) {
            List<int[]> panels = TiledCholesky.panels(grid, store.finishedColumns(), 2500, store.bufferElements());
            assertThrows(Monitor.Stopped.class,
                    () -> TiledCholesky.factor(store, new DenseSource(a), 1e-12, panels, stopAfter(0.4)));
            finished = store.finishedColumns();
        }
        assertTrue(finished > 0 && finished < grid.count(), "stopped after " + finished + " columns");
        try (ScratchTiles other = ScratchTiles.open(dir, grid, "another problem")) {
            assertEquals(0, other.finishedColumns(), "a journal for another problem is not resumed");
        }
        // the first run's journal was reset by the other problem: stop again, then resume with a different budget
        try (ScratchTiles store = ScratchTiles.open(dir, grid, "problem")) {
            assertThrows(Monitor.Stopped.class, () -> TiledCholesky.factor(store, new DenseSource(a), 1e-12,
                    TiledCholesky.panels(grid, store.finishedColumns(), 2500, store.bufferElements()), stopAfter(0.4)));
        }
        try (ScratchTiles store = ScratchTiles.open(dir, grid, "problem")) {
            assertTrue(store.finishedColumns() > 0, "resumes after the journaled columns");
            TiledCholesky.factor(store, new DenseSource(a), 1e-12, TiledCholesky.panels(grid, store.finishedColumns(), 1800, store.bufferElements()),
                    Monitor.NONE);
            assertArrayEquals(whole.data(), dense(store).data());
        }
    }

    /** Asks to stop once this fraction of the work is done. */
    static Monitor stopAfter(double fraction) {
        return new Monitor() {
            double seen;

            @Override
            public boolean stopRequested() { return seen > fraction; }

            @Override
            public void progress(String phase, double done, double total) { seen = done / total; }
        };
    }

    @Test
    void aSingularPivotInALaterTileIsNamedByItsGlobalIndex() {
        int n = 40;
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 3, 5, Philox.STREAM_TRAIN_POINTS);
        for (int c = 0; c < 3; c++) {
            x.set(29, c, x.get(4, c));  // point 30 repeats point 5: the 30th pivot vanishes
        }
        Matrix a = ReferenceKernels.gram(Kernel.of(KernelType.NTK), x, x);
        TileGrid grid = new TileGrid(n, 8);
        try (MemoryTiles store = new MemoryTiles(grid)) {
            NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> TiledCholesky.factor(
                    store, new DenseSource(a), 0, List.of(new int[] {0, grid.count()}), Monitor.NONE));
            assertEquals(30, e.pivot());
            assertEquals(n, e.order());
        }
    }

    @Test
    void solveAndMultiplyMatchTheDenseFactor(@TempDir Path dir) {
        int n = 90;
        Matrix a = gram(n, 5, 3);
        double[] b = Points.sample(PointDistribution.SPHERE, n, 1, 9, Philox.STREAM_TRAIN_POINTS).data();
        Matrix ref = a.copy();
        HostLinalg.cholesky(ref, 0);
        double[] x = b.clone();
        HostLinalg.choleskySolve(ref, x);
        double[] ax = HostLinalg.factorMultiply(ref, b);
        TileGrid grid = new TileGrid(n, 16);
        ScratchTiles store = ScratchTiles.open(dir, grid, "s");
        TiledCholesky.factor(store, new DenseSource(a), 0, TiledCholesky.panels(grid, store.finishedColumns(), 4000, store.bufferElements()),
                Monitor.NONE);
        try (TiledFactor f = new TiledFactor(store)) {
            assertTrue(BackendContract.relativeDifference(x, f.solve(b)) < 1e-9);
            assertTrue(BackendContract.relativeDifference(ax, f.multiply(b)) < 1e-13);
        }
    }

    @Test
    void panelsCoverEveryColumnAndRefuseABudgetBelowOneColumn() {
        TileGrid grid = new TileGrid(100, 10);
        for (int start : new int[] {0, 3}) {
            List<int[]> panels = TiledCholesky.panels(grid, start, 2500, 100);
            assertEquals(start, panels.getFirst()[0]);
            assertEquals(10, panels.getLast()[1]);
            for (int p = 0; p < panels.size(); p++) {
                assertTrue(p == 0 || panels.get(p - 1)[1] == panels.get(p)[0]);
                // a panel after a resume point counts the buffers of its updates too: within the budget
                assertTrue(TiledCholesky.panelElements(grid, panels.get(p)[0], panels.get(p)[1], 100) <= 2500);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> TiledCholesky.panels(grid, 0, 500, 100));
    }

    @Test
    void panelsPlannedForAnotherResumePointAreRefused(@TempDir Path dir) {
        TileGrid grid = new TileGrid(40, 8);
        Matrix a = gram(40, 3, 2);
        try (ScratchTiles store = ScratchTiles.open(dir, grid, "p")) {
            assertThrows(Monitor.Stopped.class, () -> TiledCholesky.factor(store, new DenseSource(a), 0,
                    TiledCholesky.panels(grid, 0, 400, store.bufferElements()), stopAfter(0.5)));
            assertTrue(store.finishedColumns() > 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TiledCholesky.factor(store,
                    new DenseSource(a), 0, TiledCholesky.panels(grid, 0, 400, store.bufferElements()), Monitor.NONE));
            assertTrue(e.getMessage().contains("resume point"), e.getMessage());
        }
    }

    @Test
    void aScratchDirectoryInUseIsRefusedInOneLine(@TempDir Path dir) {
        TileGrid grid = new TileGrid(40, 8);
        try (ScratchTiles held = ScratchTiles.open(dir, grid, "p")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ScratchTiles.open(dir, grid, "p"));
            assertTrue(e.getMessage().contains("in use by another sparsefeat run"), e.getMessage());
            assertTrue(e.template().contains("{scratch}"), e.template());
        }
        ScratchTiles.open(dir, grid, "p").close();  // free again once the holder closed it
    }
}
