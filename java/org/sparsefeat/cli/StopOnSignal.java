package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;
import org.sparsefeat.curve.SweepRunner;

/**
 * Ctrl-C (or SIGTERM) during a long command: a shutdown hook asks the work to stop, waits until it has (a sweep looks
 * between two backend calls of a batch of nets, a fraction of a second apart, and between two points, a batch saving
 * its state first; a tiled factorisation looks between two tile operations), then says how to resume. The JVM then
 * exits with 130 (143 after SIGTERM).
 */
final class StopOnSignal implements AutoCloseable {
    /** The longest the hook waits for the sweep to reach a point where it can stop. */
    static final long WAIT_MILLIS = 30_000;

    private final PrintWriter err;
    private final Supplier<String> message;
    private final Thread hook;
    private volatile boolean requested;
    private boolean working;  // guarded by this

    private StopOnSignal(PrintWriter err, Supplier<String> message) {
        this.err = err;
        this.message = message;
        this.hook = new Thread(this::onSignal, "sparsefeat-stop");
    }

    /** For a sweep: its message says how to resume. */
    static StopOnSignal install(PrintWriter err) { return install(err, () -> SweepRunner.Interrupted.MESSAGE); }

    /** @param message what to say once the work has stopped */
    static StopOnSignal install(PrintWriter err, Supplier<String> message) {
        StopOnSignal s = new StopOnSignal(err, message);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    private void onSignal() {
        requested = true;
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        synchronized (this) {
            for (long left = WAIT_MILLIS; working && left > 0; left = end - System.currentTimeMillis()) {
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        err.println(message.get());
        err.flush();
    }

    /** Whether a stop was asked for. */
    boolean requested() { return requested; }

    /** While the sweep runs points it answers a request, so the hook waits for it; else the hook does not wait. */
    synchronized void working(boolean yes) {
        working = yes;
        notifyAll();
    }

    /**
     * The sweep stopped at a request. After a signal the hook says how to resume; a request without one
     * (a test's) is answered here.
     */
    void stopped() {
        working(false);
        if (!hookStarted()) {
            err.println(message.get());
            err.flush();
        }
    }

    private boolean hookStarted() { return hook.getState() != Thread.State.NEW; }

    @Override
    public void close() {
        working(false);
        if (!hookStarted()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }
}
