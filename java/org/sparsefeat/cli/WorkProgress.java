package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.BooleanSupplier;
import org.sparsefeat.linalg.tiled.LoggingMonitor;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.linalg.tiled.WorkClock;
import org.sparsefeat.util.Durations;

/**
 * Progress of a long tiled computation, by floating-point work done: a bar with ETA on a terminal (or with
 * {@code --progress bar}), else a {@link LoggingMonitor}'s line every 10 s, nothing with {@code --progress none}; stops
 * when {@code stop} says so. A resumed computation's bar starts at the share already done, and its ETA
 * ({@link WorkClock}) counts only the rest.
 *
 * <p>The bar is drawn here, on the computing thread at its reports (a second or less apart), rather than by the
 * progress bar library's timer thread: closing it then ends its line at once, so that a message after it (Ctrl-C's
 * "interrupted") starts on a line of its own.
 */
final class WorkProgress implements Monitor, AutoCloseable {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final String task;
    private final PrintWriter err;
    private final ProgressOption option;
    private final LoggingMonitor lines;
    private final WorkClock clock = new WorkClock();
    private boolean drawn;  // a bar line is open (not yet ended by a newline)
    private boolean closed;  // nothing more is shown: Ctrl-C's message may already stand below the bar
    private long lastDraw;
    private String phase = "";
    private double done;
    private double total = Double.NaN;

    WorkProgress(String task, ProgressOption option, PrintWriter err, BooleanSupplier stop) {
        this(task, option, err, stop, LoggingMonitor.EVERY_NANOS);
    }

    /** As above, the lines (without a bar) every {@code everyNanos}. */
    WorkProgress(String task, ProgressOption option, PrintWriter err, BooleanSupplier stop, long everyNanos) {
        this.task = task;
        this.err = err;
        this.option = option;
        this.lines = new LoggingMonitor(task, stop, line -> {
            err.println(line);
            err.flush();
        }, everyNanos);
    }

    @Override
    public boolean stopRequested() { return lines.stopRequested(); }

    /** The plan's estimate of the seconds the reported work takes (NaN: none). */
    void expect(double seconds) {
        clock.expect(seconds);
        lines.expect(seconds);
    }

    @Override
    public synchronized void start(double done, double total) {
        if (closed) {
            return;
        }
        this.done = done;
        this.total = total;
        clock.start(done, total);
        lines.start(done, total);
        if (option.shown()) {
            draw();
        }
    }

    @Override
    public synchronized void progress(String phase, double done, double total) {
        if (closed || option.none()) {
            return;
        }
        if (!option.shown()) {
            lines.progress(phase, done, total);
            return;
        }
        this.phase = phase;
        this.done = done;
        this.total = total;
        if (System.nanoTime() - lastDraw >= REDRAW_NANOS) {
            draw();
        }
    }

    private void draw() {
        lastDraw = System.nanoTime();
        double f = WorkClock.fraction(done, total);
        int filled = (int) Math.round(f * WIDTH);
        OptionalDouble left = clock.secondsLeft(done, total);
        err.print(String.format(Locale.ROOT, "\r%s %3d%% [%s%s] %s elapsed, ETA %s%s", task, (int) Math.floor(100 * f),
                "=".repeat(filled), " ".repeat(WIDTH - filled), Durations.format(clock.elapsed()),
                left.isPresent() ? Durations.format(left.getAsDouble()) : "?", phase.isEmpty() ? "" : ", " + phase));
        err.flush();
        drawn = true;
    }

    /**
     * Draws the bar's last state and ends its line (idempotent): a message after it starts on a line of its own, and
     * the work's later reports (a fit still running while Ctrl-C's message is printed) show nothing.
     */
    @Override
    public synchronized void close() {
        if (drawn) {
            draw();
            err.println();
            err.flush();
            drawn = false;
        }
        closed = true;
    }
}
