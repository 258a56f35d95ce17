package org.sparsefeat.linalg.tiled;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where the arithmetic of a {@link TiledCholesky} runs, on tiles named by handles of type {@code T}: the host's BLAS on
 * the store's own tiles ({@link #HOST}), or a device's BLAS on copies of a panel in its memory (the CUDA backend's
 * streamed path), the finished columns streamed in from the host store and the factored ones copied back. Tiles are
 * column-major with leading dimension {@code grid.size(i)}, lower triangles, as {@link TileStore} keeps them.
 *
 * @param <T> a tile's handle: a host {@link MemorySegment}, a device address
 */
public interface TileEngine<T> {
    /** The host's OpenBLAS, on the tiles of the store's panels. */
    TileEngine<MemorySegment> HOST = new HostTileEngine();

    /**
     * The working tiles of the panel of columns [from, to): the store's {@code panel} itself, or a device copy of it
     * with {@code slots} buffers of one tile each for the finished tiles streamed in.
     */
    Work<T> open(TileStore store, TileStore.Panel panel, int from, int to, int slots);

    /**
     * A = L L^T in place (lower triangle of the n x n tile), L's diagonal into {@code pivots} (n values) for the pivot
     * test; LAPACK's info (0, or the failing 1-based pivot).
     */
    int potrf(T a, int n, double[] pivots);

    /** B := B L^{-T} for the m x n tile B and the n x n lower-triangular L. */
    void trsm(T l, int n, T b, int m);

    /** C := C - A A^T on C's lower triangle, A of n x k, C of n x n. */
    void syrkMinus(T a, int n, int k, T c);

    /** C := C - A B^T, A of m x k, B of n x k, C of m x n. */
    void gemmMinusTransposed(T a, int m, T b, int n, int k, T c);

    /**
     * Tile (i, j) of the matrix to factor, built in the host panel's tile: the source's entries, plus the ridge on the
     * diagonal of a diagonal tile. Every engine builds its tiles on the host this way.
     */
    static MemorySegment build(TileStore.Panel panel, TileSource source, TileGrid grid, int i, int j, double ridge) {
        MemorySegment t = panel.tile(i, j);
        source.fill(grid, i, j, t);
        if (i == j && ridge != 0) {
            int b = grid.size(j);
            for (int r = 0; r < b; r++) {
                long at = ((long) r * b + r) * 8;
                t.set(ValueLayout.JAVA_DOUBLE, at, t.get(ValueLayout.JAVA_DOUBLE, at) + ridge);
            }
        }
        return t;
    }

    /** The working tiles of one panel. */
    interface Work<T> extends AutoCloseable {
        /** Tile (i, j) of the panel. */
        T tile(int i, int j);

        /** Fills tile (i, j) of the panel with the source's entries, plus {@code ridge} on the diagonal when i == j. */
        void fill(TileSource source, int i, int j, double ridge);

        /**
         * The updates from finished column j (left of the panel) come next, in increasing j: a device fetches the
         * column's tiles from the panel's first row down (and may start on the next column's).
         */
        default void startColumn(int j) {}

        /**
         * Finished tile (i, j), i at or below the panel's first row, of the column last started, in buffer {@code slot}
         * where it is not resident.
         */
        T finished(int i, int j, int slot);

        /** Column j of the panel is factored: make the store's panel hold it, then let the store keep it. */
        void finish(int j);

        @Override
        void close();
    }
}
