package org.sparsefeat.linalg.tiled;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.sparsefeat.util.OutOfMemoryMessages;

/** {@link TileEngine#HOST}: OpenBLAS on the store's tiles, the finished ones read into host buffers where not resident. */
final class HostTileEngine implements TileEngine<MemorySegment> {
    @Override
    public Work<MemorySegment> open(TileStore store, TileStore.Panel panel, int from, int to, int slots) {
        TileGrid grid = store.grid();
        Arena arena = Arena.ofConfined();
        MemorySegment[] buffers = new MemorySegment[store.bufferElements() == 0 ? 0 : slots];
        try {
            for (int s = 0; s < buffers.length; s++) {
                buffers[s] = OutOfMemoryMessages.allocate(arena, store.bufferElements() * 8, "a tile buffer");
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        return new Work<>() {
            @Override
            public MemorySegment tile(int i, int j) { return panel.tile(i, j); }

            @Override
            public void fill(TileSource source, int i, int j, double ridge) {
                TileEngine.build(panel, source, grid, i, j, ridge);
            }

            @Override
            public MemorySegment finished(int i, int j, int slot) {
                return store.finished(i, j, buffers.length == 0 ? null : buffers[slot]);
            }

            @Override
            public void finish(int j) { store.finish(panel, j); }

            @Override
            public void close() { arena.close(); }
        };
    }

    @Override
    public int potrf(MemorySegment a, int n, double[] pivots) {
        int info = TileBlas.potrf(a, n);
        for (int r = 0; r < n; r++) {
            pivots[r] = a.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) r * n + r);
        }
        return info;
    }

    @Override
    public void trsm(MemorySegment l, int n, MemorySegment b, int m) { TileBlas.trsmRightLowerTransposed(l, n, b, m); }

    @Override
    public void syrkMinus(MemorySegment a, int n, int k, MemorySegment c) { TileBlas.syrkMinus(a, n, k, c); }

    @Override
    public void gemmMinusTransposed(MemorySegment a, int m, MemorySegment b, int n, int k, MemorySegment c) {
        TileBlas.gemmMinusTransposed(a, m, b, n, k, c);
    }
}
