package org.sparsefeat.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.sparsefeat.linalg.tiled.TileEngine;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TileSource;
import org.sparsefeat.linalg.tiled.TileStore;
import org.sparsefeat.util.OutOfMemoryMessages;

/**
 * The tiled Cholesky's arithmetic on the GPU, for a kernel matrix larger than device memory: a panel of tile columns
 * is copied to the device (built on the host, then uploaded), the finished tiles on its left are streamed in one by one
 * from the host store (memory or scratch file), cuBLAS's DGEMM / DSYRK / DTRSM do the updates in device memory, and
 * each factored column is copied back to the store. The diagonal tiles are factored by LAPACK on the host (a tile of
 * 2048 is a few milliseconds, a small share of its column's work), so that the pivot test is the CPU path's exactly.
 * Copies are synchronous on the device's one stream: overlapping them with the updates (a second stream, pinned host
 * buffers) is the next step, once a device has measured what they cost.
 */
final class DeviceTileEngine implements TileEngine<Long> {
    private final Device dev;
    private final CudaBlas blas;
    private final DeviceLinalg linalg;

    DeviceTileEngine(Device dev, CudaBlas blas, DeviceLinalg linalg) {
        this.dev = dev;
        this.blas = blas;
        this.linalg = linalg;
    }

    @Override
    public long workBytes(TileGrid grid, int from, int to, int slots) {
        return (grid.elementsInColumns(from, to) + (long) slots * grid.tile() * grid.tile()) * DeviceArray.BYTES;
    }

    @Override
    public Work<Long> open(TileStore store, TileStore.Panel panel, int from, int to, int slots) {
        TileGrid grid = store.grid();
        long base = grid.offset(from, from);
        long tileElements = (long) grid.tile() * grid.tile();
        DeviceArray tiles = DeviceArray.allocate(dev, "a panel of tile columns " + from + ".." + (to - 1),
                grid.elementsInColumns(from, to));
        DeviceArray buffers = null;
        Arena arena = Arena.ofConfined();
        try {
            buffers = slots == 0 ? null : DeviceArray.allocate(dev, "the streamed tile buffers", slots * tileElements);
            MemorySegment host = store.bufferElements() == 0 || slots == 0 ? null
                    : OutOfMemoryMessages.allocate(arena, store.bufferElements() * 8, "a tile buffer");
            DeviceArray streamed = buffers;
            return new Work<>() {
                @Override
                public Long tile(int i, int j) { return tiles.at(grid.offset(i, j) - base); }

                @Override
                public void fill(TileSource source, int i, int j, double ridge) {
                    MemorySegment t = panel.tile(i, j);
                    source.fill(grid, i, j, t);
                    if (i == j && ridge != 0) {
                        TileEngine.addDiagonal(t, grid.size(j), ridge);
                    }
                    dev.copyToDevice(tile(i, j), t);
                }

                @Override
                public Long finished(int i, int j, int slot) {
                    long at = streamed.at(slot * tileElements);
                    dev.copyToDevice(at, store.finished(i, j, host));
                    return at;
                }

                @Override
                public void finish(int j) {
                    dev.copyToHost(panel.column(j), tile(j, j));
                    store.finish(panel, j);
                }

                @Override
                public void close() {
                    tiles.close();
                    if (streamed != null) {
                        streamed.close();
                    }
                    arena.close();
                }
            };
        } catch (RuntimeException e) {
            tiles.close();
            if (buffers != null) {
                buffers.close();
            }
            arena.close();
            throw e;
        }
    }

    /** Downloaded, factored by LAPACK on the host, uploaded: the CPU path's pivots and verdicts. */
    @Override
    public int potrf(Work<Long> work, Long a, int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = OutOfMemoryMessages.allocate(arena, (long) n * n * 8, "a diagonal tile");
            dev.copyToHost(t, a);
            int info = TileEngine.HOST.potrf(null, t, n);
            dev.copyToDevice(a, t);
            return info;
        }
    }

    @Override
    public double[] diagonal(Long a, int n) {
        return linalg.diagonal(new DeviceArray(dev, a, (long) n * n), n);
    }

    @Override
    public void trsm(Long l, int n, Long b, int m) {
        blas.trsm(CudaBlas.SIDE_RIGHT, CudaBlas.LOWER, CudaBlas.OP_T, m, n, l, n, b, m);
    }

    @Override
    public void syrkMinus(Long a, int n, int k, Long c) {
        blas.syrk(CudaBlas.LOWER, CudaBlas.OP_N, n, k, -1.0, a, n, 1.0, c, n);
    }

    @Override
    public void gemmMinusTransposed(Long a, int m, Long b, int n, int k, Long c) {
        blas.gemm(CudaBlas.OP_N, CudaBlas.OP_T, m, n, k, -1.0, a, m, b, n, 1.0, c, m);
    }
}
