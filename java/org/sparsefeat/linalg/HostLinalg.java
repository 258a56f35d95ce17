package org.sparsefeat.linalg;

/**
 * Dense linear algebra on host matrices, in OpenBLAS: the Cholesky factorisation and the level-2 products that KRR's
 * host factors and the GRF target need. It is the same on every backend (a GPU backend would only copy a host
 * matrix over and back), so it is not part of {@code Backend}; OpenBLAS's thread count is
 * {@link OpenBlas#threads()}, set once for the process by {@link NativeThreads}.
 */
public final class HostLinalg {
    private HostLinalg() {}

    /**
     * Replaces the lower triangle of {@code a} by L with L L^T = A + ridge I.
     *
     * @throws NotPositiveDefiniteException naming the first pivot that is not numerically positive
     *         (see {@link Pivots})
     */
    public static void cholesky(Matrix a, double ridge) {
        if (!a.isSquare()) {
            throw new IllegalArgumentException("Cholesky needs a square matrix, got " + a);
        }
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("ridge must be a finite number >= 0, got " + ridge);
        }
        int n = a.rows();
        double maxDiag = Pivots.maxDiagonal(a, ridge);
        if (ridge != 0) {
            for (int i = 0; i < n; i++) {
                a.data()[i * n + i] += ridge;
            }
        }
        int info = OpenBlas.dpotrfLower(a);
        if (info > 0) {
            throw new NotPositiveDefiniteException(info, n, "the leading minor of order " + info + " is not positive");
        }
        if (info < 0) {
            throw new IllegalStateException("dpotrf rejected argument " + (-info));
        }
        Pivots.requireNumericallyPositive(a, maxDiag);
    }

    /** b := (L L^T)^{-1} b, with L from {@link #cholesky}. */
    public static void choleskySolve(Matrix l, double[] b) {
        if (b.length != l.rows()) {
            throw new IllegalArgumentException("right-hand side has " + b.length + " values, the factor is " + l);
        }
        OpenBlas.dpotrsLower(l, b, 1);
    }

    /** A x. */
    public static double[] multiply(Matrix a, double[] x) { return OpenBlas.gemv(a, x); }

    /** L x for lower-triangular L. */
    public static double[] lowerMultiply(Matrix l, double[] x) {
        double[] y = x.clone();
        OpenBlas.trmvLower(l, y);
        return y;
    }

    /** L (L^T x): the factored matrix times x, with L from {@link #cholesky}. */
    public static double[] factorMultiply(Matrix l, double[] x) {
        double[] y = x.clone();
        OpenBlas.trmvLower(l, y, true);
        OpenBlas.trmvLower(l, y, false);
        return y;
    }
}
