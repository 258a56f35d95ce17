package org.sparsefeat.krr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TiledCholesky;
import org.sparsefeat.util.Bytes;
import org.sparsefeat.util.Durations;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.MachineMemory;

/**
 * Where a KRR fit's kernel matrix will live, decided before any work and kept: the fastest place that fits.
 * <ol>
 *   <li>{@code device}: a backend that factors in its own memory (the GPU) keeps its path;</li>
 *   <li>{@code heap}: the whole n x n matrix in one Java array and LAPACK's dpotrf, up to n = 16 384 where it fits the
 *       heap and the budget;</li>
 *   <li>{@code tiles}: the lower triangle in tiles of native memory, bounded by RAM, not by Java's arrays;</li>
 *   <li>{@code scratch}: the tiles in a scratch file, as many columns in memory as the budget holds, journaled and
 *       resumable, bounded by disk (also whenever a scratch directory is given).</li>
 * </ol>
 * When neither the budget nor the disk suffices the plan is refused, naming what is needed and what is available.
 *
 * @param budget           bytes the fit may hold: the kernel matrix or its panels, and their buffers (the test predictions
 *                         take blocks of at most {@code Backend.GRAM_TIMES_BYTES} on top)
 * @param budgetSource     "given" or how the default was found
 * @param scratch          the scratch directory (scratch mode), else null
 * @param scratchFree      free bytes where the scratch directory is, or -1
 * @param panels           panels of tile columns held in memory one after the other (scratch mode), else 1
 * @param estimatedSeconds Gram, factorisation and predictions at the measured {@link Rates}; NaN on a device
 */
public record MemoryPlan(String mode, int n, int tile, long matrixBytes, long budget, String budgetSource, Path scratch,
        long scratchFree, int panels, double estimatedSeconds) {
    /** The default budget: this share of what the machine has available, less a reserve. */
    static final double DEFAULT_SHARE = 0.8;
    static final long RESERVE = 256L << 20;
    /** The default tile order: large enough for dgemm's full speed, small enough for a fine journal. */
    static final int DEFAULT_TILE = 2048;
    /** Tiles of work space beside the panels: a Gram tile on the Java heap before it is copied, a solve's buffer. */
    static final int WORK_TILES = 2;

    /**
     * The largest n of the heap path: a dense K of 2 GiB. Beyond it the tiles are as fast (measured at n = 16 384 and
     * 32 768: BENCHMARKS.md, section 9) and their native memory goes back to the system after the fit, where a Java
     * heap grown for a large array stays grown for the rest of a sweep.
     */
    static final int HEAP_MAX_N = 16_384;

    /**
     * @param onDevice    whether the backend factors in its own memory
     * @param fingerprint names the problem, for the scratch directory's name (a rerun finds its journal)
     */
    static MemoryPlan make(int n, int nTest, boolean onDevice, KrrResources resources, String fingerprint, Rates rates) {
        return make(n, nTest, onDevice, resources, fingerprint, rates, MemoryPlan::usableSpace);
    }

    /** As above, with the free space of the scratch directory's file system from {@code freeSpace} (-1: unknown). */
    static MemoryPlan make(int n, int nTest, boolean onDevice, KrrResources resources, String fingerprint, Rates rates,
            ToLongFunction<Path> freeSpace) {
        long budget;
        String source;
        if (resources.memory() != null) {
            budget = resources.memory();
            source = "given";
        } else {
            long available = MachineMemory.available().orElse(Runtime.getRuntime().maxMemory());
            budget = Math.max(64L << 20, (long) (DEFAULT_SHARE * available) - RESERVE);
            source = String.format(Locale.ROOT, "default: %.0f%% of the %s available", 100 * DEFAULT_SHARE,
                    Bytes.format(available));
        }
        long dense = (long) n * n * 8;
        double estimate = rates == null ? Double.NaN
                : ((double) n * n / 2 + (double) n * nTest) / rates.gramEntriesPerSecond()
                        + (double) n * n * n / 3 / rates.flopsPerSecond();
        if (onDevice && resources.scratch() == null && resources.memory() == null) {
            return new MemoryPlan("device", n, 0, dense, budget, source, null, -1, 1, Double.NaN);
        }
        if (resources.scratch() == null && n <= HEAP_MAX_N && dense <= budget
                && dense * 1.25 <= MachineMemory.heapFree() && resources.tile() == 0) {
            return new MemoryPlan("heap", n, 0, dense, budget, source, null, -1, 1, estimate);
        }
        int tile = resources.tile() > 0 ? Math.min(resources.tile(), n) : Math.min(DEFAULT_TILE, n);
        TileGrid grid = new TileGrid(n, tile);
        long tiled = grid.elements() * 8;
        long work = work(tile);
        if (resources.scratch() == null && tiled + work <= budget) {
            return new MemoryPlan("tiles", n, tile, tiled, budget, source, null, -1, 1, estimate);
        }
        // out of core: shrink a default tile until a column fits with room for a few panels
        if (resources.tile() == 0) {
            while (tile > 64 && columnBytes(n, tile) * 4 + work(tile) > budget) {
                tile /= 2;
            }
            grid = new TileGrid(n, tile);
            tiled = grid.elements() * 8;
            work = work(tile);
        }
        long panelBudget = (budget - work) / 8;
        if (panelBudget < TiledCholesky.panelElements(grid, 1, 2, (long) tile * tile) || tile > n) {
            long need = TiledCholesky.panelElements(grid, 1, 2, (long) tile * tile) * 8 + work;
            throw new InvalidInputException("{memory} " + Bytes.format(budget) + " (" + source + ") cannot hold one column"
                    + " of tiles of the kernel matrix (n = " + n + ", tile " + tile + ": " + Bytes.format(need)
                    + "); give {memory} at least that" + (resources.tile() > 0 ? " or a smaller {tile}" : ""));
        }
        int panels = TiledCholesky.panels(grid, panelBudget, (long) tile * tile).size();
        Path dir = scratchDirectory(resources.scratch(), fingerprint);
        long free = freeSpace.applyAsLong(dir);
        long have = existingFactorBytes(dir);
        if (free >= 0 && free + have < tiled) {
            throw new InvalidInputException("the kernel matrix (n = " + n + ") needs " + Bytes.format(tiled) + ": {memory} "
                    + Bytes.format(budget) + " (" + source + ") cannot hold it and the scratch directory " + dir.getParent()
                    + " has " + Bytes.format(free) + " free; give {scratch} a directory with more free space, or a"
                    + " smaller n");
        }
        return new MemoryPlan("scratch", n, tile, tiled, budget, source, dir, free, panels, estimate);
    }

    private static long work(int tile) { return (long) WORK_TILES * tile * tile * 8; }

    /** The bytes of one full-height tile column: the out-of-core panels' unit. */
    private static long columnBytes(int n, int tile) { return (long) n * tile * 8; }

    /** {@code DIR/sparsefeat-krr-<fingerprint>}, DIR the given directory or the system's temporary one. */
    static Path scratchDirectory(Path given, String fingerprint) {
        Path parent = given != null ? given : Path.of(System.getProperty("java.io.tmpdir"));
        return parent.toAbsolutePath().resolve("sparsefeat-krr-" + fingerprint.substring(0, 16));
    }

    private static long usableSpace(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Files.getFileStore(p).getUsableSpace();
                } catch (IOException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static long existingFactorBytes(Path dir) {
        try {
            Path f = dir.resolve("factor.f64");
            return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Panels of columns for the factorisation, from the budget. */
    java.util.List<int[]> panelsFor(TileGrid grid, long bufferElements) {
        if (!mode.equals("scratch")) {
            return java.util.List.of(new int[] {0, grid.count()});
        }
        return TiledCholesky.panels(grid, (budget - work(tile)) / 8, bufferElements);
    }

    /** One line for a person: the plan, before any work. */
    public String line() {
        StringBuilder s = new StringBuilder("memory plan: K needs ").append(Bytes.format(matrixBytes)).append(" (n = ")
                .append(n).append(mode.equals("heap") || mode.equals("device") ? ", n x n float64" : ", float64 lower"
                        + " triangle in tiles of " + tile).append("); budget ").append(Bytes.format(budget)).append(" (")
                .append(budgetSource).append("); ");
        s.append(switch (mode) {
            case "device" -> "factored in the backend's device memory";
            case "heap" -> "in core, one Java array";
            case "tiles" -> "in core, tiles in native memory";
            default -> "out of core, " + panels + " panel" + (panels == 1 ? "" : "s") + " of tile columns, scratch "
                    + Bytes.format(matrixBytes) + " in " + scratch + (scratchFree >= 0 ? " (" + Bytes.format(scratchFree)
                    + " free)" : "");
        });
        if (Double.isFinite(estimatedSeconds)) {
            s.append("; estimate ").append(Durations.format(estimatedSeconds));
        }
        return s.toString();
    }

    /** The plan as a result file records it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode);
        m.put("matrix_bytes", matrixBytes);
        m.put("budget_bytes", budget);
        m.put("budget", budgetSource);
        if (tile > 0) {
            m.put("tile", tile);
        }
        if (scratch != null) {
            m.put("scratch", scratch.toString());
            m.put("panels", panels);
        }
        m.put("estimated_seconds", Double.isFinite(estimatedSeconds) ? estimatedSeconds : null);
        return m;
    }
}
