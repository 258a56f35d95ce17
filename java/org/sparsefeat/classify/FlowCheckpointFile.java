package org.sparsefeat.classify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.sparsefeat.util.CheckpointFile;
import org.sparsefeat.util.Durations;

/**
 * A gradient flow's checkpoint in one file ({@link CheckpointFile}): its identity (everything the flow depends on, as
 * text), then its {@link FlowState}; written every {@code every} and when asked to stop. A flow resumes only from a
 * file of its identity; another's is overwritten at the next save. The caller deletes the file once the flow's result
 * is written ({@link #delete}).
 */
public final class FlowCheckpointFile implements FlowSnapshots {
    private static final int MAGIC = 0x53464643;  // "SFFC"

    private final CheckpointFile file;
    private final int params;
    private final BooleanSupplier stop;
    private final Consumer<String> log;
    private double loadedSeconds;

    /**
     * @param params how many parameters the net has (a file of another size is not this flow's)
     * @param log    told when the flow resumes, saves, or cannot use the file
     */
    public FlowCheckpointFile(Path file, String identity, int params, Duration every, BooleanSupplier stop,
                              Consumer<String> log) {
        this.file = new CheckpointFile(file, MAGIC, "flow", identity, every, log);
        this.params = params;
        this.stop = stop;
        this.log = log;
    }

    public Path file() { return file.file(); }

    /** The seconds of the earlier runs of the flow this file resumed (0 when it started afresh). */
    public double loadedSeconds() { return loadedSeconds; }

    @Override
    public FlowState load() {
        FlowState s = file.load(in -> FlowState.read(in, params), "starting from the first step");
        if (s != null) {
            loadedSeconds = s.seconds();
            log.accept(String.format("resuming the flow from %s (%d accepted steps, saved after %s)", file.file(),
                    s.accepted(), Durations.format(s.seconds())));
        }
        return s;
    }

    /** The state in the file when it is this flow's, without resuming it or saying anything (else null): for estimates. */
    public FlowState peek() {
        return file.peek(in -> FlowState.read(in, params));
    }

    @Override
    public boolean due() { return file.due(); }

    @Override
    public void save(FlowState state) {
        file.save(state::write);
        log.accept(String.format("flow saved to %s: %d accepted and %d rejected steps, %s", file.file(), state.accepted(),
                state.rejected(), Durations.format(state.seconds())));
    }

    @Override
    public boolean stopRequested() { return stop.getAsBoolean(); }

    /** After the flow's result was written. */
    public void delete() { file.delete(); }
}
