package org.sparsefeat.linalg.tiled;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.sparsefeat.util.OutOfMemoryMessages;

/**
 * A finished tiled factor L and what KRR asks of it: the solve (L L^T)^{-1} b and the product L (L^T x). Each is
 * one or two passes over the tile columns, reading every tile once per pass (from memory or the scratch file), so
 * that a factor larger than memory serves as well as one in it. Between two tile columns each asks its monitor whether
 * to stop (out of core a pass reads the whole scratch file: seconds).
 */
public final class TiledFactor implements AutoCloseable {
    private final TileStore store;
    private final TileGrid grid;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final Monitor monitor;

    /** @param store a store whose every column is finished; closing this closes it */
    public TiledFactor(TileStore store) { this(store, Monitor.NONE); }

    /** As above, asking {@code monitor} between two tile columns whether to stop ({@link Monitor.Stopped}). */
    public TiledFactor(TileStore store, Monitor monitor) {
        this.store = store;
        this.monitor = monitor;
        this.grid = store.grid();
        this.buffer = store.bufferElements() == 0 ? null
                : OutOfMemoryMessages.allocate(arena, store.bufferElements() * 8, "a tile buffer");
    }

    public TileStore store() { return store; }

    public int size() { return grid.n(); }

    /** (L L^T)^{-1} b, a new array. */
    public double[] solve(double[] b) {
        requireLength(b);
        double[] x = b.clone();
        int nt = grid.count();
        for (int k = 0; k < nt; k++) {  // L z = b, column by column
            checkStop();
            TileBlas.trsv(tile(k, k), grid.size(k), false, x, grid.start(k));
            for (int i = k + 1; i < nt; i++) {
                TileBlas.gemv(-1, tile(i, k), grid.size(i), grid.size(k), false, x, grid.start(k), x, grid.start(i));
            }
        }
        for (int k = nt - 1; k >= 0; k--) {  // L^T c = z, from the last column back
            checkStop();
            for (int i = k + 1; i < nt; i++) {
                TileBlas.gemv(-1, tile(i, k), grid.size(i), grid.size(k), true, x, grid.start(i), x, grid.start(k));
            }
            TileBlas.trsv(tile(k, k), grid.size(k), true, x, grid.start(k));
        }
        return x;
    }

    /** L (L^T x), a new array: the factored matrix times x. */
    public double[] multiply(double[] x) {
        requireLength(x);
        int nt = grid.count();
        double[] w = new double[grid.n()];
        for (int k = 0; k < nt; k++) {  // w = L^T x: block k is sum over i >= k of L(i, k)^T x_i
            checkStop();
            System.arraycopy(x, grid.start(k), w, grid.start(k), grid.size(k));
            TileBlas.trmv(tile(k, k), grid.size(k), true, w, grid.start(k));
            for (int i = k + 1; i < nt; i++) {
                TileBlas.gemv(1, tile(i, k), grid.size(i), grid.size(k), true, x, grid.start(i), w, grid.start(k));
            }
        }
        double[] y = new double[grid.n()];
        double[] part = new double[grid.tile()];
        for (int k = 0; k < nt; k++) {  // y = L w: column k adds L(i, k) w_k to block i >= k
            checkStop();
            System.arraycopy(w, grid.start(k), part, 0, grid.size(k));
            TileBlas.trmv(tile(k, k), grid.size(k), false, part, 0);
            for (int r = 0; r < grid.size(k); r++) {
                y[grid.start(k) + r] += part[r];
            }
            for (int i = k + 1; i < nt; i++) {
                TileBlas.gemv(1, tile(i, k), grid.size(i), grid.size(k), false, w, grid.start(k), y, grid.start(i));
            }
        }
        return y;
    }

    private void checkStop() {
        if (monitor.stopRequested()) {
            throw new Monitor.Stopped();
        }
    }

    private MemorySegment tile(int i, int j) { return store.finished(i, j, buffer); }

    private void requireLength(double[] v) {
        if (v.length != grid.n()) {
            throw new IllegalArgumentException("a vector of " + v.length + " values for a factor of order " + grid.n());
        }
    }

    @Override
    public void close() {
        arena.close();
        store.close();
    }
}
