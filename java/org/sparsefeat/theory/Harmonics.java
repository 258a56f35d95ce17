package org.sparsefeat.theory;

import org.sparsefeat.util.InvalidInputException;

/**
 * Spherical harmonics of S^{d-1} by degree: the Gegenbauer polynomials P_k normalised to P_k(1) = 1 (Legendre at
 * d = 3, Chebyshev at d = 2), the multiplicities N(d, k) and the Funk-Hecke constant (docs/theory.md, 'Spectra and
 * predicted curves'). With these, a dot-product function K(x.y) = sum_k N(d, k) lambda_k P_k(x.y).
 */
public final class Harmonics {
    private Harmonics() {}

    static void requireDimension(int d) {
        if (d < 2) {
            throw new InvalidInputException("{d} must be >= 2 (the sphere S^{d-1}), got " + d);
        }
    }

    /** N(d, k), the number of independent degree-k harmonics: 1 at k = 0, (2k + d - 2)/k C(k + d - 3, k - 1). */
    public static double multiplicity(int d, int k) {
        requireDimension(d);
        if (k == 0) {
            return 1;
        }
        double binomial = 1;  // C(k + d - 3, d - 2) = C(k + d - 3, k - 1), as a product of d - 2 ratios
        for (int j = 1; j <= d - 2; j++) {
            binomial *= (double) (k - 1 + j) / j;
        }
        return (2.0 * k + d - 2) / k * binomial;
    }

    /** log N(d, k) at real k >= 1 (the tails' density), or k = 0; finite where N(d, k) itself overflows. */
    public static double logMultiplicity(int d, double k) {
        requireDimension(d);
        if (k == 0) {
            return 0;
        }
        double log = Math.log((2 * k + d - 2) / k);
        for (int j = 1; j <= d - 2; j++) {
            log += Math.log((k - 1 + j) / j);
        }
        return log;
    }

    /**
     * N(d, k) v for v >= 0: the power of all degree-k harmonics together. Through logarithms where N(d, k) overflows
     * (C(k + d - 3, k - 1) passes 1e308 at d = 1000, k = 650), so that a zero or tiny v gives 0 or a tiny product
     * rather than infinity times zero.
     */
    public static double timesMultiplicity(int d, int k, double v) {
        if (v == 0) {
            return 0;
        }
        double n = multiplicity(d, k);
        if (Double.isFinite(n)) {
            return n * v;
        }
        return Math.exp(logMultiplicity(d, k) + Math.log(v));
    }

    /** |S^{d-2}| / |S^{d-1}| = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)): the Funk-Hecke integral's constant. */
    public static double surfaceRatio(int d) {
        requireDimension(d);
        // r(d) = Gamma(d/2) / Gamma((d-1)/2): r(2) = 1/sqrt(pi), r(3) = sqrt(pi)/2, r(d + 2) = r(d) d/(d - 1)
        double r = d % 2 == 0 ? 1 / Math.sqrt(Math.PI) : Math.sqrt(Math.PI) / 2;
        for (int e = d % 2 == 0 ? 2 : 3; e < d; e += 2) {
            r *= (double) e / (e - 1);
        }
        return r / Math.sqrt(Math.PI);
    }

    /** P_0(t) .. P_kmax(t) by the three-term recurrence (stable forward on [-1, 1]). */
    public static double[] polynomials(int d, int kmax, double t) {
        requireDimension(d);
        double[] p = new double[kmax + 1];
        p[0] = 1;
        if (kmax >= 1) {
            p[1] = t;
        }
        for (int k = 1; k < kmax; k++) {
            p[k + 1] = next(d, k, t, p[k], p[k - 1]);
        }
        return p;
    }

    /** P_{k+1}(t) = ((2k + d - 2) t P_k - k P_{k-1}) / (k + d - 2), for k >= 1. */
    static double next(int d, int k, double t, double pk, double pkm1) {
        return ((2.0 * k + d - 2) * t * pk - k * pkm1) / (k + d - 2);
    }
}
