package org.sparsefeat.perf;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The seconds of the repeats of one operation after its warm-up runs. The minimum is the row's time (another process
 * preempting ours only ever makes a run slower); the median and the spread say how noisy the machine was, and set
 * {@link BenchCompare}'s noise band.
 */
public record Timing(double[] seconds) {
    public Timing {
        if (seconds.length == 0) {
            throw new IllegalArgumentException("no repeats");
        }
        seconds = seconds.clone();
    }

    /** Something to time; {@code prepare} runs before each repeat, untimed (a copy the operation overwrites). */
    public interface Trial {
        default void prepare() {}

        void run();

        /** Runs once and returns its seconds; a trial whose backend times its own phase overrides it. */
        default double timedRun() {
            long t0 = System.nanoTime();
            run();
            return (System.nanoTime() - t0) * 1e-9;
        }

        /** Operations per run: the row's time is per operation (a GD trial makes several steps). */
        default double perRun() { return 1; }
    }

    /** Thrown between two repeats when a stop was asked for (Ctrl-C). */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Stopped() { super("interrupted"); }
    }

    /** Runs {@code warmups} untimed and {@code repeats} timed runs of the trial, checking {@code stop} between runs. */
    public static Timing measure(int warmups, int repeats, Trial trial, BooleanSupplier stop) {
        for (int i = 0; i < warmups; i++) {
            stopIf(stop);
            trial.prepare();
            trial.timedRun();
        }
        double[] s = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            stopIf(stop);
            trial.prepare();
            s[i] = trial.timedRun() / trial.perRun();
        }
        return new Timing(s);
    }

    private static void stopIf(BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            throw new Stopped();
        }
    }

    public double min() { return Arrays.stream(seconds).min().orElseThrow(); }

    public double median() {
        double[] s = seconds.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** (median - min) / min: how far a typical repeat lies above the best one. */
    public double spread() { return median() / min() - 1; }

    @Override
    public double[] seconds() { return seconds.clone(); }
}
