package org.sparsefeat.linalg;

/**
 * The rule that turns a Cholesky factor into a verdict, shared by every backend. LAPACK only fails on pivots
 * that are exactly non-positive; an exactly singular matrix (two identical training points) usually gives a
 * tiny positive pivot instead, and the solve then returns garbage. We treat a squared pivot below
 * {@code n * eps * max_i A_ii} as singular: a matrix whose Schur complement falls that low relative to its
 * scale has no digits left to trust in float64.
 */
public final class Pivots {
    private static final double EPS = Math.ulp(1.0);

    private Pivots() {}

    /**
     * @param lower   the factor L (row-major, lower triangle)
     * @param maxDiag the largest diagonal entry of the factored matrix (ridge included)
     * @throws NotPositiveDefiniteException at the first pivot below the threshold
     */
    public static void requireNumericallyPositive(Matrix lower, double maxDiag) {
        requireNumericallyPositive(lower.diagonal(), maxDiag);
    }

    /** As above, from the factor's diagonal alone (what a GPU backend brings back). */
    public static void requireNumericallyPositive(double[] pivots, double maxDiag) {
        requireNumericallyPositive(pivots, 0, pivots.length, maxDiag);
    }

    /**
     * As above for pivots {@code first} .. {@code first + pivots.length - 1} (0-based) of a factor of order n: one
     * diagonal tile of a tiled factorisation, the exception naming the global pivot.
     */
    public static void requireNumericallyPositive(double[] pivots, int first, int n, double maxDiag) {
        double threshold = n * EPS * maxDiag;
        for (int i = 0; i < pivots.length; i++) {
            double p = pivots[i];
            double sq = p * p;
            if (!(sq > threshold)) {
                String detail = Double.isNaN(p) ? "NaN"
                        : String.format("squared pivot %.3g <= n*eps*max(diag) = %.3g", sq, threshold);
                throw new NotPositiveDefiniteException(first + i + 1, n, detail);
            }
        }
    }

    /** The largest diagonal entry of a square matrix, plus the ridge that will be added to it. */
    public static double maxDiagonal(Matrix a, double ridge) { return maxDiagonal(a.diagonal(), ridge); }

    /** The largest of {@code diagonal}, plus the ridge. */
    public static double maxDiagonal(double[] diagonal, double ridge) {
        double max = 0;
        for (double v : diagonal) {
            max = Math.max(max, v + ridge);
        }
        return max;
    }
}
