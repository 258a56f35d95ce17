package org.sparsefeat.linalg.tiled;

/** Watches a long tiled computation: asked between tile operations (a second or less apart) whether to stop. */
public interface Monitor {
    /** Never stops, reports nothing. */
    Monitor NONE = new Monitor() {};

    /** Whether to stop now (Ctrl-C): the computation then throws {@link Stopped}. */
    default boolean stopRequested() { return false; }

    /**
     * The computation starts with {@code done} of {@code total} units already done (a resumed factorisation's
     * finished columns, else 0): its later {@link #progress} counts from there, and an ETA counts only the rest.
     */
    default void start(double done, double total) {}

    /** {@code done} of {@code total} units of work (floating-point operations, the Gram's counted alike). */
    default void progress(String phase, double done, double total) {}

    /** A tiled computation stopped because its monitor asked it to; what was journaled stays. */
    final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Stopped() { super("interrupted"); }
    }
}
