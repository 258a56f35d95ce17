package org.sparsefeat.linalg.tiled;

/**
 * The square tiles of an n x n symmetric matrix's lower triangle: tile row and column t cover indices
 * [t b, min(n, (t + 1) b)). Tile (i, j), i >= j, is stored column-major with leading dimension size(i); tiles are
 * packed column after column ((0,0), (1,0), ..., (1,1), (2,1), ...), the order in which the factor is finished, so
 * that a scratch file grows from its start.
 *
 * @param n    the matrix order
 * @param tile b, the tile order (the last tile row and column may be smaller)
 */
public record TileGrid(int n, int tile) {
    public TileGrid {
        if (n < 1 || tile < 1) {
            throw new IllegalArgumentException("a tile grid needs n >= 1 and a tile >= 1, got n = " + n + ", tile = " + tile);
        }
    }

    /** Tile rows (and columns). */
    public int count() { return (n + tile - 1) / tile; }

    /** The first index of tile row t. */
    public int start(int t) { return t * tile; }

    /** The rows of tile row t. */
    public int size(int t) { return Math.min(n, (t + 1) * tile) - t * tile; }

    /** Doubles in tile (i, j). */
    public long elements(int i, int j) { return (long) size(i) * size(j); }

    /** Doubles in tiles (i, j) for j in [from, to), i >= j: the part of the lower triangle in those tile columns. */
    public long elementsInColumns(int from, int to) {
        long e = 0;
        for (int j = from; j < to; j++) {
            e += (long) (n - start(j)) * size(j);
        }
        return e;
    }

    /** Doubles in the whole tiled lower triangle. */
    public long elements() { return elementsInColumns(0, count()); }

    /** The offset of tile (i, j), i >= j, in the packed order, in doubles. */
    public long offset(int i, int j) {
        return elementsInColumns(0, j) + (long) (start(i) - start(j)) * size(j);
    }

    /** Floating-point operations of the Cholesky factorisation, n^3 / 3. */
    public double choleskyFlops() { return (double) n * n * n / 3; }
}
