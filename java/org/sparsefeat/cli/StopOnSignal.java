package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.sparsefeat.curve.SweepRunner;

/**
 * Ctrl-C (or SIGTERM) during a sweep: a shutdown hook asks the sweep to stop, waits until it has saved the
 * state of the batch in training (the sweep looks between two backend calls, a fraction of a second apart,
 * or between two points), then says how to resume. The JVM then exits with 130 (143 after SIGTERM).
 */
final class StopOnSignal implements AutoCloseable {
    /** The longest the hook waits for the sweep to reach a point where it can stop. */
    static final long WAIT_SECONDS = 30;

    private final PrintWriter err;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;
    private volatile boolean working;

    private StopOnSignal(PrintWriter err) {
        this.err = err;
        this.hook = new Thread(this::onSignal, "sparsefeat-stop");
    }

    static StopOnSignal install(PrintWriter err) {
        StopOnSignal s = new StopOnSignal(err);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    private void onSignal() {
        requested = true;
        if (working) {
            try {
                stopped.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        err.println(SweepRunner.Interrupted.MESSAGE);
        err.flush();
    }

    /** Whether a stop was asked for. */
    boolean requested() { return requested; }

    /** Whether the sweep is running points (and so will answer a request); else the hook does not wait. */
    void working(boolean yes) { working = yes; }

    /**
     * The sweep stopped at a request. After a signal the hook says how to resume; a request without one
     * (a test's) is answered here.
     */
    void stopped() {
        working = false;
        stopped.countDown();
        if (!hookStarted()) {
            err.println(SweepRunner.Interrupted.MESSAGE);
            err.flush();
        }
    }

    private boolean hookStarted() { return hook.getState() != Thread.State.NEW; }

    @Override
    public void close() {
        if (!hookStarted()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }
}
