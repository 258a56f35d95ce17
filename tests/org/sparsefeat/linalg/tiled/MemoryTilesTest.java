package org.sparsefeat.linalg.tiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The in-core tiles' memory: zero, and not touched before the Gram writes it (no zeroing pass on one thread). */
class MemoryTilesTest {
    /** The process's resident memory in KiB (/proc/self/status, VmRSS). */
    private static long residentKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void theTilesAreZeroAndResidentOnlyOnceWritten() throws IOException {
        TileGrid grid = new TileGrid(8192, 2048);  // 320 MiB: the lower triangle of 4 x 4 tiles
        long bytes = grid.elements() * 8;
        long before = residentKib();
        try (MemoryTiles tiles = new MemoryTiles(grid)) {
            long grown = residentKib() - before;
            assertTrue(grown * 1024 < bytes / 8, "resident memory grew by " + grown + " KiB on allocating "
                    + (bytes >> 10) + " KiB: the tiles were touched before the Gram wrote them");
            MemorySegment last = tiles.openPanel(0, grid.count()).tile(grid.count() - 1, grid.count() - 1);
            assertEquals(0.0, last.get(ValueLayout.JAVA_DOUBLE, last.byteSize() - 8));
            assertEquals(0.0, last.get(ValueLayout.JAVA_DOUBLE, 0));
            last.set(ValueLayout.JAVA_DOUBLE, 8, 3.5);
            assertEquals(3.5, last.get(ValueLayout.JAVA_DOUBLE, 8));
        }
    }
}
