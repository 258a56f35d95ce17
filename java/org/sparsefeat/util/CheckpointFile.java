package org.sparsefeat.util;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One piece of work's checkpoint in one file beside its result: a {@link CheckpointHeader} (what kind of state, and the
 * identity of the work: everything its result depends on, as text), then the state; written whole (a temporary file,
 * then a rename) when a save is due or asked for, read back only by work of the same identity (another's is said so
 * and overwritten at the next save), and deleted once the work's result is written. An image net's flow
 * (classify.FlowCheckpointFile) and a `train` run (train.TrainCheckpointFile) keep theirs in one.
 */
public final class CheckpointFile {
    /** Reads the state after the header. */
    @FunctionalInterface
    public interface Reader<S> {
        S read(DataInputStream in) throws IOException;
    }

    /** Writes the state after the header. */
    @FunctionalInterface
    public interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private final Path file;
    private final int magic;
    private final String owner;
    private final String identity;
    private final Duration every;
    private final Consumer<String> log;
    private long lastSave = System.nanoTime();

    /**
     * @param owner what the state is of, as messages name it ("flow": "not a flow checkpoint", "another flow's
     *              checkpoint")
     * @param log   told when the file cannot be used
     */
    public CheckpointFile(Path file, int magic, String owner, String identity, Duration every, Consumer<String> log) {
        this.file = file;
        this.magic = magic;
        this.owner = owner;
        this.identity = identity;
        this.every = every;
        this.log = log;
    }

    public Path file() { return file; }

    /**
     * The saved state, or null when there is none of this identity ({@code afresh}, e.g. "starting from step 0",
     * ends the message that says why). Removes the temporary files of a save that was killed while it wrote.
     */
    public <S> S load(Reader<S> reader, String afresh) {
        removeStaleTemporaries();
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (!CheckpointHeader.read(in, magic, owner + " checkpoint").equals(identity)) {
                log.accept(file + " is another " + owner + "'s checkpoint: " + afresh);
                return null;
            }
            return reader.read(in);
        } catch (IOException | RuntimeException e) {
            log.accept("cannot read " + file + " (" + e.getMessage() + "): " + afresh);
            return null;
        }
    }

    /**
     * The saved state when the file holds this identity's, else null, without removing or saying anything: for an
     * estimate made before the work starts ({@link #load} says why a file cannot be used when the work does start).
     */
    public <S> S peek(Reader<S> reader) {
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return CheckpointHeader.read(in, magic, owner + " checkpoint").equals(identity) ? reader.read(in) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a save is due: {@code every} since the last one (or since this object was made). */
    public boolean due() { return System.nanoTime() - lastSave >= every.toNanos(); }

    /** Writes the header and the state, whole or not at all. */
    public void save(Writer state) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            OutputFile.writeStream(file, stream -> {
                DataOutputStream out = new DataOutputStream(stream);
                CheckpointHeader.write(out, magic, identity);
                state.write(out);
                out.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + owner + " checkpoint " + file + ": " + e.getMessage(), e);
        }
        lastSave = System.nanoTime();
    }

    /** After the work's result was written. */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    /** The temporary files of a save that was killed while it wrote (OutputFile's ".NAME.*.part"). */
    private void removeStaleTemporaries() {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        String prefix = "." + file.getFileName() + ".";
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".part")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            log.accept("cannot remove the temporary files of an earlier save beside " + file + " (" + e.getMessage() + ")");
        }
    }
}
