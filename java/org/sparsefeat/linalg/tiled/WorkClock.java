package org.sparsefeat.linalg.tiled;

import java.util.OptionalDouble;

/**
 * The ETA of a long computation that reports work done of a total ({@link Monitor}): measured from the work done
 * since {@link #start} once that is a meaningful share of the rest, before that the plan's estimate for the rest
 * (from the machine's measured rates), else none. The first tiles alone would extrapolate wildly (the Gram's tiles
 * are a sliver of the work and take their own time).
 */
public final class WorkClock {
    /** The share of the remaining work, and the seconds, after which the measured rate is trusted. */
    static final double MEASURED_SHARE = 0.02;
    static final double MEASURED_SECONDS = 5;

    private long start = System.nanoTime();
    private double startDone;
    private double total = Double.NaN;
    private double expectedSeconds = Double.NaN;

    /** Work starts now with {@code done} of {@code total} already done (a resumed run's). */
    public synchronized void start(double done, double total) {
        this.start = System.nanoTime();
        this.startDone = done;
        this.total = total;
    }

    /** The plan's estimate of the seconds the work from {@link #start} takes (NaN: none). */
    public synchronized void expect(double seconds) { this.expectedSeconds = seconds; }

    /** Seconds since {@link #start} (or since this clock was made). */
    public synchronized double elapsed() { return (System.nanoTime() - start) * 1e-9; }

    /** The share of the whole work done, 0..1. */
    public static double fraction(double done, double total) { return total > 0 ? Math.min(1, done / total) : 1; }

    /** Seconds left when {@code done} of {@code total} is done, or empty while nothing says. */
    public synchronized OptionalDouble secondsLeft(double done, double total) {
        double elapsed = elapsed();
        double rest = total - startDone;  // the work of this run
        double ran = done - startDone;
        if (!(rest > 0)) {
            return OptionalDouble.of(0);
        }
        double left = Math.max(0, total - done);
        if (ran >= MEASURED_SHARE * rest && elapsed >= MEASURED_SECONDS) {
            return OptionalDouble.of(elapsed * left / ran);
        }
        if (Double.isFinite(expectedSeconds)) {
            // the estimate's rate, not its total: a slower start than planned still shows the full rest
            return OptionalDouble.of(expectedSeconds * left / rest);
        }
        return OptionalDouble.empty();
    }
}
