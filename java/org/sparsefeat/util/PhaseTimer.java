package org.sparsefeat.util;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Wall-clock seconds per named phase, in the order the phases ran. */
public final class PhaseTimer {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final long start = System.nanoTime();

    public <T> T time(String phase, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            seconds.merge(phase, (System.nanoTime() - t0) * 1e-9, Double::sum);
        }
    }

    public void time(String phase, Runnable work) {
        time(phase, () -> {
            work.run();
            return null;
        });
    }

    /** Adds seconds measured elsewhere to a phase (work whose phases interleave, like a tiled Gram and factor). */
    public void add(String phase, double secs) { seconds.merge(phase, secs, Double::sum); }

    public Map<String, Double> seconds() { return Collections.unmodifiableMap(seconds); }

    /** The phases' sum. */
    public double total() { return seconds.values().stream().mapToDouble(Double::doubleValue).sum(); }

    /** Seconds since this timer was made: the whole work's wall-clock time, the steps between its phases included. */
    public double elapsed() { return (System.nanoTime() - start) * 1e-9; }
}
