package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import org.sparsefeat.linalg.tiled.LoggingMonitor;
import org.sparsefeat.util.Durations;

/**
 * Progress of work counted in steps up to a limit (train's gradient steps, an image net's accepted flow steps) on the
 * command's stderr: with {@code --progress bar} (auto: on a terminal) a bar of fixed width redrawn in place; with auto
 * off a terminal a plain line every 10 s, as krr and sweep print theirs; nothing with none. The fraction is of the
 * limit; the ETA is to the limit at the mean rate of this run's steps (a resumed run's earlier steps are not taken as
 * done in no time), an upper bound since the work may stop sooner (a converged loss, met margins), which
 * {@link #finish} then says. Messages ({@link #say}) and whatever follows {@link #close} start on a line of their own.
 */
final class StepProgress implements AutoCloseable {
    enum Mode { BAR, LINES, NONE }

    /** The bar's width in characters, whatever the numbers beside it. */
    static final int BAR_WIDTH = 20;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final String name, label;
    private final long limit;
    private final Mode mode;
    private final PrintWriter err;
    private final LongSupplier clock;
    private final long lineEvery;
    private final int width;
    private final long start;
    private long firstTime = -1, firstDone, lastDraw, lastLine;
    private int drawn;  // the length of the bar's line on screen, 0 when no line is open
    private boolean closed;

    /**
     * @param name  what the lines start with ("images classify: feature net")
     * @param label what the bar starts with ("feature net")
     */
    StepProgress(String name, String label, long limit, ProgressOption option, PrintWriter err) {
        this(name, label, limit, mode(option), err, System::nanoTime, LoggingMonitor.EVERY_NANOS,
                mode(option) == Mode.BAR ? new ConsoleProgressBarConsumer(System.err).getMaxRenderedLength() : 80);
    }

    /**
     * @param clock nanoseconds, as System.nanoTime (a test's own clock)
     * @param width the terminal's: the bar's line is cut there (its detail, after the bar) rather than wrapped
     */
    StepProgress(String name, String label, long limit, Mode mode, PrintWriter err, LongSupplier clock,
                 long lineEveryNanos, int width) {
        this.name = name;
        this.label = label;
        this.width = Math.max(width, 40);
        this.limit = Math.max(1, limit);
        this.mode = mode;
        this.err = err;
        this.clock = clock;
        this.lineEvery = lineEveryNanos;
        this.start = clock.getAsLong();
        this.lastLine = start;
        this.lastDraw = start - REDRAW_NANOS;
    }

    static Mode mode(ProgressOption option) {
        return option.shown() ? Mode.BAR : option.progress.equals("none") ? Mode.NONE : Mode.LINES;
    }

    /** Whether anything is shown (not --progress none). */
    boolean shown() { return mode != Mode.NONE; }

    /** {@code done} steps so far; {@code detail} (e.g. "loss 1.2e-3") follows the numbers. */
    synchronized void update(long done, String detail) {
        if (closed || mode == Mode.NONE) {
            return;
        }
        long now = clock.getAsLong();
        if (firstTime < 0) {
            firstTime = now;
            firstDone = done;
        }
        if (mode == Mode.BAR && (now - lastDraw >= REDRAW_NANOS || done >= limit)) {
            lastDraw = now;
            draw(String.format(Locale.ROOT, "%s %3d%% %s %d/%d %s elapsed, ETA %s, %s", label, percent(done), bar(done), done, limit,
                    elapsed(now), eta(now, done), detail));
        } else if (mode == Mode.LINES && now - lastLine >= lineEvery) {
            lastLine = now;
            say(String.format(Locale.ROOT, "%s: %d of at most %d steps (%d%%), %s, %s elapsed, ETA %s at this rate to the"
                    + " limit", name, done, limit, percent(done), detail, elapsed(now), eta(now, done)));
        }
    }

    /**
     * The work stopped at {@code done} steps, {@code how} (e.g. "converged", "margins met"): the bar is drawn full
     * (the limit no longer applies) and its line ended; off a terminal a line says so.
     */
    synchronized void finish(long done, String how) {
        if (closed || mode == Mode.NONE) {
            return;
        }
        String elapsed = elapsed(clock.getAsLong());
        if (mode == Mode.BAR) {
            draw(String.format(Locale.ROOT, "%s 100%% %s %d steps, %s, %s", label, bar(limit), done, elapsed, how));
        } else {
            say(String.format(Locale.ROOT, "%s: %s after %d steps, %s", name, how, done, elapsed));
        }
        close();
    }

    /** A line of its own (a bar's line is ended first; the bar is drawn again below at the next update). */
    synchronized void say(String line) {
        endLine();
        err.println(line);
        err.flush();
    }

    /** Ends the bar's line; nothing is drawn after. */
    @Override
    public synchronized void close() {
        endLine();
        closed = true;
    }

    private void endLine() {
        if (drawn > 0) {
            err.println();
            err.flush();
            drawn = 0;
        }
    }

    private void draw(String whole) {
        String line = whole.length() < width ? whole : whole.substring(0, width - 1);
        // pad over what a longer line before left on screen
        err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
        err.flush();
        drawn = Math.max(line.length(), 1);
    }

    private int percent(long done) { return (int) Math.min(100, 100 * Math.max(0, done) / limit); }

    private String bar(long done) {
        int full = (int) Math.min(BAR_WIDTH, BAR_WIDTH * Math.max(0, done) / limit);
        return "[" + "=".repeat(full) + " ".repeat(BAR_WIDTH - full) + "]";
    }

    private String elapsed(long now) { return Durations.format((now - start) * 1e-9); }

    private String eta(long now, long done) {
        double seconds = (now - firstTime) * 1e-9, steps = done - firstDone;
        return steps > 0 && seconds > 0 ? Durations.format((limit - done) * seconds / steps) : "?";
    }
}
