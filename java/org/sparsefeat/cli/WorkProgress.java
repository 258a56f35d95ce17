package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import me.tongfei.progressbar.ProgressBar;
import org.sparsefeat.krr.MemoryPlan;
import org.sparsefeat.linalg.tiled.Monitor;

/**
 * Progress of a long tiled computation, by floating-point work done: a bar with ETA on a terminal, else one line every
 * {@link #LOG_EVERY_NANOS} (a log's reader sees it move without a flood); stops when {@code stop} says so.
 */
final class WorkProgress implements Monitor, AutoCloseable {
    static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private static final long BAR_STEPS = 1000;

    private final String task;
    private final PrintWriter err;
    private final BooleanSupplier stop;
    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long lastLine = start;

    WorkProgress(String task, ProgressOption option, PrintWriter err, BooleanSupplier stop) {
        this.task = task;
        this.err = err;
        this.stop = stop;
        this.bar = option.bar(task, BAR_STEPS, err);
    }

    @Override
    public boolean stopRequested() { return stop.getAsBoolean(); }

    @Override
    public void progress(String phase, double done, double total) {
        double f = total > 0 ? Math.min(1, done / total) : 1;
        if (bar != null) {
            bar.stepTo((long) (f * BAR_STEPS));
            bar.setExtraMessage(phase);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLine >= LOG_EVERY_NANOS && f < 1) {
            lastLine = now;
            double elapsed = (now - start) * 1e-9;
            err.printf(Locale.ROOT, "%s: %.1f%% of the Gram and factorisation (%s), %s elapsed, ETA %s%n", task, 100 * f,
                    phase, MemoryPlan.duration(elapsed), f > 0 ? MemoryPlan.duration(elapsed * (1 - f) / f) : "unknown");
            err.flush();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
