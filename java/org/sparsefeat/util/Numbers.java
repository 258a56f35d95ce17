package org.sparsefeat.util;

/** Numbers as result files write them. */
public final class Numbers {
    private Numbers() {}

    /** The value, or null when it is NaN or infinite: a result file never holds a non-finite number. */
    public static Double finiteOrNull(double v) { return Double.isFinite(v) ? v : null; }
}
