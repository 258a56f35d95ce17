package org.sparsefeat.krr;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.PhaseTimer;

/** Exact kernel ridge(less) regression: c = (K + ridge I)^{-1} y by Cholesky, in float64. */
public final class KernelRidge {
    private KernelRidge() {}

    /**
     * Fits on (x, y); phases "gram", "cholesky", "solve" are timed into {@code timer}.
     *
     * @throws org.sparsefeat.linalg.NotPositiveDefiniteException when K + ridge I is numerically singular
     */
    public static KrrModel fit(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y, PhaseTimer timer) {
        return fitWithFactor(backend, kernel, ridge, x, y, timer).model();
    }

    /** A fitted model with the Cholesky factor L of K + ridge I it was solved with. */
    public record Fit(KrrModel model, Matrix factor) {}

    /** As {@link #fit}, keeping the factor (n x n) for later use, such as the training predictions. */
    public static Fit fitWithFactor(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y, PhaseTimer timer) {
        if (x.rows() != y.length) {
            throw new IllegalArgumentException("X has " + x.rows() + " rows but y has " + y.length + " values");
        }
        if (x.rows() < 1) {
            throw new IllegalArgumentException("need at least one training point");
        }
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("--ridge must be a finite number >= 0, got " + ridge);
        }
        Matrix k = timer.time("gram", () -> backend.gramLower(kernel, x));
        timer.time("cholesky", () -> backend.cholesky(k, ridge));
        double[] c = y.clone();
        timer.time("solve", () -> backend.choleskySolve(k, c));
        return new Fit(new KrrModel(kernel, ridge, x, c), k);
    }

    public static KrrModel fit(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y) {
        return fit(backend, kernel, ridge, x, y, new PhaseTimer());
    }
}
