package org.sparsefeat.theory;

import java.util.function.DoubleUnaryOperator;
import org.sparsefeat.util.InvalidInputException;

/**
 * Funk-Hecke coefficients of a function f of t = x.y on S^{d-1}:
 * <pre>  f_k = (|S^{d-2}| / |S^{d-1}|) int_{-1}^{1} f(t) P_k(t) (1 - t^2)^{(d-3)/2} dt,   k = 0..kmax,</pre>
 * so that f(t) = sum_k N(d, k) f_k P_k(t) (docs/theory.md, 'Spectra and predicted curves').
 *
 * <p>Why in theta: the kernels are not smooth in t at t = +-1 (sqrt(1 - t) and (1 + t)^{3/2} terms: NTK, k0,
 * Laplace), and Gauss-Jacobi in t would converge only algebraically. With t = cos(theta) every kernel of the engine
 * is analytic in theta on [0, pi] (k_n and the NTK are polynomials in theta, sin and cos; Laplace's
 * sqrt(1 - t) = sqrt 2 sin(theta/2)), and so is the weight sin^{d-2}(theta): Gauss-Legendre in theta converges
 * geometrically once it resolves P_k(cos theta), which oscillates like cos(k theta). The teacher's act(t)^a has
 * its kink at t = 0 instead: there the rule is split at theta = pi/2, and for a non-integer a the nodes are graded
 * towards pi/2.
 */
final class FunkHecke {
    private FunkHecke() {}

    /** f_k with, for each, a bound on its rounding error (the sum's terms in absolute value times a few eps). */
    record Raw(double[] value, double[] noise, int nodes) {}

    /** Gauss-Legendre nodes for degrees up to kmax on a theta interval of length pi (see {@link #coefficients}). */
    static int nodesFor(int kmax) {
        // P_k(cos theta) has frequency k; Legendre series of cos(k theta) on [0, pi] end near degree k pi/2, and
        // a rule of m nodes is exact to degree 2m - 1: m ~ k pi/4 would do; k + 48 leaves a margin that the tests
        // check (doubling the nodes changes no resolved coefficient).
        return kmax + 48;
    }

    /**
     * The coefficients of f by Gauss-Legendre in theta.
     *
     * @param splitAtZero   split at t = 0 (theta = pi/2), where f has a kink (the teacher's activation)
     * @param gradeExponent q >= 1: on each half, theta = pi/2 -+ (pi/2) s^q with s Gauss-Legendre on [0, 1], which
     *                      makes a (t)^a singularity at t = 0 into a smooth s^{q a + q - 1}; 1 for no grading
     */
    static Raw coefficients(DoubleUnaryOperator f, int d, int kmax, boolean splitAtZero, int gradeExponent) {
        Harmonics.requireDimension(d);
        if (kmax < 0) {
            throw new InvalidInputException("{kmax} must be >= 0, got " + kmax);
        }
        int m = nodesFor(kmax) * gradeExponent;
        double[] t;
        double[] w;
        GaussLegendre.Rule rule = GaussLegendre.of(m);
        double omega = Harmonics.surfaceRatio(d);
        if (!splitAtZero) {
            t = new double[m];
            w = new double[m];
            for (int i = 0; i < m; i++) {
                double theta = Math.PI / 2 * (1 + rule.x()[i]);
                t[i] = Math.cos(theta);
                w[i] = omega * Math.PI / 2 * rule.w()[i] * Math.pow(Math.sin(theta), d - 2);
            }
        } else {
            t = new double[2 * m];
            w = new double[2 * m];
            for (int i = 0; i < m; i++) {
                double s = (1 + rule.x()[i]) / 2;  // s in (0, 1), weight w/2
                double u = Math.PI / 2 * Math.pow(s, gradeExponent);
                double du = Math.PI / 2 * gradeExponent * Math.pow(s, gradeExponent - 1) * rule.w()[i] / 2;
                for (int side = 0; side < 2; side++) {
                    double theta = side == 0 ? Math.PI / 2 - u : Math.PI / 2 + u;
                    // cos(pi/2 -+ u) = +-sin u, exactly signed and accurate near t = 0
                    t[2 * i + side] = side == 0 ? Math.sin(u) : -Math.sin(u);
                    w[2 * i + side] = omega * du * Math.pow(Math.cos(u), d - 2);
                }
            }
        }
        int count = t.length;
        double[] wf = new double[count];
        for (int i = 0; i < count; i++) {
            wf[i] = w[i] * f.applyAsDouble(t[i]);
            if (!Double.isFinite(wf[i])) {
                throw new IllegalStateException("the function is not finite at t = " + t[i]);
            }
        }
        double[] value = new double[kmax + 1];
        double[] noise = new double[kmax + 1];
        double[] pPrev = new double[count];
        double[] p = new double[count];
        java.util.Arrays.fill(p, 1);
        // rounding: the sum of count terms, the recurrence's and f's own relative errors, all of order eps
        double eps = 8 * Math.ulp(1.0) * Math.sqrt(count);
        for (int k = 0; ; k++) {
            double sum = 0;
            double abs = 0;
            for (int i = 0; i < count; i++) {
                double term = wf[i] * p[i];
                sum += term;
                abs += Math.abs(term);
            }
            value[k] = sum;
            noise[k] = eps * abs;
            if (k == kmax) {
                break;
            }
            if (k == 0) {
                System.arraycopy(p, 0, pPrev, 0, count);
                System.arraycopy(t, 0, p, 0, count);
            } else {
                double a = (2.0 * k + d - 2) / (k + d - 2);
                double b = (double) k / (k + d - 2);
                for (int i = 0; i < count; i++) {
                    double next = a * t[i] * p[i] - b * pPrev[i];
                    pPrev[i] = p[i];
                    p[i] = next;
                }
            }
        }
        return new Raw(value, noise, count);
    }
}
