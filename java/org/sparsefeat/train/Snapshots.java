package org.sparsefeat.train;

/**
 * Where a batch of nets saves its state while it trains, so that a killed run resumes from the last save
 * instead of from step 0. {@link Trainer} asks between two calls to the backend (a fraction of a second
 * apart), so a stop request is answered at once.
 */
public interface Snapshots {
    /** The state to resume from, or null to start from step 0. */
    BatchState load();

    /** Whether a save is due now (e.g. every few minutes). */
    boolean due();

    /** Saves the state (whole or not at all). */
    void save(BatchState state);

    /** Whether training must stop now: the state is saved, then {@link Stopped} is thrown. */
    boolean stopRequested();

    /** Training stopped at a request, its state saved. */
    final class Stopped extends RuntimeException {
        public Stopped() { super("training stopped; its state is saved"); }
    }
}
