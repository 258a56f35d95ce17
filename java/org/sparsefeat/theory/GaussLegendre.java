package org.sparsefeat.theory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gauss-Legendre rules on [-1, 1]: the m nodes (roots of the Legendre polynomial P_m) and weights, exact for
 * polynomials of degree 2m - 1. Nodes by Newton's method from Tricomi's approximation, which is accurate enough
 * that two steps reach rounding; O(m^2) work, cached by m.
 */
final class GaussLegendre {
    /** Nodes in decreasing order and their weights. */
    record Rule(double[] x, double[] w) {
        int size() { return x.length; }
    }

    private static final Map<Integer, Rule> CACHE = new ConcurrentHashMap<>();

    private GaussLegendre() {}

    static Rule of(int m) {
        if (m < 1) {
            throw new IllegalArgumentException("a Gauss-Legendre rule needs at least one node, got " + m);
        }
        return CACHE.computeIfAbsent(m, GaussLegendre::compute);
    }

    private static Rule compute(int m) {
        int h = (m + 1) / 2;  // the nodes are symmetric: compute the non-negative half
        double[] x = new double[h];
        double[] dp = new double[h];
        double[] pm = new double[h];
        double c = 1 - (1 - 1.0 / m) / (8.0 * m * m);
        for (int i = 0; i < h; i++) {
            x[i] = c * Math.cos(Math.PI * (i + 0.75) / (m + 0.5));
        }
        for (int iter = 0; iter < 3; iter++) {
            legendre(m, x, pm, dp);
            if (iter < 2) {
                for (int i = 0; i < h; i++) {
                    x[i] -= pm[i] / dp[i];
                }
            }
        }
        double[] xs = new double[m];
        double[] ws = new double[m];
        for (int i = 0; i < h; i++) {
            double w = 2 / ((1 - x[i] * x[i]) * dp[i] * dp[i]);
            xs[i] = x[i];
            ws[i] = w;
            xs[m - 1 - i] = -x[i];
            ws[m - 1 - i] = w;
        }
        if (m % 2 == 1) {
            xs[h - 1] = 0;  // the middle node is exactly 0
        }
        return new Rule(xs, ws);
    }

    /** P_m(x_i) and P_m'(x_i) for every i; the loop over i is innermost, so that it vectorises. */
    private static void legendre(int m, double[] x, double[] pm, double[] dp) {
        int h = x.length;
        double[] p0 = new double[h];
        double[] p1 = x.clone();
        java.util.Arrays.fill(p0, 1);
        for (int j = 2; j <= m; j++) {
            double a = (2.0 * j - 1) / j;
            double b = (j - 1.0) / j;
            for (int i = 0; i < h; i++) {
                double p2 = a * x[i] * p1[i] - b * p0[i];
                p0[i] = p1[i];
                p1[i] = p2;
            }
        }
        for (int i = 0; i < h; i++) {
            pm[i] = p1[i];
            dp[i] = m * (x[i] * p1[i] - p0[i]) / (x[i] * x[i] - 1);
        }
    }
}
