package org.sparsefeat.curve;

/** One point of a sweep's grid; {@link #key} identifies it in the results file (resuming skips done keys). */
public record SweepPoint(int method, String label, int d, int n, long seed) {
    public String key() { return label + "/d" + d + "/n" + n + "/s" + seed; }

    @Override
    public String toString() { return label + " d=" + d + " n=" + n + " seed=" + seed; }
}
