package org.sparsefeat.linalg.tiled;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.sparsefeat.ffm.FreshMemory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparsefeat.util.InvalidInputException;

/**
 * The factor in a scratch file, for n beyond memory: the tiles in {@link TileGrid}'s packed order in
 * {@code factor.f64}, and {@code journal.json}, rewritten atomically after each finished tile column (its tiles are
 * forced to disk first), saying how many columns are done and for which problem. Opening a directory whose journal
 * names the same problem resumes after its last finished column; any other journal starts afresh.
 */
public final class ScratchTiles implements TileStore {
    /** The factor's file in the scratch directory. */
    public static final String FACTOR = "factor.f64";
    static final String JOURNAL = "journal.json";
    private static final long CHUNK = 1L << 28;  // bytes per read or write call: a ByteBuffer holds < 2 GiB
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TileGrid grid;
    private final Path dir;
    private final String fingerprint;
    private final FileChannel file;
    private int finished;

    private ScratchTiles(TileGrid grid, Path dir, String fingerprint, FileChannel file, int finished) {
        this.grid = grid;
        this.dir = dir;
        this.fingerprint = fingerprint;
        this.file = file;
        this.finished = finished;
    }

    /**
     * Opens (creating it if needed) the scratch directory of one factorisation, and locks it for this process.
     *
     * @param fingerprint names the problem (the points, the kernel, the ridge, what computes them): a journal with
     *                    another one is stale
     * @throws InvalidInputException when another run holds the directory
     */
    public static ScratchTiles open(Path dir, TileGrid grid, String fingerprint) {
        FileChannel file = null;
        try {
            Files.createDirectories(dir);
            file = FileChannel.open(dir.resolve(FACTOR), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (!lock(file)) {
                throw inUse(dir);
            }
            Journal j = Journal.read(dir, grid.n(), fingerprint);
            int done = j != null && j.tile() == grid.tile() ? j.finishedColumns() : 0;
            if (done == 0) {
                Files.deleteIfExists(dir.resolve(JOURNAL));
                file.truncate(0);
            }
            ScratchTiles s = new ScratchTiles(grid, dir, fingerprint, file, done);
            s.writeJournal();
            return s;
        } catch (IOException e) {
            closeQuietly(file);
            throw new UncheckedIOException("scratch directory " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
    }

    /**
     * Refuses, before a plan reads or announces anything of it, a scratch directory that another run holds (the lock
     * {@link #open} takes); a directory without a factor file is free.
     *
     * @throws InvalidInputException when another run holds the directory
     */
    public static void requireFree(Path dir) {
        Path factor = dir.resolve(FACTOR);
        if (!Files.isRegularFile(factor)) {
            return;
        }
        try (FileChannel file = FileChannel.open(factor, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (!lock(file)) {
                throw inUse(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("scratch directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static InvalidInputException inUse(Path dir) {
        return new InvalidInputException("the scratch directory " + dir + " is in use by another sparsefeat run"
                + " of the same problem; wait for it to finish, or give {scratch} another directory");
    }

    /** An exclusive lock on the whole factor file, held until the channel closes; false when someone holds it. */
    private static boolean lock(FileChannel file) throws IOException {
        try {
            return file.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false;  // this JVM holds it already
        }
    }

    private static void closeQuietly(FileChannel file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // the failure being reported matters more
            }
        }
    }

    /**
     * What a scratch directory's journal says, when it names this problem and its factor file holds the columns it
     * counts as done.
     *
     * @param tile            the tile order the factorisation used: a resumed run must keep it to give the same bits
     * @param finishedColumns tile columns done, at least 1
     */
    public record Journal(int tile, int finishedColumns) {
        /** The journal in {@code dir} for a problem of order n with this fingerprint, or null (none, torn, another). */
        public static Journal read(Path dir, int n, String fingerprint) {
            Path journal = dir.resolve(JOURNAL);
            Path factor = dir.resolve(FACTOR);
            if (!Files.isRegularFile(journal) || !Files.isRegularFile(factor)) {
                return null;
            }
            Map<?, ?> j;
            try {
                j = JSON.readValue(journal.toFile(), Map.class);
                if (!fingerprint.equals(j.get("fingerprint")) || !(j.get("n") instanceof Number order)
                        || order.intValue() != n || !(j.get("tile") instanceof Number t) || t.intValue() < 1
                        || !(j.get("finished_columns") instanceof Number c)) {
                    return null;
                }
                TileGrid grid = new TileGrid(n, Math.min(t.intValue(), n));
                int done = Math.clamp(c.intValue(), 0, grid.count());
                if (done == 0 || Files.size(factor) < grid.elementsInColumns(0, done) * 8) {
                    return null;
                }
                return new Journal(grid.tile(), done);
            } catch (IOException | RuntimeException e) {
                return null;  // torn or foreign: start afresh
            }
        }
    }

    @Override
    public TileGrid grid() { return grid; }

    @Override
    public int finishedColumns() { return finished; }

    /** The scratch directory. */
    public Path directory() { return dir; }

    @Override
    public Panel openPanel(int from, int to) {
        Arena arena = Arena.ofShared();
        long base = grid.offset(from, from);
        MemorySegment memory;
        try {
            memory = FreshMemory.allocate(arena, grid.elementsInColumns(from, to) * 8,
                    "a panel of tile columns " + from + ".." + (to - 1));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        return new Panel() {
            @Override
            public MemorySegment tile(int i, int j) {
                return memory.asSlice((grid.offset(i, j) - base) * 8, grid.elements(i, j) * 8);
            }

            @Override
            public MemorySegment column(int j) {
                return memory.asSlice((grid.offset(j, j) - base) * 8, grid.elementsInColumns(j, j + 1) * 8);
            }

            @Override
            public void close() { arena.close(); }
        };
    }

    @Override
    public MemorySegment finished(int i, int j, MemorySegment buffer) {
        MemorySegment tile = buffer.asSlice(0, grid.elements(i, j) * 8);
        transfer(tile, grid.offset(i, j) * 8, false);
        return tile;
    }

    @Override
    public MemorySegment finishedColumn(int j, int from, MemorySegment buffer) {
        MemorySegment column = buffer.asSlice(0, (long) (grid.n() - grid.start(from)) * grid.size(j) * 8);
        transfer(column, grid.offset(from, j) * 8, false);
        return column;
    }

    @Override
    public void finish(Panel panel, int j) {
        if (j != finished) {
            throw new IllegalStateException("column " + j + " finished out of order; " + finished + " are done");
        }
        transfer(panel.column(j), grid.offset(j, j) * 8, true);
        try {
            file.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("scratch file " + dir.resolve(FACTOR) + ": " + e.getMessage(), e);
        }
        finished = j + 1;
        writeJournal();
    }

    @Override
    public long bufferElements() { return (long) grid.tile() * grid.tile(); }

    private void transfer(MemorySegment segment, long position, boolean write) {
        try {
            for (long done = 0; done < segment.byteSize(); ) {
                ByteBuffer b = segment.asSlice(done, Math.min(CHUNK, segment.byteSize() - done)).asByteBuffer();
                while (b.hasRemaining()) {
                    int k = write ? file.write(b, position + done + b.position())
                            : file.read(b, position + done + b.position());
                    if (k < 0) {
                        throw new IOException("unexpected end of file at byte " + (position + done + b.position()));
                    }
                }
                done += b.capacity();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("scratch file " + dir.resolve(FACTOR) + ": " + e.getMessage(), e);
        }
    }

    private void writeJournal() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("format", 1);
        j.put("fingerprint", fingerprint);
        j.put("n", grid.n());
        j.put("tile", grid.tile());
        j.put("finished_columns", finished);
        j.put("columns", grid.count());
        Path tmp = dir.resolve(JOURNAL + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), j);
            Files.move(tmp, dir.resolve(JOURNAL), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("scratch journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes the scratch files (after a finished fit: the factor is not needed again). */
    public void delete() {
        close();
        try {
            Files.deleteIfExists(dir.resolve(FACTOR));
            Files.deleteIfExists(dir.resolve(JOURNAL));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a directory a user put other files in stays
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
