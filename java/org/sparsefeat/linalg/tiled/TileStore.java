package org.sparsefeat.linalg.tiled;

import java.lang.foreign.MemorySegment;

/**
 * Where the tiles of a tiled Cholesky factorisation live while it runs and after: in memory ({@link MemoryTiles}) or
 * in a scratch file with a journal ({@link ScratchTiles}). The factorisation works on a panel of consecutive tile
 * columns at a time; tiles of the finished columns on its left are fetched one by one.
 */
public interface TileStore extends AutoCloseable {
    TileGrid grid();

    /** Tile columns [0, c) already hold the factor (a resumed factorisation starts at c). */
    int finishedColumns();

    /** Working memory for the tiles of columns [from, to); closing it frees that memory. */
    Panel openPanel(int from, int to);

    /**
     * Tile (i, j) of a finished column: {@code buffer} filled with it (at least {@link TileGrid#elements} doubles),
     * or the tile itself where it is resident.
     */
    MemorySegment finished(int i, int j, MemorySegment buffer);

    /**
     * Tiles (from, j) to (last, j) of a finished column, consecutive as in {@link TileGrid}'s packed order: {@code
     * buffer} filled with them (at least {@code (n - start(from)) * size(j)} doubles), or the store's own memory where
     * it is resident. A device streams a column at a time.
     */
    MemorySegment finishedColumn(int j, int from, MemorySegment buffer);

    /** Column j of {@code panel} now holds the factor: keep it (to disk, for a scratch store). */
    void finish(Panel panel, int j);

    /** Doubles a caller needs for a buffer of {@link #finished} (0 where tiles are resident). */
    long bufferElements();

    @Override
    void close();

    /** The tiles of a few consecutive columns, in memory. */
    interface Panel extends AutoCloseable {
        /** Tile (i, j) of the panel, column-major, leading dimension {@code grid().size(i)}. */
        MemorySegment tile(int i, int j);

        /** Column j's tiles, (j, j) to (last, j): consecutive in memory, as in {@link TileGrid}'s packed order. */
        MemorySegment column(int j);

        @Override
        void close();
    }
}
