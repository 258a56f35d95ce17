package org.sparsefeat.krr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import org.sparsefeat.linalg.tiled.ScratchTiles;
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
 *   <li>{@code tiles}: the lower triangle in tiles of native memory, bounded by RAM, not by Java's arrays: at every n
 *       where it fits, small n included (one tile up to n = 2048), since it is also the fastest in-core path (its
 *       Gram is built tile by tile into memory allocated once; measured against one n x n Java array and LAPACK's
 *       dpotrf: BENCHMARKS.md, section 9), and it stops between two tile operations and reports its progress;</li>
 *   <li>{@code scratch}: the tiles in a scratch file, as many columns in memory as the budget holds, journaled and
 *       resumable, bounded by disk (also whenever a scratch directory is given, and whenever the scratch directory
 *       holds a stopped run's journal of the same problem: that run is resumed).</li>
 * </ol>
 * When neither the budget nor the disk suffices the plan is refused, naming what is needed and what is available.
 *
 * <p>For one tile order, tiles and scratch give the same bits whatever the budget and the resume point (the same BLAS
 * calls reach every tile). Another tile order agrees with them to rounding, not bit for bit: so a default plan, whose
 * tile order can shrink with the memory available, can differ in the last bits between machines.
 *
 * @param budget           bytes the fit may hold: the kernel matrix or its panels, and their buffers (the test predictions
 *                         need no K; at image-sized d on the CPU, blocks of at most {@code Backend.GRAM_TIMES_BYTES}
 *                         come on top)
 * @param budgetSource     "given" or how the default was found
 * @param scratch          the scratch directory (scratch mode), else null
 * @param scratchFree      free bytes where the scratch directory is, or -1
 * @param panels           panels of tile columns held in memory one after the other (scratch mode), else 1
 * @param resumeColumns    tile columns a stopped run finished, which this one resumes after (scratch mode), else 0
 * @param deviceBudget     bytes of device memory the tiles streamed through the device may use (tiles or scratch mode
 *                         on a backend that streams), else -1
 * @param estimatedSeconds Gram, factorisation and predictions at the measured {@link Rates}, of the work left (a
 *                         resumed run's rest); NaN on a device and where the rates were not measured (small n)
 * @param factorSeconds    the Gram and factorisation's part of it: what the progress's ETA starts from
 */
public record MemoryPlan(Mode mode, int n, int tile, long matrixBytes, long budget, String budgetSource, Path scratch,
        long scratchFree, int panels, int resumeColumns, long deviceBudget, double estimatedSeconds,
        double factorSeconds) {
    /**
     * What the backend offers beside the host: a device with {@code free} bytes free now, which can factor tiles
     * streamed from the host ({@code streams}) or only a whole K in its memory.
     */
    public record DeviceSide(long free, boolean streams) {}

    /** The default device budget: this share of the device's free memory. */
    static final double DEVICE_SHARE = 0.9;

    /** Where K lives, fastest first. */
    public enum Mode {
        DEVICE, TILES, SCRATCH,
        /** Block-cyclic over the ranks of an MPI job, each rank's blocks in its native memory (ScaLAPACK). */
        DISTRIBUTED;

        /** As result files and plan lines write it. */
        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    /** The default budget: this share of what the machine has available, less a reserve. */
    static final double DEFAULT_SHARE = 0.8;
    static final long RESERVE = 256L << 20;
    /** The default tile order: large enough for dgemm's full speed, small enough for a fine journal. */
    static final int DEFAULT_TILE = 2048;
    /**
     * Tiles of work space beside the panels, on the Java heap: the Gram of an off-diagonal tile before it is copied,
     * the Gram of a diagonal one, and the solve's buffer of a finished tile.
     */
    static final int WORK_TILES = 3;

    /**
     * @param device      the backend's device, or null where it factors on the host
     * @param fingerprint names the problem, for the scratch directory's name (a rerun finds its journal)
     * @param rates       the machine's rates on tiles of a given order, for the estimate; null: not measured
     */
    static MemoryPlan make(int n, int nTest, DeviceSide device, KrrResources resources, String fingerprint,
            IntFunction<Rates> rates) {
        return make(n, nTest, device, resources, fingerprint, rates, MemoryPlan::usableSpace);
    }

    /**
     * As above, with the free space of the scratch directory's file system from {@code freeSpace} (-1: unknown).
     *
     * <p>A scratch directory whose journal names this problem (a stopped run's) is resumed whatever the budget: with
     * the tile order it recorded, so that the result has the bits of a run that was never stopped. Only a different
     * {@code tile}, given explicitly, starts afresh.
     *
     * <p>On a device: K in its memory where it fits (or where the device cannot stream tiles); beyond, the tiles live in
     * host memory or a scratch file as on the CPU, and are factored on the device panel by panel.
     */
    static MemoryPlan make(int n, int nTest, DeviceSide device, KrrResources resources, String fingerprint,
            IntFunction<Rates> rates, ToLongFunction<Path> freeSpace) {
        Budget b = budget(resources, 1);
        long budget = b.bytes();
        String source = b.source();
        long dense = (long) n * n * 8;
        Path dir = scratchDirectory(resources.scratch(), fingerprint);
        ScratchTiles.requireFree(dir);  // a held directory is refused before its journal is announced as resumed
        ScratchTiles.Journal journal = ScratchTiles.Journal.read(dir, n, fingerprint);
        if (journal != null && resources.tile() > 0 && journal.tile() != Math.min(resources.tile(), n)) {
            journal = null;  // the user asked for another tile order: the factorisation starts afresh
        }
        boolean resume = journal != null;
        long deviceBudget = device == null ? -1 : resources.deviceMemory() != null ? resources.deviceMemory()
                : (long) (DEVICE_SHARE * device.free());
        boolean fitsDevice = dense + dense / 16 <= deviceBudget || device != null && device.free() < 0;
        if (!resume && device != null && resources.scratch() == null && resources.memory() == null
                && resources.deviceMemory() == null && (fitsDevice || !device.streams())) {
            return new MemoryPlan(Mode.DEVICE, n, 0, dense, budget, source, null, -1, 1, 0, -1, Double.NaN, Double.NaN);
        }
        boolean streamed = device != null && device.streams();
        long streamBudget = streamed ? deviceBudget : -1;
        int tile = resume ? journal.tile() : Math.min(resources.tile() > 0 ? resources.tile() : DEFAULT_TILE, n);
        TileGrid grid = new TileGrid(n, tile);
        long tiled = grid.elements() * 8;
        // streamed, the host also holds two buffers of a tile column for the copies to the device
        long hostColumns = streamed ? 2 * columnBytes(n, tile) : 0;
        if (!resume && resources.scratch() == null && tiled + work(tile) + hostColumns <= budget) {
            int panels = streamed ? panelCount(grid, 0, Long.MAX_VALUE, streamBudget, null) : 1;
            return new MemoryPlan(Mode.TILES, n, tile, tiled, budget, source, null, -1, panels, 0, streamBudget,
                    seconds(rates, grid, 0, nTest), seconds(rates, grid, 0, 0));
        }
        // out of core: shrink a default tile until a column fits with room for a few panels
        if (!resume && resources.tile() == 0) {
            while (tile > 64 && columnBytes(n, tile) * 4 + work(tile) > budget) {
                tile /= 2;
            }
            grid = new TileGrid(n, tile);
            tiled = grid.elements() * 8;
        }
        int start = resume ? journal.finishedColumns() : 0;  // all of them when only the solve was left
        long panelBudget = (budget - work(tile)) / 8;
        TiledCholesky.PanelSize size = panelSize(grid, streamed);
        long largest = largestColumn(grid, start, size);
        if (panelBudget < largest) {
            long need = largest * 8 + work(tile);
            throw new InvalidInputException("{memory} " + Bytes.format(budget) + " (" + source + ") cannot hold one column"
                    + " of tiles of the kernel matrix (n = " + n + ", tile " + tile + ": " + Bytes.format(need)
                    + "); give {memory} at least that" + (resume ? " (a stopped run's journal in " + dir
                    + " fixes the tile)" : resources.tile() > 0 ? " or a smaller {tile}" : ""));
        }
        int panels = panelCount(grid, start, panelBudget, streamBudget, resume ? dir : null);
        long free = freeSpace.applyAsLong(dir);
        long have = existingFactorBytes(dir);
        if (free >= 0 && free + have < tiled) {
            throw new InvalidInputException("the kernel matrix (n = " + n + ") needs " + Bytes.format(tiled) + ": {memory} "
                    + Bytes.format(budget) + " (" + source + ") cannot hold it and the scratch directory " + dir.getParent()
                    + " has " + Bytes.format(free) + " free; give {scratch} a directory with more free space, or a"
                    + " smaller n");
        }
        return new MemoryPlan(Mode.SCRATCH, n, tile, tiled, budget, source, dir, free, panels, start, streamBudget,
                seconds(rates, grid, start, nTest), seconds(rates, grid, start, 0));
    }

    /**
     * The estimated seconds of the factorisation from column {@code start} on and of {@code nTest} predictions, at the
     * rates on this grid's tiles; NaN without rates.
     */
    private static double seconds(IntFunction<Rates> rates, TileGrid grid, int start, int nTest) {
        return rates == null ? Double.NaN
                : rates.apply(grid.tile()).seconds(TiledCholesky.remaining(grid, start), (double) grid.n() * nTest);
    }

    /**
     * Panels from column {@code start} within {@code hostElements} doubles and, when streamed ({@code deviceBytes} >= 0),
     * within {@code deviceBytes} of device memory too.
     */
    private static int panelCount(TileGrid grid, int start, long hostElements, long deviceBytes, Path journalDir) {
        boolean streamed = deviceBytes >= 0;
        TiledCholesky.PanelSize size = panelSize(grid, streamed);
        long elements = hostElements;
        if (streamed) {
            long need = largestColumn(grid, start, size) * 8;
            if (deviceBytes < need) {
                throw new InvalidInputException("{device_memory} " + Bytes.format(deviceBytes) + " cannot hold one column"
                        + " of tiles of the kernel matrix (n = " + grid.n() + ", tile " + grid.tile() + ": "
                        + Bytes.format(need) + "); give {device_memory} at least that" + (journalDir != null
                        ? " (a stopped run's journal in " + journalDir + " fixes the tile)" : " or a smaller {tile}"));
            }
            elements = Math.min(elements, deviceBytes / 8);
        }
        return TiledCholesky.panels(grid, start, elements, size).size();
    }

    /**
     * The most a panel of one column needs, over the columns from {@code start} on (at least the last): not always the
     * first, since a column after the first brings its buffers for the updates from the columns on its left.
     */
    static long largestColumn(TileGrid grid, int start, TiledCholesky.PanelSize size) {
        long most = 0;
        for (int c = Math.min(start, grid.count() - 1); c < grid.count(); c++) {
            most = Math.max(most, size.elements(c, c + 1));
        }
        return most;
    }

    /** What a panel needs: with a buffer per tile on the host, or two column buffers when a device streams it. */
    private static TiledCholesky.PanelSize panelSize(TileGrid grid, boolean streamed) {
        long tileElements = (long) grid.tile() * grid.tile();
        return streamed ? (from, to) -> TiledCholesky.streamedPanelElements(grid, from, to)
                : (from, to) -> TiledCholesky.panelElements(grid, from, to, tileElements);
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
            Path f = dir.resolve(ScratchTiles.FACTOR);
            return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether the tiles are factored on the device, streamed from the host. */
    public boolean streamed() { return deviceBudget >= 0; }

    /** A memory budget in bytes and how it was found. */
    private record Budget(long bytes, String source) {}

    /** The given budget, else the default share of what the machine has available, split among {@code sharers}. */
    private static Budget budget(KrrResources resources, int sharers) {
        if (resources.memory() != null) {
            return new Budget(resources.memory(), "given");
        }
        long available = MachineMemory.available().orElse(Runtime.getRuntime().maxMemory());
        long budget = Math.max(64L << 20, (long) (DEFAULT_SHARE * available) / sharers - RESERVE);
        return new Budget(budget, String.format(Locale.ROOT, "default: %.0f%% of the %s available", 100 * DEFAULT_SHARE,
                Bytes.format(available)) + (sharers > 1 ? " shared by " + sharers + " ranks on this machine" : ""));
    }

    /**
     * The plan of a distributed factorisation, per rank: the largest local array of K's blocks (any rank's) and one
     * block of work space against this rank's budget ({@code --memory} is per rank; the default splits the machine's
     * among its {@code localRanks}). Refuses in one line, naming the ranks needed, what does not fit, and what
     * ScaLAPACK's 32-bit local indices cannot address.
     *
     * @param localElements the largest rank's local array, in doubles
     * @param journal       where each rank journals its part (with {@code --scratch}), else null
     * @param resumeColumns the columns a stopped run journaled, which this one resumes after, else 0
     */
    static MemoryPlan distributed(int n, int ranks, int block, long localElements, int localRanks,
            KrrResources resources, long maxLocalElements, Path journal, int resumeColumns) {
        Budget b = budget(resources, Math.max(1, localRanks));
        long work = (long) block * block * 8;
        long bytes = localElements * 8 + work;
        double square = (double) n * n * 8;
        if (localElements > maxLocalElements) {
            throw new InvalidInputException("n = " + n + " needs at least " + (long) Math.ceil(square
                    / (maxLocalElements * 8.0)) + " ranks (ScaLAPACK's local arrays hold at most "
                    + Bytes.format(maxLocalElements * 8) + " each); you started " + ranks);
        }
        if (bytes > b.bytes()) {
            throw new InvalidInputException("n = " + n + " needs at least " + (long) Math.ceil(square
                    / Math.max(1, b.bytes() - work)) + " ranks of " + Bytes.format(b.bytes()) + " (" + b.source()
                    + "; {memory} is per rank); you started " + ranks + ", each needing " + Bytes.format(bytes));
        }
        return new MemoryPlan(Mode.DISTRIBUTED, n, block, bytes, b.bytes(), b.source(), journal, -1, 1, resumeColumns,
                -1, Double.NaN, Double.NaN);
    }

    /**
     * Panels of the columns from {@code start} on (a resumed factorisation's first unfinished one), from the budgets:
     * the host's (out of core) and the device's (streamed).
     *
     * @param bufferElements doubles of the store's buffer for one finished tile (0 where tiles are resident)
     */
    List<int[]> panelsFor(TileGrid grid, int start, long bufferElements) {
        long elements = mode == Mode.SCRATCH ? (budget - work(tile)) / 8 : Long.MAX_VALUE;
        if (streamed()) {
            return TiledCholesky.panels(grid, start, Math.min(elements, deviceBudget / 8), panelSize(grid, true));
        }
        if (elements == Long.MAX_VALUE) {
            return List.of(new int[] {start, grid.count()});
        }
        return TiledCholesky.panels(grid, start, elements, bufferElements);
    }

    /** One line for a person: the plan, before any work. */
    public String line() {
        if (mode == Mode.DISTRIBUTED) {
            return "memory plan: each rank holds at most " + Bytes.format(matrixBytes) + " of K (n = " + n + ", float64"
                    + " blocks of " + tile + " dealt round the process grid, one block of work space); budget "
                    + Bytes.format(budget) + " per rank (" + budgetSource + ")" + (scratch == null ? ""
                    : "; journaled in " + scratch + (resumeColumns > 0 ? ", resuming after " + resumeColumns + " of " + n
                    + " columns factored by a stopped run" : ""));
        }
        StringBuilder s = new StringBuilder("memory plan: K needs ").append(Bytes.format(matrixBytes)).append(" (n = ")
                .append(n).append(mode == Mode.DEVICE ? ", n x n float64" : ", float64 lower"
                        + " triangle in tiles of " + tile).append("); budget ").append(Bytes.format(budget)).append(" (")
                .append(budgetSource).append("); ");
        s.append(switch (mode) {
            case DEVICE -> "factored in the backend's device memory";
            case DISTRIBUTED -> throw new IllegalStateException("described above");
            case TILES -> "in core, tiles in native memory";
            case SCRATCH -> "out of core, " + panels + " panel" + (panels == 1 ? "" : "s") + " of tile columns, scratch "
                    + Bytes.format(matrixBytes) + " in " + scratch + (scratchFree >= 0 ? " (" + Bytes.format(scratchFree)
                    + " free)" : "") + (resumeColumns > 0 ? "; resuming after " + resumeColumns + " of "
                    + new TileGrid(n, tile).count() + " tile columns done by a stopped run" : "");
        });
        if (streamed()) {
            s.append("; factored on the device, ").append(panels).append(" panel").append(panels == 1 ? "" : "s")
                    .append(" of tile columns streamed through ").append(Bytes.format(deviceBudget)).append(" of device memory");
        }
        if (Double.isFinite(estimatedSeconds) && !streamed()) {
            s.append("; estimate ").append(Durations.format(estimatedSeconds)).append(resumeColumns > 0 ? " for the rest" : "");
        }
        return s.toString();
    }

    /** The plan as a result file records it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode.label());
        m.put(mode == Mode.DISTRIBUTED ? "matrix_bytes_per_rank" : "matrix_bytes", matrixBytes);
        m.put(mode == Mode.DISTRIBUTED ? "budget_bytes_per_rank" : "budget_bytes", budget);
        m.put("budget", budgetSource);
        if (tile > 0) {
            m.put(mode == Mode.DISTRIBUTED ? "block" : "tile", tile);
        }
        if (scratch != null) {
            m.put("scratch", scratch.toString());
            m.put("panels", panels);
            m.put("resumed_after_columns", resumeColumns);
        }
        if (streamed()) {
            m.put("device_budget_bytes", deviceBudget);
            m.put("device_panels", panels);
        }
        m.put("estimated_seconds", Double.isFinite(estimatedSeconds) && !streamed() ? estimatedSeconds : null);
        return m;
    }
}
