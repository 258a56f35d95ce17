package org.sparsefeat.linalg.tiled;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.sparsefeat.util.Durations;

/**
 * A monitor for logs: one line every {@code everyNanos} with the share of work done, the time elapsed and an ETA
 * ({@link WorkClock}), so that a reader sees a long computation move without a flood.
 */
public final class LoggingMonitor implements Monitor {
    /** The default interval between two lines: 10 s. */
    public static final long EVERY_NANOS = 10_000_000_000L;

    private final String task;
    private final BooleanSupplier stop;
    private final Consumer<String> log;
    private final long everyNanos;
    private final WorkClock clock = new WorkClock();
    private long lastLine = System.nanoTime();

    public LoggingMonitor(String task, BooleanSupplier stop, Consumer<String> log, long everyNanos) {
        this.task = task;
        this.stop = stop;
        this.log = log;
        this.everyNanos = everyNanos;
    }

    @Override
    public boolean stopRequested() { return stop.getAsBoolean(); }

    @Override
    public void start(double done, double total) {
        clock.start(done, total);
        lastLine = System.nanoTime();
    }

    /** The plan's estimate of the seconds the work takes (NaN: none), for the ETA before it can be measured. */
    public void expect(double seconds) { clock.expect(seconds); }

    @Override
    public void progress(String phase, double done, double total) {
        long now = System.nanoTime();
        double f = WorkClock.fraction(done, total);
        if (now - lastLine < everyNanos || f >= 1) {
            return;
        }
        lastLine = now;
        OptionalDouble left = clock.secondsLeft(done, total);
        log.accept(String.format(Locale.ROOT, "%s: %.1f%% of the Gram and factorisation (%s), %s elapsed, ETA %s", task,
                100 * f, phase, Durations.format(clock.elapsed()),
                left.isPresent() ? Durations.format(left.getAsDouble()) : "unknown"));
    }
}
