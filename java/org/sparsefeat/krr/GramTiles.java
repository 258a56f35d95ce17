package org.sparsefeat.krr;

import java.lang.foreign.MemorySegment;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TileSource;

/**
 * K(X, X) tile by tile from the backend, never whole: tile (i, j) is K(X_j, X_i) row-major, which is K(X_i, X_j)
 * column-major, the tiles' layout.
 */
final class GramTiles implements TileSource {
    /** Points per block of the diagonal's computation. */
    private static final int DIAGONAL_BLOCK = 64;

    private final Backend backend;
    private final Kernel kernel;
    private final Matrix x;
    private final double flopsPerEntry;
    private long nanos;

    GramTiles(Backend backend, Kernel kernel, Matrix x, double flopsPerEntry) {
        this.backend = backend;
        this.kernel = kernel;
        this.x = x;
        this.flopsPerEntry = flopsPerEntry;
    }

    /**
     * Straight into the tile (the backend's threads write it where it lies: its first touch, spread over them); a
     * diagonal tile from the same points on both sides, as the dense Gram's: K(x, x) exactly as there (an NTK's
     * arccos at x.x / |x|^2 = 1 + eps would be off by sqrt(eps)), and symmetric.
     */
    @Override
    public void fill(TileGrid grid, int i, int j, MemorySegment tile) {
        long t0 = System.nanoTime();
        Matrix rows = x.rowRange(grid.start(i), grid.start(i) + grid.size(i));
        Matrix cols = i == j ? rows : x.rowRange(grid.start(j), grid.start(j) + grid.size(j));
        backend.gramInto(kernel, cols, rows, tile);
        nanos += System.nanoTime() - t0;
    }

    /** Seconds spent in {@link #fill} so far. */
    double seconds() { return nanos * 1e-9; }

    /** The largest K(x_i, x_i), from small diagonal blocks (a few per cent of one tile's work). */
    @Override
    public double maxDiagonal() {
        double max = 0;
        for (int r0 = 0; r0 < x.rows(); r0 += DIAGONAL_BLOCK) {
            Matrix block = x.rowRange(r0, Math.min(x.rows(), r0 + DIAGONAL_BLOCK));
            for (double v : backend.gram(kernel, block, block).diagonal()) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    @Override
    public double flopsPerEntry() { return flopsPerEntry; }
}
