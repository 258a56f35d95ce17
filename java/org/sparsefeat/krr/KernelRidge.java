package org.sparsefeat.krr;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;
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
        try (Fit fit = fitWithFactor(backend, kernel, ridge, x, y, timer)) {
            return fit.model();
        }
    }

    /** A fitted model with the Cholesky factor L of K + ridge I it was solved with; closing frees the factor. */
    public record Fit(KrrModel model, GramFactor factor) implements AutoCloseable {
        @Override
        public void close() { factor.close(); }
    }

    /** As {@link #fit}, keeping the factor (n x n) for later use, such as the training predictions. */
    public static Fit fitWithFactor(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y, PhaseTimer timer) {
        if (x.rows() != y.length) {
            throw new IllegalArgumentException("X has " + x.rows() + " rows but y has " + y.length + " values");
        }
        if (x.rows() < 1) {
            throw new IllegalArgumentException("need at least one training point");
        }
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new InvalidInputException("{ridge} must be a finite number >= 0, got " + ridge);
        }
        GramFactor factor = backend.factorGram(kernel, x, ridge, timer);
        try {
            double[] c = timer.time("solve", () -> factor.solve(y));
            return new Fit(new KrrModel(kernel, ridge, x, c), factor);
        } catch (RuntimeException e) {
            factor.close();
            throw e;
        }
    }

    public static KrrModel fit(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y) {
        return fit(backend, kernel, ridge, x, y, new PhaseTimer());
    }
}
