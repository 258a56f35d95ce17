package org.sparsefeat.theory;

/**
 * The spectral ("eigenlearning") prediction of kernel ridge(less) regression's test error, averaged over training
 * sets of n points uniform on S^{d-1} and over targets with power c_k per harmonic (docs/theory.md, 'Spectra and
 * predicted curves'). With every harmonic a mode of eigenvalue lambda_k, counted N(d, k) times:
 * <pre>
 *   kappa > 0 solves   sum_k N(d,k) lambda_k / (lambda_k + kappa) + ridge / kappa = n
 *   L_k = lambda_k / (lambda_k + kappa)                      (the mode's learnability)
 *   E_0 = n / (n - sum_k N(d,k) L_k^2)
 *   predicted test MSE = E_0 sum_k N(d,k) c_k (1 - L_k)^2    (the full MSE mean (f - y)^2; no label noise)
 * </pre>
 * The ridge is the one the engine adds to K's diagonal (K + ridge I), with K's eigenvalues those of the kernel
 * against the uniform probability measure. Degrees beyond the spectra's kmax enter through their power-law tails,
 * summed as an integral over k (each parity has density 1/2). A spectrum's {@link Spectrum#remainder} (the power
 * of unresolved degrees that its values and tails do not account for: at large d, most of the harmonics) enters as modes
 * whose eigenvalues are all far below kappa: the kernel's adds remainder/kappa to the learned modes (it acts as a
 * ridge), the target's is not learned at all. That holds when kappa exceeds every such eigenvalue by
 * {@link #REMAINDER_MARGIN}; below, no prediction is made (kmax or the quadrature does not resolve that n).
 */
public final class Eigenlearning {
    /** Whether a point was predicted, and if not, why. */
    public enum Outcome {
        SOLVED,
        /** Ridgeless, and the spectrum has no more modes than n: kappa has no root. */
        FEW_MODES,
        /** kappa falls to the eigenvalues of the unresolved degrees, which the prediction counts only in sum. */
        UNRESOLVED
    }

    /**
     * One point of a predicted curve.
     *
     * @param kappa   the effective regularisation; NaN unless solved
     * @param testMse the predicted full test MSE; NaN unless solved
     * @param e0      the overfitting factor E_0 >= 1; NaN unless solved
     */
    public record Prediction(int n, double ridge, double kappa, double testMse, double e0, Outcome outcome) {
        public boolean solved() { return outcome == Outcome.SOLVED; }
    }

    /** kappa must exceed the remainders' eigenvalues this many times: their learnability is then below 1%. */
    static final double REMAINDER_MARGIN = 100;

    private final int d;
    /** Per mode (a degree, or a point of the tails' integral): lambda, N lambda and N c (products, as N can overflow). */
    private final double[] lambda;
    private final double[] weightedLambda;
    private final double[] weightedPower;
    private final boolean infiniteModes;
    /** The kernel's remainder (its power in unresolved degrees) and the target's. */
    private final double kernelRemainder;
    private final double targetRemainder;
    /** The largest eigenvalue a remainder's mode may have: kappa must stay far above it. */
    private final double remainderEigenvalue;

    public Eigenlearning(Spectrum kernel, Spectrum target) {
        if (kernel.d() != target.d()) {
            throw new IllegalArgumentException("kernel spectrum at d = " + kernel.d() + " but target at d = " + target.d());
        }
        d = kernel.d();
        int kmax = Math.min(kernel.kmax(), target.kmax());
        int modes = kmax + 1 + 2 * Spectrum.TAIL_NODES;
        lambda = new double[modes];
        weightedLambda = new double[modes];
        weightedPower = new double[modes];
        for (int k = 0; k <= kmax; k++) {
            lambda[k] = kernel.value(k);
            weightedLambda[k] = Harmonics.timesMultiplicity(d, k, lambda[k]);
            weightedPower[k] = Harmonics.timesMultiplicity(d, k, target.value(k));
        }
        boolean tail = false;
        int i = kmax + 1;
        for (int parity = 0; parity < 2; parity++) {
            Spectrum.TailRule rule = Spectrum.tailRule(d, kmax, parity);
            for (int j = 0; j < rule.k().length; j++, i++) {
                double k = rule.k()[j];
                lambda[i] = kernel.tail(k, parity);
                weightedLambda[i] = lambda[i] > 0 ? Math.exp(rule.logWeight()[j] + Math.log(lambda[i])) : 0;
                double c = target.tail(k, parity);
                weightedPower[i] = c > 0 ? Math.exp(rule.logWeight()[j] + Math.log(c)) : 0;
                tail |= lambda[i] > 0;
            }
        }
        double kr = 0;
        double tr = 0;
        double bound = 0;
        for (int parity = 0; parity < 2; parity++) {
            if (kernel.remainder(parity) > 0) {
                kr += kernel.remainder(parity);
                bound = Math.max(bound, kernel.remainderBound(parity));
            }
            if (target.remainder(parity) > 0) {
                tr += target.remainder(parity);
                // counted as unlearned: the kernel's eigenvalues at the target's unresolved degrees must be small too
                bound = Math.max(bound, kernelBeyond(kernel, target.lastResolved(parity) + 2, parity, kmax));
            }
        }
        kernelRemainder = kr;
        targetRemainder = tr;
        remainderEigenvalue = bound;
        infiniteModes = tail || kr > 0;
    }

    /** The largest kernel eigenvalue of a parity at degree from and beyond. */
    private static double kernelBeyond(Spectrum kernel, int from, int parity, int kmax) {
        double max = Math.max(kernel.tail(kmax + 1, parity), kernel.remainder(parity) > 0 ? kernel.remainderBound(parity) : 0);
        for (int k = Math.max(from, parity); k <= kmax; k += 2) {
            max = Math.max(max, kernel.value(k));
        }
        return max;
    }

    /** sum_k N(d, k) lambda_k / (lambda_k + kappa): the number of modes learned at kappa. */
    public double learnedModes(double kappa) {
        double s = kernelRemainder / kappa;
        for (int i = 0; i < lambda.length; i++) {
            if (lambda[i] > 0) {
                s += weightedLambda[i] / (lambda[i] + kappa);
            }
        }
        return s;
    }

    /** The effective regularisation at n and ridge, or NaN when none exists (ridgeless with too few modes). */
    public double kappa(double n, double ridge) {
        if (!(n > 0) || !(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("need n > 0 and a finite ridge >= 0, got n = " + n + ", ridge = " + ridge);
        }
        double trace = kernelRemainder;
        for (double w : weightedLambda) {
            trace += w;
        }
        // excess(kappa) = learned + ridge/kappa - n decreases in kappa; at hi it is <= 0 since learned <= trace/kappa
        double hi = (trace + ridge) / n;
        double lo = hi;
        while (excess(lo, n, ridge) <= 0) {
            lo /= 4;
            if (lo < Double.MIN_NORMAL * 1e10) {
                return Double.NaN;  // ridgeless, and the spectrum has no more than n modes
            }
        }
        if (lo == hi) {
            return hi;  // excess(hi) > 0 only by rounding at the bound
        }
        for (int it = 0; it < 200 && hi / lo > 1 + 1e-14; it++) {
            double mid = Math.sqrt(lo * hi);
            if (excess(mid, n, ridge) > 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.sqrt(lo * hi);
    }

    private double excess(double kappa, double n, double ridge) { return learnedModes(kappa) + ridge / kappa - n; }

    /** The predicted full test MSE at n training points. */
    public Prediction predict(int n, double ridge) {
        double kappa = kappa(n, ridge);
        if (!Double.isFinite(kappa)) {
            return new Prediction(n, ridge, Double.NaN, Double.NaN, Double.NaN, Outcome.FEW_MODES);
        }
        if (kappa < REMAINDER_MARGIN * remainderEigenvalue) {
            return new Prediction(n, ridge, Double.NaN, Double.NaN, Double.NaN, Outcome.UNRESOLVED);
        }
        double l2 = 0;
        double err = targetRemainder;  // unlearned: its modes' eigenvalues are far below kappa
        for (int i = 0; i < lambda.length; i++) {
            double shrink = kappa / (lambda[i] + kappa);  // 1 - L_k
            if (lambda[i] > 0) {
                l2 += weightedLambda[i] * lambda[i] / ((lambda[i] + kappa) * (lambda[i] + kappa));  // N L_k^2
            }
            err += weightedPower[i] * shrink * shrink;
        }
        double e0 = n / (n - l2);
        double mse = e0 * err;
        if (!(e0 >= 1 && Double.isFinite(mse) && mse >= 0)) {
            throw new IllegalStateException("eigenlearning at n = " + n + ", ridge = " + ridge + " gave kappa = " + kappa
                    + ", E_0 = " + e0 + ", test MSE = " + mse);
        }
        return new Prediction(n, ridge, kappa, mse, e0, Outcome.SOLVED);
    }

    /**
     * Whether the kernel has modes beyond kmax (a power-law tail) or unresolved ones (a remainder): then ridgeless
     * kappa exists at every n.
     */
    public boolean infiniteModes() { return infiniteModes; }

    public int d() { return d; }

    /**
     * A kmax that resolves a curve up to nMax: several times the degree k* at which the harmonics up to k* number
     * nMax (the degree where the learned modes end), at least 128 and at most 8192 (the tails carry the rest).
     */
    public static int kmaxFor(int d, int nMax) {
        double count = 0;
        int k = 0;
        while (count < nMax && k < 100_000) {
            count += Harmonics.multiplicity(d, k);
            k++;
        }
        return (int) Math.max(128, Math.min(8192, 6L * k));
    }
}
