package org.sparsefeat.perf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of a benchmark run: a ceiling of the machine, one size of a hot path's ladder, or a peer doing the same
 * operation on the same data. A peer that could not run is a row with no timing and a note that says why.
 *
 * @param kind     {@link #CEILING}, {@link #PATH} or {@link #PEER}
 * @param path     the hot path (or ceiling), e.g. "cholesky"
 * @param impl     who ran it: "sparsefeat cpu", "numpy 2.4 / scipy 1.17", ...
 * @param n        the ladder's size (h for the GD step)
 * @param shape    the whole shape, e.g. "n=2048 d=5"
 * @param workModel the stated count behind the rate, e.g. "n^3/3 flops"
 * @param work     that count at this size (flops, or bytes for a bandwidth)
 * @param unit     "GFLOP/s" or "GB/s"
 * @param timing   the repeats (null: did not run, see note)
 * @param ceiling  the measured ceiling the rate is a fraction of, same unit (NaN: none)
 * @param exponent the cost exponent fitted over this path's ladder for this impl (NaN: not fitted)
 * @param note     anything the numbers need said (why a peer is absent)
 */
public record Row(String kind, String path, String impl, long n, String shape, String workModel, double work,
                  String unit, Timing timing, double ceiling, double exponent, String note) {
    public static final String CEILING = "ceiling";
    public static final String PATH = "path";
    public static final String PEER = "peer";
    /** The path of a peer's one row when its library cannot run here at all (it then has no row per path). */
    public static final String ALL_PATHS = "all";

    /** A peer that could not run: a row that says why, never a failure. */
    public static Row absent(String path, String impl, long n, String shape, String why) {
        return new Row(PEER, path, impl, n, shape, "", Double.NaN, "", null, Double.NaN, Double.NaN, why);
    }

    public boolean ran() { return timing != null; }

    public double min() { return ran() ? timing.min() : Double.NaN; }

    public double median() { return ran() ? timing.median() : Double.NaN; }

    /** The rate from the best repeat: work / min time, in units of 1e9 (GFLOP/s or GB/s). */
    public double rate() { return ran() ? work / timing.min() / 1e9 : Double.NaN; }

    /** The rate over the measured ceiling's (NaN without one). */
    public double fractionOfCeiling() { return rate() / ceiling; }

    /** Rows of the same measurement across runs match by this key (for {@link BenchCompare}). */
    public String key() { return kind + " " + path + " " + impl + " " + shape; }

    public Row withExponent(double e) {
        return new Row(kind, path, impl, n, shape, workModel, work, unit, timing, ceiling, e, note);
    }

    /** The same measurement taken again after the ladders (the ceiling's second run). */
    public Row after() {
        return new Row(kind, path, impl, n, shape + " after the ladders", workModel, work, unit, timing, ceiling, exponent,
                note);
    }

    public Row withCeiling(double c) {
        return new Row(kind, path, impl, n, shape, workModel, work, unit, timing, c, exponent, note);
    }

    /** The row as bench.json holds it; non-finite numbers are null, never printed as numbers. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("path", path);
        m.put("impl", impl);
        m.put("n", n);
        m.put("shape", shape);
        m.put("work_model", workModel);
        m.put("work", finite(work));
        m.put("unit", unit);
        m.put("seconds", ran() ? timing.seconds() : null);
        m.put("min_seconds", finite(min()));
        m.put("median_seconds", finite(median()));
        m.put("rate", finite(rate()));
        m.put("ceiling", finite(ceiling));
        m.put("fraction_of_ceiling", finite(fractionOfCeiling()));
        m.put("exponent", finite(exponent));
        m.put("note", note);
        return m;
    }

    static Double finite(double v) { return Double.isFinite(v) ? v : null; }
}
