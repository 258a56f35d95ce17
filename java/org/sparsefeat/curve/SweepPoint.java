package org.sparsefeat.curve;

/**
 * One point of a sweep's grid; {@link #key} identifies it in the results file (resuming skips done keys).
 * Sphere sweeps have a dimension d and no dataset; image sweeps a dataset and d = 0.
 */
public record SweepPoint(int method, String label, int d, String dataset, int n, long seed) {
    public String key() { return key(label, where(), n, seed); }

    /** The results file's key of a method's point, e.g. "net-feature-h1000/d3/n64/s0". */
    public static String key(String label, String where, int n, long seed) {
        return label + "/" + where + "/n" + n + "/s" + seed;
    }

    /** "d3" or the dataset's name. */
    public String where() { return dataset == null ? "d" + d : dataset; }

    @Override
    public String toString() { return label + " " + (dataset == null ? "d=" + d : dataset) + " n=" + n + " seed=" + seed; }
}
