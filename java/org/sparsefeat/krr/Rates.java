package org.sparsefeat.krr;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.OpenBlas;
import org.sparsefeat.linalg.tiled.TiledCholesky;

/**
 * This machine's speed at the two things a large fit does, measured in about 0.1 s before it starts:
 * the Gram (entries per second, for this kernel and dimension) and the factorisation (flops per second of a dgemm, the
 * operation that dominates it), on large blocks and on the plan's tiles, where small tiles pay a call's overhead beyond
 * their arithmetic. Measured afresh for each large fit (about 0.1 s): a machine warms up, and others' work comes and
 * goes, over a sweep.
 *
 * @param gramEntriesPerSecond     entries of K per second in large blocks (the predictions)
 * @param flopsPerSecond           floating-point operations per second of OpenBLAS's dgemm on {@link #GEMM} blocks
 * @param tileGramEntriesPerSecond entries of K per second tile by tile
 * @param tileFlopsPerSecond       floating-point operations per second of the factorisation's updates tile by tile
 */
public record Rates(double gramEntriesPerSecond, double flopsPerSecond, double tileGramEntriesPerSecond,
        double tileFlopsPerSecond) {
    /**
     * The order of the blocks the dgemm rate is timed on: a call of 2 GEMM^3 = 2 GFlop, tens of milliseconds, so that
     * one of OpenBLAS's threads losing its core for a scheduler slice on a busy machine cannot dominate the timing. On
     * blocks of 512 (0.3 GFlop, a few ms) that happened: at the same load, fresh processes measured 97 and 11 GF/s, and
     * the plan's estimate for n = 20480 ranged from 31 s to 13 min; blocks of 1024 measured within 25%
     * of the factorisation's tiles of 2048 under the same load.
     */
    static final int GEMM = 1024;

    /** The rates for this backend, kernel and the dimension of x (whose first rows it times), on large blocks. */
    public static Rates of(Backend backend, Kernel kernel, Matrix x) {
        Matrix rows = x.rowRange(0, Math.min(x.rows(), 256));
        Matrix cols = x.rowRange(0, Math.min(x.rows(), 2048));
        double gram = best(() -> backend.gram(kernel, rows, cols)) / ((double) rows.rows() * cols.rows());
        Matrix a = Matrix.zeros(GEMM, GEMM);
        for (int i = 0; i < GEMM; i++) {
            a.set(i, i, 1);
            a.set(i, (i * 7) % GEMM, 0.5);
        }
        Matrix c = Matrix.zeros(GEMM, GEMM);
        double gemm = best(() -> OpenBlas.gemm(false, true, -1, a, a, 1, c)) / (2.0 * GEMM * GEMM * GEMM);
        return new Rates(1 / gram, 1 / gemm, 1 / gram, 1 / gemm);
    }

    /**
     * These rates with the tile rates measured on tiles of order {@code tile}: below {@link #GEMM} a tile's Gram and update are
     * timed as the factorisation calls them (with {@code --tile 8} the calls' overhead, not the flops, is the cost).
     */
    public Rates atTile(Backend backend, Kernel kernel, Matrix x, int tile) {
        int b = Math.min(tile, x.rows() / 2);
        if (b >= GEMM || b < 1) {
            return this;
        }
        Matrix rows = x.rowRange(0, b);
        Matrix cols = x.rowRange(b, 2 * b);
        Matrix out = Matrix.zeros(b, b);
        int calls = (int) Math.clamp(2e-3 * gramEntriesPerSecond / ((double) b * b), 1, 10_000);
        double gram = best(() -> {
            for (int k = 0; k < calls; k++) {
                backend.gramInto(kernel, cols, rows, out);
            }
        }) / calls / ((double) b * b);
        double update = TiledCholesky.secondsPerUpdate(b) / (2.0 * b * b * b);
        return new Rates(gramEntriesPerSecond, flopsPerSecond, Math.min(1 / gram, gramEntriesPerSecond),
                Math.min(1 / update, flopsPerSecond));
    }

    /** The best of three timed runs after one warm-up, in seconds. */
    private static double best(Runnable work) {
        work.run();
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            work.run();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        return Math.max(best, 1e-9);
    }

    /**
     * What one entry of K typically costs, in flops of the factorisation, where the rates were not measured (small n):
     * an NTK entry at d = 5 on this project's CPUs takes about as long as 10 flops of dgemm.
     */
    static final double TYPICAL_FLOPS_PER_ENTRY = 10;

    /** What one entry of K costs, in flops of the factorisation's tiles: how the Gram and the factor share a progress bar. */
    public double flopsPerEntry() { return tileFlopsPerSecond / tileGramEntriesPerSecond; }

    /**
     * Seconds of the given tiled work at these rates, and of {@code predicted} entries of K for the predictions: the
     * plan's estimate and the progress's ETA before it can be measured.
     */
    public double seconds(TiledCholesky.Work work, double predicted) {
        return work.gramEntries() / tileGramEntriesPerSecond + work.flops() / tileFlopsPerSecond
                + predicted / gramEntriesPerSecond;
    }
}
