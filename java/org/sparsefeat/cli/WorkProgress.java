package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.util.function.BooleanSupplier;
import me.tongfei.progressbar.ProgressBar;
import org.sparsefeat.linalg.tiled.LoggingMonitor;
import org.sparsefeat.linalg.tiled.Monitor;

/**
 * Progress of a long tiled computation, by floating-point work done: a bar with ETA on a terminal, else a
 * {@link LoggingMonitor}'s line every 10 s; stops when {@code stop} says so.
 */
final class WorkProgress implements Monitor, AutoCloseable {
    private static final long BAR_STEPS = 1000;

    private final String task;
    private final PrintWriter err;
    private final ProgressOption option;
    private final LoggingMonitor lines;
    private ProgressBar bar;  // made at the first report: work that reports none (an in-core fit) shows no bar

    WorkProgress(String task, ProgressOption option, PrintWriter err, BooleanSupplier stop) {
        this.task = task;
        this.err = err;
        this.option = option;
        this.lines = new LoggingMonitor(task, stop, line -> {
            err.println(line);
            err.flush();
        }, LoggingMonitor.EVERY_NANOS);
    }

    @Override
    public boolean stopRequested() { return lines.stopRequested(); }

    @Override
    public void progress(String phase, double done, double total) {
        if (!option.shown()) {
            lines.progress(phase, done, total);
            return;
        }
        if (bar == null) {
            bar = option.bar(task, BAR_STEPS, err);
        }
        bar.stepTo((long) (Math.min(1, total > 0 ? done / total : 1) * BAR_STEPS));
        bar.setExtraMessage(phase);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
