package org.sparsefeat.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.linalg.tiled.ScratchTiles;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TileSource;
import org.sparsefeat.linalg.tiled.TiledCholesky;

/**
 * The out of core factorisation ({@code full} only): the tiled Cholesky into a journaled scratch file in the
 * system's temporary directory, with memory for half the matrix (several panels), as krr does when K does not fit.
 */
final class OutOfCore implements HotPath.Case {
    private final TileSource source;
    private final TileGrid grid;
    private final Path dir;

    private OutOfCore(TileSource source, TileGrid grid, Path dir) {
        this.source = source;
        this.grid = grid;
        this.dir = dir;
    }

    static HotPath.Case open(Backend b, int n) {
        Matrix k = b.gramLower(HotPath.NTK, HotPath.points(n, HotPath.D));
        k.mirrorLowerToUpper();
        try {
            return new OutOfCore(HotPath.source(k), new TileGrid(n, HotPath.tile(n)),
                    Files.createTempDirectory("sparsefeat-bench"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void run() {
        try (ScratchTiles store = ScratchTiles.open(dir.resolve("factor"), grid, "bench")) {
            TiledCholesky.factor(store, source, HotPath.RIDGE, TiledCholesky.panels(grid, 0, grid.elements() / 2,
                    store.bufferElements()), Monitor.NONE);
            store.delete();
        }
    }

    @Override
    public void close() {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
