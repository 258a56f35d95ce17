package org.sparsefeat.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a base-10 log axis puts its ticks and what they say: every decade labelled 10ⁿ (n in Unicode superscript
 * digits, so PNG and SVG show the same real superscript as plain text; an axis within 0.01 to 10 000 in plain
 * decimals instead), the other integer multiples as short unlabelled minor ticks. An axis holding fewer than three
 * decades (n from 16 to 1024: only 100 and 1000) also labels 2·10ⁿ and 5·10ⁿ; one narrower still, every multiple
 * (and 1.2, 1.5, 2.5 where even that gives fewer than three), so each axis a reader sees carries at least two
 * numbers, and a short one more than its two decades.
 */
final class LogTicks {
    /** At most this many decade labels; a wider axis labels every second (third, ...) decade. */
    static final int MAX_LABELS = 15;
    /** An axis with fewer decades than this also labels 2·10ⁿ and 5·10ⁿ between them. */
    static final int MIN_DECADE_LABELS = 3;
    /** Wider than this many decades, minor ticks would crowd into a smear: only the decades are marked. */
    static final int MAX_DECADES_WITH_MINOR_TICKS = 10;
    /** The smallest span (as a ratio hi / lo) an axis gets, so a flat series still sits on a readable axis. */
    static final double MIN_RATIO = 1.5;
    /** Room left beyond the data on each side, as a fraction of the span in decades. */
    static final double MARGIN = 0.04;

    /**
     * An axis lying wholly between 10^PLAIN_FROM and 10^(PLAIN_TO + 1) (0.01 to 10 000: n, N_A, most errors of a
     * small run) reads better in plain decimals (20, 50, 100) than in powers; anything wider or further out gets 10ⁿ.
     */
    static final int PLAIN_FROM = -2;
    static final int PLAIN_TO = 3;

    private static final double EPS = 1e-9;  // in decades: 10^k computed by Math.pow may miss by an ulp

    /** One tick: a major tick is a decade or a labelled multiple; {@code label} is "" when it goes unlabelled. */
    record Tick(double value, boolean major, String label) {}

    private LogTicks() {}

    /**
     * The axis range for data between {@code lo} and {@code hi} (both > 0): the data plus a margin, at least
     * {@link #MIN_RATIO} wide, widened to the nearest multiples m·10ⁿ outside it when it would otherwise hold fewer
     * than two ticks {@link #ticks} can label.
     */
    static double[] range(double lo, double hi) {
        if (!(lo > 0) || !(hi >= lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("log axis range needs 0 < lo <= hi, finite; got " + lo + ", " + hi);
        }
        double a = Math.log10(lo);
        double b = Math.log10(hi);
        double min = Math.log10(MIN_RATIO);
        if (b - a < min) {
            double mid = (a + b) / 2;
            a = mid - min / 2;
            b = mid + min / 2;
        }
        double pad = MARGIN * (b - a);
        double from = Math.pow(10, a - pad);
        double to = Math.pow(10, b + pad);
        if (count(from, to, FINE) < 2) {
            from = multipleBelow(from);
            to = multipleAbove(to);
        }
        return new double[] {from, to};
    }

    // Mantissas in tenths (10 = 1.0, 25 = 2.5), so m·10ᵏ and its label are exact
    private static final int[] DECADES = {10};
    private static final int[] ONE_TWO_FIVE = {10, 20, 50};
    private static final int[] ALL = {10, 20, 30, 40, 50, 60, 70, 80, 90};
    /** For an axis spanning less than a factor of about 2, where even ALL would label only its two ends. */
    private static final int[] FINE = {10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90};

    /** The ticks of an axis from {@code lo} to {@code hi} (0 < lo < hi), in increasing order. */
    static List<Tick> ticks(double lo, double hi) {
        int[] labelled = count(lo, hi, DECADES) >= MIN_DECADE_LABELS ? DECADES : count(lo, hi, ONE_TWO_FIVE) >= 2 ? ONE_TWO_FIVE
                : count(lo, hi, ALL) >= 3 ? ALL : FINE;
        int first = (int) Math.floor(Math.log10(lo) + EPS);
        int last = (int) Math.floor(Math.log10(hi) + EPS);
        int decades = last - first + 1;
        int stride = Math.max(1, (int) Math.ceil(count(lo, hi, DECADES) / (double) MAX_LABELS));
        boolean minor = decades <= MAX_DECADES_WITH_MINOR_TICKS;
        boolean plain = Math.log10(lo) >= PLAIN_FROM - EPS && Math.log10(hi) <= PLAIN_TO + 1 - EPS;
        List<Tick> ticks = new ArrayList<>();
        for (int k = first; k <= last; k++) {
            for (int t : FINE) {  // FINE holds every mantissa any tier labels, ALL's among them
                double v = value(t, k);
                if (!inside(v, lo, hi)) {
                    continue;
                }
                if (contains(labelled, t) && (t != 10 || Math.floorMod(k, stride) == 0)) {
                    ticks.add(new Tick(v, true, plain ? plain(t, k) : label(t, k)));
                } else if (t == 10) {
                    ticks.add(new Tick(v, true, ""));  // a decade between labelled ones keeps its grid line
                } else if (minor && t % 10 == 0) {
                    ticks.add(new Tick(v, false, ""));
                }
            }
        }
        return ticks;
    }

    /** (tenths / 10)·10ᵏ. */
    private static double value(int tenths, int k) { return tenths * Math.pow(10, k - 1); }

    /** (tenths / 10)·10ᵏ as a decimal: "0.002", "0.15", "50", "100". */
    static String plain(int tenths, int k) {
        return java.math.BigDecimal.valueOf(tenths).scaleByPowerOfTen(k - 1).stripTrailingZeros().toPlainString();
    }

    /** (tenths / 10)·10ᵏ as a power: "10⁻³" for a decade, else "2×10⁻³", "1.5×10⁻³". */
    static String label(int tenths, int k) {
        String power = "10" + superscript(k);
        return tenths == 10 ? power : plain(tenths, 0) + "×" + power;
    }

    static String superscript(int k) {
        String digits = Integer.toString(k);
        StringBuilder b = new StringBuilder(digits.length());
        for (char c : digits.toCharArray()) {
            b.append(switch (c) {
                case '-' -> '⁻';
                case '1' -> '¹';
                case '2' -> '²';
                case '3' -> '³';
                default -> (char) ('⁰' + (c - '0'));  // U+2070, U+2074..U+2079; 1-3 live in Latin-1 above
            });
        }
        return b.toString();
    }

    private static int count(double lo, double hi, int[] mantissas) {
        int n = 0;
        for (int k = (int) Math.floor(Math.log10(lo) + EPS); k <= (int) Math.floor(Math.log10(hi) + EPS); k++) {
            for (int t : mantissas) {
                if (inside(value(t, k), lo, hi)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean inside(double v, double lo, double hi) {
        double lv = Math.log10(v);
        return lv >= Math.log10(lo) - EPS && lv <= Math.log10(hi) + EPS;
    }

    private static boolean contains(int[] a, int m) {
        for (int x : a) {
            if (x == m) {
                return true;
            }
        }
        return false;
    }

    /** The largest m·10ᵏ (m = 1..9) at or below {@code v}. */
    private static double multipleBelow(double v) {
        int k = (int) Math.floor(Math.log10(v) + EPS);
        double unit = Math.pow(10, k);
        return Math.max(1, Math.floor(v / unit + EPS)) * unit;
    }

    /** The smallest m·10ᵏ (m = 1..10) at or above {@code v}. */
    private static double multipleAbove(double v) {
        int k = (int) Math.floor(Math.log10(v) + EPS);
        double unit = Math.pow(10, k);
        return Math.ceil(v / unit - EPS) * unit;
    }
}
