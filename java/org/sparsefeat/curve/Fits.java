package org.sparsefeat.curve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Learning-curve statistics: the mean test error over seeds at each n with its standard error, and the
 * exponent beta of eps(n) ~ n^{-beta} by least squares on log(mean eps) against log n, with a bootstrap
 * confidence interval that resamples seeds (the same seeds at every n, since a seed's training sets are
 * nested and its errors correlated across n).
 */
public final class Fits {
    /** Resamples of the bootstrap. */
    static final int BOOTSTRAP = 2000;

    /** Mean and standard error of the mean at one n. */
    public record Point(int n, double mean, double sem, int seeds) {}

    /**
     * @param beta  the fitted exponent (the negative slope)
     * @param low   the 2.5% bootstrap quantile of beta (NaN, as high, with one seed: nothing to resample)
     * @param high  the 97.5% quantile
     * @param nMin  smallest n used
     * @param nMax  largest n used
     */
    public record Exponent(double beta, double low, double high, double prefactor, int nMin, int nMax) {
        public double halfWidth() { return (high - low) / 2; }
    }

    private Fits() {}

    /**
     * @param n      the grid, ascending
     * @param errors errors[i][s]: the error at n[i] for seed s (NaN where missing)
     */
    public static List<Point> points(int[] n, double[][] errors) {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < n.length; i++) {
            double[] e = Arrays.stream(errors[i]).filter(Double::isFinite).toArray();
            if (e.length == 0) {
                continue;
            }
            double mean = Arrays.stream(e).average().orElse(Double.NaN);
            double var = 0;
            for (double v : e) {
                var += (v - mean) * (v - mean);
            }
            double sem = e.length > 1 ? Math.sqrt(var / (e.length - 1) / e.length) : Double.NaN;
            out.add(new Point(n[i], mean, sem, e.length));
        }
        return out;
    }

    /** Least-squares slope of log y on log x: returns {slope, intercept}. */
    public static double[] logLogLine(double[] x, double[] y) {
        int m = x.length;
        double sx = 0, sy = 0;
        for (int i = 0; i < m; i++) {
            sx += Math.log(x[i]);
            sy += Math.log(y[i]);
        }
        double mx = sx / m, my = sy / m, sxy = 0, sxx = 0;
        for (int i = 0; i < m; i++) {
            double dx = Math.log(x[i]) - mx;
            sxy += dx * (Math.log(y[i]) - my);
            sxx += dx * dx;
        }
        double slope = sxy / sxx;
        return new double[] {slope, my - slope * mx};
    }

    /**
     * The exponent over n in [nMin, nMax] (0 = the upper decade: n >= max n / 10, at least the three largest
     * n; 0 for nMax = the largest). Null when fewer than two n have a finite, positive mean error.
     */
    public static Exponent exponent(int[] n, double[][] errors, int nMin, int nMax, long seed) {
        int largest = Arrays.stream(n).max().orElse(0);
        int hi = nMax > 0 ? nMax : largest;
        int lo = nMin;
        if (lo <= 0) {
            lo = Math.max(1, hi / 10);
            int[] inRange = Arrays.stream(n).filter(v -> v <= hi).sorted().toArray();
            if (inRange.length >= 3) {
                lo = Math.min(lo, inRange[inRange.length - 3]);
            }
        }
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < n.length; i++) {
            if (n[i] >= lo && n[i] <= hi) {
                rows.add(i);
            }
        }
        double[] full = fitRows(n, errors, rows, null);
        if (full == null) {
            return null;
        }
        int seeds = errors[rows.getFirst()].length;
        int usedMin = rows.stream().mapToInt(i -> n[i]).min().orElse(0);
        int usedMax = rows.stream().mapToInt(i -> n[i]).max().orElse(0);
        if (seeds < 2) {  // resampling one seed gives the same fit every time: an interval of width 0 would lie
            return new Exponent(-full[0], Double.NaN, Double.NaN, Math.exp(full[1]), usedMin, usedMax);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] betas = new double[BOOTSTRAP];
        int ok = 0;
        for (int b = 0; b < BOOTSTRAP; b++) {
            int[] pick = new int[seeds];
            for (int s = 0; s < seeds; s++) {
                pick[s] = rnd.nextInt(seeds);
            }
            double[] f = fitRows(n, errors, rows, pick);
            if (f != null) {
                betas[ok++] = -f[0];
            }
        }
        double[] sorted = Arrays.copyOf(betas, ok);
        Arrays.sort(sorted);
        double low = ok > 0 ? quantile(sorted, 0.025) : Double.NaN, high = ok > 0 ? quantile(sorted, 0.975) : Double.NaN;
        return new Exponent(-full[0], low, high, Math.exp(full[1]), usedMin, usedMax);
    }

    /** {slope, intercept} of log(mean over the picked seeds) on log n, or null with under two usable n. */
    private static double[] fitRows(int[] n, double[][] errors, List<Integer> rows, int[] pick) {
        List<double[]> xy = new ArrayList<>();
        for (int i : rows) {
            double sum = 0;
            int count = 0;
            int seeds = errors[i].length;
            for (int s = 0; s < seeds; s++) {
                double v = errors[i][pick == null ? s : pick[s]];
                if (Double.isFinite(v)) {
                    sum += v;
                    count++;
                }
            }
            if (count > 0 && sum > 0) {
                xy.add(new double[] {n[i], sum / count});
            }
        }
        if (xy.size() < 2) {
            return null;
        }
        return logLogLine(xy.stream().mapToDouble(a -> a[0]).toArray(), xy.stream().mapToDouble(a -> a[1]).toArray());
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(sorted.length - 1, i + 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }
}
