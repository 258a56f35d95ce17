package org.sparsefeat.linalg.tiled;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.sparsefeat.ffm.FreshMemory;

/**
 * The whole tiled lower triangle in native memory (off the Java heap, so that n is bounded by RAM and not by a Java
 * array's 2^31 entries): the in-core store. One panel covers every column.
 */
public final class MemoryTiles implements TileStore {
    private final TileGrid grid;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment all;
    private final Panel panel;

    public MemoryTiles(TileGrid grid) {
        this.grid = grid;
        // fresh pages, not zeroed first: the Gram writes every entry, and its writes fault the pages in (huge where
        // the system gives them)
        this.all = FreshMemory.allocate(arena, grid.elements() * 8, "the tiled kernel matrix");
        this.panel = new Panel() {
            @Override
            public MemorySegment tile(int i, int j) { return resident(i, j); }

            @Override
            public MemorySegment column(int j) {
                return all.asSlice(grid.offset(j, j) * 8, grid.elementsInColumns(j, j + 1) * 8);
            }

            @Override
            public void close() {}
        };
    }

    private MemorySegment resident(int i, int j) { return all.asSlice(grid.offset(i, j) * 8, grid.elements(i, j) * 8); }

    @Override
    public TileGrid grid() { return grid; }

    @Override
    public int finishedColumns() { return 0; }

    @Override
    public Panel openPanel(int from, int to) { return panel; }

    @Override
    public MemorySegment finished(int i, int j, MemorySegment buffer) { return resident(i, j); }

    @Override
    public MemorySegment finishedColumn(int j, int from, MemorySegment buffer) {
        return all.asSlice(grid.offset(from, j) * 8, (long) (grid.n() - grid.start(from)) * grid.size(j) * 8);
    }

    @Override
    public void finish(Panel p, int j) {}

    @Override
    public long bufferElements() { return 0; }

    @Override
    public void close() { arena.close(); }
}
