package org.sparsefeat.linalg.tiled;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.linalg.Pivots;

/**
 * The Cholesky factorisation A + ridge I = L L^T over square tiles of the lower triangle, left-looking: tile column k
 * receives the updates A(i, k) -= L(i, j) L(k, j)^T from every finished column j < k, in increasing j, then is
 * factored (dpotrf on the diagonal tile, dtrsm below it). The same sequence of BLAS calls reaches every tile whatever
 * the store, the memory budget or the column a resumed run starts at, so every way of running it gives the same bits.
 *
 * <p>Memory holds a panel of consecutive columns, as many as the budget allows: the whole matrix in core, a few columns
 * out of core. A panel's tiles are built from the {@link TileSource}, updated from the finished columns on its left,
 * which are read tile by tile (each once per panel), then factored column by column, each column kept by the store as
 * soon as it is done (a scratch store journals it, so that a stopped run resumes there).
 */
public final class TiledCholesky<T> {
    private final TileStore store;
    private final TileEngine<T> engine;
    private final TileGrid grid;
    private final TileSource source;
    private final double ridge;
    private final Monitor monitor;
    private double done;
    private double total;

    private TiledCholesky(TileStore store, TileEngine<T> engine, TileSource source, double ridge, Monitor monitor) {
        this.store = store;
        this.engine = engine;
        this.grid = store.grid();
        this.source = source;
        this.ridge = ridge;
        this.monitor = monitor;
    }

    /**
     * Factors into {@code store}, starting after its finished columns.
     *
     * @param panels consecutive column ranges {from, to} covering the columns from the store's first unfinished one on,
     *               from {@link #panels}
     * @throws NotPositiveDefiniteException at the first pivot that is not numerically positive (its global index)
     * @throws Monitor.Stopped when the monitor asked to stop; the store keeps what was finished
     */
    public static void factor(TileStore store, TileSource source, double ridge, List<int[]> panels, Monitor monitor) {
        factor(store, TileEngine.HOST, source, ridge, panels, monitor);
    }

    /** As above, with the arithmetic on {@code engine}: the host's BLAS, or a device's on streamed panels. */
    public static <T> void factor(TileStore store, TileEngine<T> engine, TileSource source, double ridge,
            List<int[]> panels, Monitor monitor) {
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("ridge must be a finite number >= 0, got " + ridge);
        }
        new TiledCholesky<>(store, engine, source, ridge, monitor).run(panels);
    }

    /**
     * Splits the columns from {@code start} on (0, or a resumed factorisation's first unfinished column) into panels
     * that fit in {@code budget} doubles with the buffers the updates need: greedily, each as wide as fits. Columns
     * further right are shorter, so later panels are wider.
     *
     * @throws IllegalArgumentException when one column does not fit
     */
    public static List<int[]> panels(TileGrid grid, int start, long budget, long bufferElements) {
        return panels(grid, start, budget, (from, to) -> panelElements(grid, from, to, bufferElements));
    }

    /** The doubles a panel of columns [from, to) needs. */
    @FunctionalInterface
    public interface PanelSize {
        long elements(int from, int to);
    }

    /** As above, with the panels' needs from {@code size} ({@link #panelElements}, {@link #streamedPanelElements}). */
    public static List<int[]> panels(TileGrid grid, int start, long budget, PanelSize size) {
        List<int[]> panels = new ArrayList<>();
        int nt = grid.count();
        for (int from = start; from < nt; ) {
            int to = from;
            while (to < nt && size.elements(from, to + 1) <= budget) {
                to++;
            }
            if (to == from) {
                throw new IllegalArgumentException("tile column " + from + " needs " + size.elements(from, from + 1)
                        + " doubles, more than the budget of " + budget);
            }
            panels.add(new int[] {from, to});
            from = to;
        }
        return panels;
    }

    /** Doubles a panel of columns [from, to) needs: its tiles, and one buffer per column plus one for streaming. */
    public static long panelElements(TileGrid grid, int from, int to, long bufferElements) {
        return grid.elementsInColumns(from, to) + (from == 0 ? 0 : (to - from + 1) * bufferElements);
    }

    /**
     * Doubles a panel of columns [from, to) needs when a device factors it: its tiles, and two buffers of a finished
     * column's tiles from the panel's first row down (one being used, the next one arriving), on the device and on the
     * host alike.
     */
    public static long streamedPanelElements(TileGrid grid, int from, int to) {
        return grid.elementsInColumns(from, to) + (from == 0 ? 0 : 2L * (grid.n() - grid.start(from)) * grid.tile());
    }

    private void run(List<int[]> panels) {
        int start = store.finishedColumns();
        int expect = start;
        for (int[] p : panels) {
            if (p[0] != expect || p[1] <= p[0]) {
                throw new IllegalArgumentException("panels must cover the columns " + start + ".." + (grid.count() - 1)
                        + " in order (planned for another resume point?)");
            }
            expect = p[1];
        }
        if (expect != grid.count()) {
            throw new IllegalArgumentException("panels end at column " + expect + " of " + grid.count());
        }
        double maxDiag = source.maxDiagonal() + ridge;
        // the whole factorisation's work, the finished columns' counted done: a resumed run's progress starts there
        total = remaining(grid, 0).work(source.flopsPerEntry());
        done = total - remaining(grid, start).work(source.flopsPerEntry());
        monitor.start(done, total);
        for (int[] p : panels) {
            int from = p[0], to = p[1];
            // one buffer per column of the panel for its rows' finished tiles, one for the rest, streamed
            try (TileStore.Panel panel = store.openPanel(from, to);
                    TileEngine.Work<T> work = engine.open(store, panel, from, to, from == 0 ? 0 : to - from + 1)) {
                build(work, from, to);
                updateFromFinished(work, from, to);
                for (int k = from; k < to; k++) {
                    factorColumn(work, from, k, maxDiag);
                    work.finish(k);
                }
            }
        }
        monitor.progress("cholesky", total, total);
    }

    private void build(TileEngine.Work<T> work, int from, int to) {
        for (int j = from; j < to; j++) {
            for (int i = j; i < grid.count(); i++) {
                checkStop();
                work.fill(source, i, j, ridge);
                advance("gram", grid.elements(i, j) * source.flopsPerEntry());
            }
        }
    }

    /** A(i, k) -= L(i, j) L(k, j)^T for every finished j < from, in increasing j; L(k, j) of the panel's rows held. */
    private void updateFromFinished(TileEngine.Work<T> work, int from, int to) {
        if (from == 0) {
            return;
        }
        List<T> lk = new ArrayList<>(Collections.nCopies(to - from, null));  // L(k, j) for the panel's k
        int stream = to - from;  // the slot of the rows below the panel
        for (int j = 0; j < from; j++) {
            work.startColumn(j);
            for (int i = from; i < grid.count(); i++) {
                checkStop();
                T lij = work.finished(i, j, i < to ? i - from : stream);
                if (i < to) {
                    lk.set(i - from, lij);
                }
                for (int k = from; k <= Math.min(i, to - 1); k++) {
                    update(work.tile(i, k), i, k, lij, lk.get(k - from), j);
                }
            }
        }
    }

    private void factorColumn(TileEngine.Work<T> work, int from, int k, double maxDiag) {
        for (int j = from; j < k; j++) {
            T lkj = work.tile(k, j);
            for (int i = k; i < grid.count(); i++) {
                checkStop();
                update(work.tile(i, k), i, k, work.tile(i, j), lkj, j);
            }
        }
        checkStop();
        int b = grid.size(k);
        T diag = work.tile(k, k);
        double[] pivots = new double[b];
        int info = engine.potrf(diag, b, pivots);
        if (info > 0) {
            int pivot = grid.start(k) + info;
            throw new NotPositiveDefiniteException(pivot, grid.n(), "the leading minor of order " + pivot + " is not positive");
        }
        if (info < 0) {
            throw new IllegalStateException("dpotrf rejected argument " + (-info));
        }
        Pivots.requireNumericallyPositive(pivots, grid.start(k), grid.n(), maxDiag);
        advance("cholesky", (double) b * b * b / 3);
        for (int i = k + 1; i < grid.count(); i++) {
            checkStop();
            engine.trsm(diag, b, work.tile(i, k), grid.size(i));
            advance("cholesky", (double) grid.size(i) * b * b);
        }
    }

    /** A(i, k) -= L(i, j) L(k, j)^T: dsyrk on a diagonal tile, dgemm below. */
    private void update(T aik, int i, int k, T lij, T lkj, int j) {
        int m = grid.size(i), n = grid.size(k), depth = grid.size(j);
        if (i == k) {
            engine.syrkMinus(lkj, n, depth, aik);
            advance("cholesky", (double) n * n * depth);
        } else {
            engine.gemmMinusTransposed(lij, m, lkj, n, depth, aik);
            advance("cholesky", 2.0 * m * n * depth);
        }
    }

    /**
     * Seconds of one update A(i, k) -= L(i, j) L(k, j)^T on tiles of order b, as the factorisation calls it (best of
     * three, each over enough calls to take a few milliseconds): small tiles cost a call's overhead beyond their flops.
     * Below 64 the calls are first warmed up (twenty thousand, tens of milliseconds), as the factorisation's millions
     * of them are: a cold call through the foreign-function interface costs several times a compiled one.
     */
    public static double secondsPerUpdate(int b) {
        long elements = (long) b * b;
        int calls = (int) Math.clamp(1e7 / (2.0 * b * b * b), 1, 100_000);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(elements * 8, 8);
            MemorySegment c = arena.allocate(elements * 8, 8);
            for (long e = 0; e < elements; e++) {
                a.setAtIndex(ValueLayout.JAVA_DOUBLE, e, 1e-3 * (e % 7));
            }
            for (int k = 0, warm = b < 64 ? 20_000 : calls; k < warm; k++) {
                TileBlas.gemmMinusTransposed(a, b, a, b, b, c);
            }
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                for (int k = 0; k < calls; k++) {
                    TileBlas.gemmMinusTransposed(a, b, a, b, b, c);
                }
                best = Math.min(best, (System.nanoTime() - t0) * 1e-9 / calls);
            }
            return Math.max(best, 1e-9);
        }
    }

    /**
     * What the factorisation of the columns from {@code start} on does: the plan's estimate and the progress count the
     * same work.
     *
     * @param gramEntries entries of K the source computes
     * @param flops       floating-point operations of the updates, dpotrf and dtrsm
     */
    public record Work(double gramEntries, double flops) {
        /** The work in flops, an entry of K counted as {@code flopsPerEntry}. */
        public double work(double flopsPerEntry) { return gramEntries * flopsPerEntry + flops; }
    }

    /** The work of factoring the columns from {@code start} on ({@link Work}). */
    public static Work remaining(TileGrid grid, int start) {
        double entries = 0, flops = 0;
        int nt = grid.count();
        for (int k = start; k < nt; k++) {
            double bk = grid.size(k);
            double below = grid.n() - grid.start(k);
            entries += below * bk;                                // the Gram of column k
            flops += grid.start(k) * (below * bk * 2 - bk * bk);  // updates from the columns on its left
            flops += bk * bk * bk / 3 + (below - bk) * bk * bk;   // dpotrf and dtrsm
        }
        return new Work(entries, flops);
    }

    private void advance(String phase, double work) {
        done += work;
        monitor.progress(phase, done, total);
    }

    private void checkStop() {
        if (monitor.stopRequested()) {
            throw new Monitor.Stopped();
        }
    }
}
