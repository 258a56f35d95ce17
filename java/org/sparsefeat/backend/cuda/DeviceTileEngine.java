package org.sparsefeat.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.sparsefeat.linalg.tiled.TileEngine;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TileSource;
import org.sparsefeat.linalg.tiled.TileStore;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OutOfMemoryMessages;

/**
 * The tiled Cholesky's arithmetic on the GPU, for a kernel matrix larger than device memory: a panel of tile columns
 * is copied to the device (built on the host, then uploaded), the finished columns on its left are streamed in one at
 * a time from the host store (memory or scratch file), their tiles from the panel's first row down, cuBLAS's DGEMM /
 * DSYRK / DTRSM do the updates in device memory, and each factored column is copied back to the store. The diagonal
 * tiles are factored by LAPACK on the host (a tile of 2048 is a few milliseconds, a small share of its column's work),
 * so that the pivot test is the CPU path's exactly.
 *
 * <p>Two ways to stream ({@link #COPIES_PROPERTY}): {@code sync}, the default, copies a column on the work stream
 * before its updates; {@code overlap} copies the next column on a second stream from page-locked host memory while
 * the updates from the current one run, events ordering the two (the work waits for its column, a buffer is refilled
 * only after the work that reads it). The device check times both; the faster becomes the default once a device has
 * measured them.
 */
final class DeviceTileEngine implements TileEngine<Long> {
    /** "sync" (the default) or "overlap": how finished columns reach the device. */
    static final String COPIES_PROPERTY = "sparsefeat.cuda.streamCopies";

    private final Device dev;
    private final CudaBlas blas;
    private final boolean overlap;

    DeviceTileEngine(Device dev, CudaBlas blas) {
        this.dev = dev;
        this.blas = blas;
        String copies = System.getProperty(COPIES_PROPERTY, "sync").trim();
        if (!copies.equals("sync") && !copies.equals("overlap")) {
            throw new InvalidInputException("-D" + COPIES_PROPERTY + " must be sync or overlap, got '" + copies + "'");
        }
        this.overlap = copies.equals("overlap");
    }

    /** How this engine streams: "sync" or "overlap", for the device check's rows. */
    String copies() { return overlap ? "overlap" : "sync"; }

    @Override
    public Work<Long> open(TileStore store, TileStore.Panel panel, int from, int to, int slots) {
        return new DeviceWork(store, panel, from, to);
    }

    /** A panel in device memory, with two buffers for the finished columns streamed in. */
    private final class DeviceWork implements Work<Long> {
        private final TileStore store;
        private final TileStore.Panel panel;
        private final TileGrid grid;
        private final int from;
        private final long base;
        private final DeviceArray tiles;
        private final DeviceArray[] columns = new DeviceArray[2];
        private final Arena arena = Arena.ofConfined();
        private MemorySegment host;                            // sync: the store's column is read here
        private final Device.Pinned[] pinned = new Device.Pinned[2];
        private final Device.Event[] copied = new Device.Event[2];
        private final Device.Event[] consumed = new Device.Event[2];
        private Device.CopyStream stream;

        DeviceWork(TileStore store, TileStore.Panel panel, int from, int to) {
            this.store = store;
            this.panel = panel;
            this.grid = store.grid();
            this.from = from;
            this.base = grid.offset(from, from);
            this.tiles = DeviceArray.allocate(dev, "a panel of tile columns " + from + ".." + (to - 1),
                    grid.elementsInColumns(from, to));
            try {
                if (from > 0) {
                    long column = (long) (grid.n() - grid.start(from)) * grid.tile();
                    for (int b = 0; b < 2; b++) {
                        columns[b] = DeviceArray.allocate(dev, "a finished tile column", column);
                    }
                    if (overlap) {
                        stream = dev.copyStream();
                        for (int b = 0; b < 2; b++) {
                            pinned[b] = dev.allocatePinned("a finished tile column", column * 8);
                        }
                    } else if (store.bufferElements() > 0) {
                        host = OutOfMemoryMessages.allocate(arena, column * 8, "a finished tile column");
                    }
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public Long tile(int i, int j) { return tiles.at(grid.offset(i, j) - base); }

        @Override
        public void fill(TileSource source, int i, int j, double ridge) {
            dev.copyToDevice(tile(i, j), TileEngine.build(panel, source, grid, i, j, ridge));
        }

        @Override
        public void startColumn(int j) {
            if (!overlap) {
                dev.copyToDevice(columns[j % 2].address(), store.finishedColumn(j, from, host));
                return;
            }
            if (j == 0) {
                load(0);
            }
            dev.workWaitsFor(copied[j % 2]);
            if (j + 1 < from) {
                int next = (j + 1) % 2;
                consumed[next] = dev.recordWork();  // after the updates from column j - 1, the last to read that buffer
                load(j + 1);
            }
        }

        /** Column c into page-locked buffer c % 2, once its last copy is done, then onto the copy stream. */
        private void load(int c) {
            int b = c % 2;
            if (copied[b] != null) {
                copied[b].synchronize();
                copied[b].close();
                copied[b] = null;
            }
            MemorySegment buffer = pinned[b].segment();
            MemorySegment src = store.finishedColumn(c, from, buffer);
            MemorySegment bytes = buffer.asSlice(0, src.byteSize());
            if (src.address() != buffer.address()) {  // resident tiles: into page-locked memory first
                MemorySegment.copy(src, 0, bytes, 0, src.byteSize());
            }
            if (consumed[b] != null) {
                stream.waitFor(consumed[b]);
                consumed[b].close();
                consumed[b] = null;
            }
            stream.copyToDevice(columns[b].address(), bytes);
            copied[b] = stream.record();
        }

        @Override
        public Long finished(int i, int j, int slot) {
            return columns[j % 2].at(grid.offset(i, j) - grid.offset(from, j));
        }

        @Override
        public void finish(int j) {
            dev.copyToHost(panel.column(j), tile(j, j));
            store.finish(panel, j);
        }

        @Override
        public void close() {
            if (stream != null) {
                stream.synchronize();  // no copy may still read page-locked memory or write device memory we free
            }
            for (int b = 0; b < 2; b++) {
                if (copied[b] != null) {
                    copied[b].close();
                }
                if (consumed[b] != null) {
                    consumed[b].close();
                }
                if (pinned[b] != null) {
                    pinned[b].close();
                }
                if (columns[b] != null) {
                    columns[b].close();
                }
            }
            if (stream != null) {
                stream.close();
            }
            tiles.close();
            arena.close();
        }
    }

    /** Downloaded, factored by LAPACK on the host, uploaded: the CPU path's pivots and verdicts. */
    @Override
    public int potrf(Long a, int n, double[] pivots) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = OutOfMemoryMessages.allocate(arena, (long) n * n * 8, "a diagonal tile");
            dev.copyToHost(t, a);
            int info = TileEngine.HOST.potrf(t, n, pivots);
            dev.copyToDevice(a, t);
            return info;
        }
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
