package org.sparsefeat.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.sparsefeat.net.Scale;
import org.sparsefeat.util.CheckpointFile;
import org.sparsefeat.util.Durations;

/**
 * A `train` run's checkpoint in one file ({@link CheckpointFile}): its identity (everything the run depends on, as
 * text), then its {@link BatchState}; written every {@code every} and when asked to stop. A run resumes only from a
 * file of its identity, to the bits of a run that never stopped ({@link Trainer#train}); another's is overwritten at
 * the next save. The caller deletes the file once the run's result is written ({@link #delete}).
 */
public final class TrainCheckpointFile implements Snapshots {
    private static final int MAGIC = 0x53465443;  // "SFTC"

    private final CheckpointFile file;
    private final List<Scale> scales;
    private final BooleanSupplier stop;
    private final Consumer<String> log;
    private double loadedSeconds;

    /**
     * @param scales the output scales of the batch's nets (they are not saved)
     * @param log    told when the run resumes, saves, or cannot use the file
     */
    public TrainCheckpointFile(Path file, String identity, List<Scale> scales, Duration every, BooleanSupplier stop,
                               Consumer<String> log) {
        this.file = new CheckpointFile(file, MAGIC, "training", identity, every, log);
        this.scales = List.copyOf(scales);
        this.stop = stop;
        this.log = log;
    }

    public Path file() { return file.file(); }

    /** The training seconds of the earlier runs this file resumed (0 when it started afresh). */
    public double loadedSeconds() { return loadedSeconds; }

    @Override
    public BatchState load() {
        BatchState s = file.load(in -> BatchState.read(in, scales), "starting from step 0");
        if (s != null) {
            loadedSeconds = s.seconds();
            log.accept(String.format("resuming the training from %s (step %d, saved after %s of training)", file.file(),
                    step(s), Durations.format(s.seconds())));
        }
        return s;
    }

    @Override
    public boolean due() { return file.due(); }

    @Override
    public void save(BatchState state) {
        file.save(state::write);
        log.accept(String.format("training saved to %s at step %d (%s of training)", file.file(), step(state),
                Durations.format(state.seconds())));
    }

    @Override
    public boolean stopRequested() { return stop.getAsBoolean(); }

    /** After the run's result was written. */
    public void delete() { file.delete(); }

    private static long step(BatchState s) { return s.nets().stream().mapToLong(BatchState.Net::step).min().orElse(0); }
}
