package org.sparsefeat.linalg.tiled;

import java.lang.foreign.MemorySegment;

/** The matrix to factor, tile by tile: a Gram matrix is built straight into the tiles, never as a whole. */
public interface TileSource {
    /** Writes tile (i, j), i >= j, column-major with leading dimension {@code grid.size(i)}, into {@code tile}. */
    void fill(TileGrid grid, int i, int j, MemorySegment tile);

    /** The largest diagonal entry (without the ridge): the scale of the singular-pivot test. */
    double maxDiagonal();

    /** What filling one entry costs, in floating-point operations of the factorisation: for progress and estimates. */
    double flopsPerEntry();
}
