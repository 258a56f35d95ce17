package org.sparsefeat.classify;

/**
 * Where a gradient flow saves its state while it runs, so that a stopped or killed run resumes from the last save
 * instead of from its first step ({@link GradientFlow#train}). The flow asks after every trial, a fraction of a
 * second apart on a GPU and at most about a second on a CPU at n = 10 000, so a stop request is answered at once.
 */
public interface FlowSnapshots {
    /** The state to resume from, or null to start at the net's initial parameters. */
    FlowState load();

    /** Whether a save is due now (e.g. every few minutes). */
    boolean due();

    /** Saves the state (whole or not at all). */
    void save(FlowState state);

    /** Whether the flow must stop now: its state is saved, then {@link Stopped} is thrown. */
    boolean stopRequested();

    /** The flow stopped at a request, its state saved. */
    final class Stopped extends RuntimeException {
        public Stopped() { super("the gradient flow stopped; its state is saved"); }
    }
}
