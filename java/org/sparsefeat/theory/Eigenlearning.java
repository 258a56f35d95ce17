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
 * summed as an integral over k (each parity has density 1/2).
 */
public final class Eigenlearning {
    /**
     * One point of a predicted curve.
     *
     * @param kappa   the effective regularisation; NaN when the equation has no solution (ridgeless, fewer
     *                modes than n), and then testMse is NaN too
     * @param testMse the predicted full test MSE
     * @param e0      the overfitting factor E_0 >= 1
     */
    public record Prediction(int n, double ridge, double kappa, double testMse, double e0) {
        public boolean solved() { return Double.isFinite(kappa); }
    }

    /** Tail quadrature: k = k0 e^{s}, s = 0, h, .., S (trapezoid in log k). */
    private static final double TAIL_STEP = 0.05;
    private static final int TAIL_POINTS = 700;

    private final int d;
    /** Per mode (a degree, or a point of the tails' integral): lambda, N lambda and N c (products, as N can overflow). */
    private final double[] lambda;
    private final double[] weightedLambda;
    private final double[] weightedPower;
    private final boolean infiniteModes;

    public Eigenlearning(Spectrum kernel, Spectrum target) {
        if (kernel.d() != target.d()) {
            throw new IllegalArgumentException("kernel spectrum at d = " + kernel.d() + " but target at d = " + target.d());
        }
        d = kernel.d();
        int kmax = Math.min(kernel.kmax(), target.kmax());
        int modes = kmax + 1 + 2 * (TAIL_POINTS + 1);
        lambda = new double[modes];
        weightedLambda = new double[modes];
        weightedPower = new double[modes];
        for (int k = 0; k <= kmax; k++) {
            double n = Harmonics.multiplicity(d, k);
            lambda[k] = kernel.value(k);
            weightedLambda[k] = n * lambda[k];
            weightedPower[k] = n * target.value(k);
        }
        boolean tail = false;
        int i = kmax + 1;
        for (int parity = 0; parity < 2; parity++) {
            int lastComputed = kmax % 2 == parity ? kmax : kmax - 1;
            double k0 = lastComputed + 1;  // sum over k = last + 2, last + 4, .. ~ (1/2) int_{last + 1}^inf dk
            for (int j = 0; j <= TAIL_POINTS; j++, i++) {
                double k = k0 * Math.exp(j * TAIL_STEP);
                double trapezoid = j == 0 || j == TAIL_POINTS ? 0.5 : 1;
                // log of the weight: N(d, k) ~ k^{d-2} alone overflows far out at large d, N lambda_k does not
                double logWeight = Math.log(0.5 * k * TAIL_STEP * trapezoid) + logMultiplicity(d, k);
                lambda[i] = kernel.tail(k, parity);
                weightedLambda[i] = lambda[i] > 0 ? Math.exp(logWeight + Math.log(lambda[i])) : 0;
                double c = target.tail(k, parity);
                weightedPower[i] = c > 0 ? Math.exp(logWeight + Math.log(c)) : 0;
                tail |= lambda[i] > 0;
            }
        }
        infiniteModes = tail;
    }

    /** log N(d, k) at real k >= 1 (the tails' density). */
    private static double logMultiplicity(int d, double k) {
        double log = Math.log((2 * k + d - 2) / k);
        for (int j = 1; j <= d - 2; j++) {
            log += Math.log((k - 1 + j) / j);
        }
        return log;
    }

    /** sum_k N(d, k) lambda_k / (lambda_k + kappa): the number of modes learned at kappa. */
    public double learnedModes(double kappa) {
        double s = 0;
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
        double trace = 0;
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
            return new Prediction(n, ridge, Double.NaN, Double.NaN, Double.NaN);
        }
        double l2 = 0;
        double err = 0;
        for (int i = 0; i < lambda.length; i++) {
            double shrink = kappa / (lambda[i] + kappa);  // 1 - L_k
            if (lambda[i] > 0) {
                l2 += weightedLambda[i] * lambda[i] / ((lambda[i] + kappa) * (lambda[i] + kappa));  // N L_k^2
            }
            err += weightedPower[i] * shrink * shrink;
        }
        double e0 = n / (n - l2);
        return new Prediction(n, ridge, kappa, e0 * err, e0);
    }

    /** Whether the kernel has modes beyond kmax (a power-law tail): then ridgeless kappa exists at every n. */
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
