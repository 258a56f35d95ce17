package org.sparsefeat.classify;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.sparsefeat.util.CheckpointHeader;
import org.sparsefeat.util.Durations;
import org.sparsefeat.util.OutputFile;

/**
 * A gradient flow's checkpoint in one file: its identity (everything the flow depends on, as text), then its
 * {@link FlowState}; written whole (a temporary file, then a rename) every {@code every} and when asked to stop.
 * A flow resumes only from a file of its identity; another's is overwritten at the next save. The caller deletes the
 * file once the flow's result is written ({@link #delete}).
 */
public final class FlowCheckpointFile implements FlowSnapshots {
    private static final int MAGIC = 0x53464643;  // "SFFC"

    private final Path file;
    private final String identity;
    private final int params;
    private final Duration every;
    private final BooleanSupplier stop;
    private final Consumer<String> log;
    private long lastSave = System.nanoTime();
    private double loadedSeconds;

    /**
     * @param params how many parameters the net has (a file of another size is not this flow's)
     * @param log    told when the flow resumes, saves, or cannot use the file
     */
    public FlowCheckpointFile(Path file, String identity, int params, Duration every, BooleanSupplier stop,
                              Consumer<String> log) {
        this.file = file;
        this.identity = identity;
        this.params = params;
        this.every = every;
        this.stop = stop;
        this.log = log;
    }

    public Path file() { return file; }

    /** The seconds of the earlier runs of the flow this file resumed (0 when it started afresh). */
    public double loadedSeconds() { return loadedSeconds; }

    @Override
    public FlowState load() {
        removeStaleTemporaries();
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (!CheckpointHeader.read(in, MAGIC, "flow checkpoint").equals(identity)) {
                log.accept(file + " is another flow's checkpoint: starting from the first step");
                return null;
            }
            FlowState s = FlowState.read(in, params);
            loadedSeconds = s.seconds();
            log.accept(String.format("resuming the flow from %s (%d accepted steps, saved after %s)", file, s.accepted(),
                    Durations.format(s.seconds())));
            return s;
        } catch (IOException | RuntimeException e) {
            log.accept("cannot read " + file + " (" + e.getMessage() + "): starting from the first step");
            return null;
        }
    }

    /** The state in the file when it is this flow's, without resuming it or saying anything (else null): for estimates. */
    public FlowState peek() {
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return CheckpointHeader.read(in, MAGIC, "flow checkpoint").equals(identity) ? FlowState.read(in, params) : null;
        } catch (IOException | RuntimeException e) {
            return null;  // load() says why when the flow starts
        }
    }

    @Override
    public boolean due() { return System.nanoTime() - lastSave >= every.toNanos(); }

    @Override
    public void save(FlowState state) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            OutputFile.writeStream(file, stream -> {
                DataOutputStream out = new DataOutputStream(stream);
                CheckpointHeader.write(out, MAGIC, identity);
                state.write(out);
                out.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the flow checkpoint " + file + ": " + e.getMessage(), e);
        }
        lastSave = System.nanoTime();
        log.accept(String.format("flow saved to %s: %d accepted and %d rejected steps, %s", file, state.accepted(),
                state.rejected(), Durations.format(state.seconds())));
    }

    @Override
    public boolean stopRequested() { return stop.getAsBoolean(); }

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

    /** After the flow's result was written. */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }
}
