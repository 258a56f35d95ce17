package org.sparsefeat.theory;

import java.util.function.DoubleUnaryOperator;
import org.sparsefeat.util.InvalidInputException;

/**
 * Funk-Hecke coefficients of a function f of t = x.y on S^{d-1}:
 * <pre>  f_k = (|S^{d-2}| / |S^{d-1}|) int_{-1}^{1} f(t) P_k(t) (1 - t^2)^{(d-3)/2} dt,   k = 0..kmax,</pre>
 * so that f(t) = sum_k N(d, k) f_k P_k(t) (docs/theory.md, 'Spectra and predicted curves').
 *
 * <p>Why in theta: the kernels are not smooth in t at t = +-1 (sqrt(1 - t) and (1 + t)^{3/2} terms: NTK, k0,
 * Laplace), and Gauss-Jacobi in t would converge only algebraically at small d. With t = cos(theta) every kernel of
 * the engine is analytic in theta on [0, pi] (k_n and the NTK are polynomials in theta, sin and cos; Laplace's
 * sqrt(1 - t) = sqrt 2 sin(theta/2)), and so is the weight sin^{d-2}(theta): Gauss-Legendre in theta converges
 * geometrically once it resolves both P_k(cos theta), which oscillates like cos(k theta), and the weight, a bump of
 * width about 1/sqrt(d) around theta = pi/2 at large d ({@link #nodesFor}). The teacher's act(t)^a has its kink at
 * t = 0 instead: there the rule is split at theta = pi/2, and for a non-integer a the nodes are graded towards pi/2.
 *
 * <p>Every coefficient is computed twice, with m and 2m nodes: the finer value is kept, and its error bound is the
 * larger of its rounding bound and the two values' difference, so that a coefficient the rule has not converged on
 * is never counted as resolved.
 */
final class FunkHecke {
    private FunkHecke() {}

    /** f_k with, for each, a bound on its error (rounding, and the rule's discretisation), and the finer rule's size. */
    record Raw(double[] value, double[] noise, int nodes) {}

    /** Nodes and weights of a rule in t, the weight's factor omega (1 - t^2)^{(d-3)/2} included. */
    private record Rule(double[] t, double[] w) {}

    /** Gauss-Legendre nodes for degrees up to kmax at dimension d on a theta interval of length pi. */
    static int nodesFor(int kmax, int d) {
        // P_k(cos theta) has frequency k; Legendre series of cos(k theta) on [0, pi] end near degree k pi/2, and a
        // rule of m nodes is exact to degree 2m - 1: m ~ k pi/4 would do. The weight sin^{d-2} theta is about
        // exp(-(d-2) u^2 / 2), u = theta - pi/2: the rule's spacing near pi/2, about pi^2 / (2m), must be well below
        // its width 1/sqrt(d - 2); 8 sqrt(d) nodes make it 0.6 widths, where a Gaussian's error is ~ e^{-50}. The
        // doubled rule of coefficients() checks both margins.
        return kmax + 48 + (int) Math.ceil(8 * Math.sqrt(d));
    }

    /**
     * The coefficients of f by Gauss-Legendre in theta, checked against the rule of twice the nodes.
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
        int m = nodesFor(kmax, d) * gradeExponent;
        double[][] coarse = sums(f, rule(d, m, splitAtZero, gradeExponent), d, kmax);
        Rule fineRule = rule(d, 2 * m, splitAtZero, gradeExponent);
        double[][] fine = sums(f, fineRule, d, kmax);
        double[] noise = new double[kmax + 1];
        for (int k = 0; k <= kmax; k++) {
            noise[k] = Math.max(fine[1][k], Math.abs(fine[0][k] - coarse[0][k]));
        }
        return new Raw(fine[0], noise, fineRule.t().length);
    }

    private static Rule rule(int d, int m, boolean splitAtZero, int gradeExponent) {
        GaussLegendre.Rule rule = GaussLegendre.of(m);
        double omega = Harmonics.surfaceRatio(d);
        if (!splitAtZero) {
            double[] t = new double[m];
            double[] w = new double[m];
            for (int i = 0; i < m; i++) {
                double u = Math.PI / 2 * rule.x()[i];  // theta - pi/2
                t[i] = -Math.sin(u);                   // cos(pi/2 + u)
                w[i] = omega * Math.PI / 2 * rule.w()[i] * cosPower(u, d - 2);
            }
            return new Rule(t, w);
        }
        double[] t = new double[2 * m];
        double[] w = new double[2 * m];
        for (int i = 0; i < m; i++) {
            double s = (1 + rule.x()[i]) / 2;  // s in (0, 1), weight w/2
            double u = Math.PI / 2 * Math.pow(s, gradeExponent);
            double du = Math.PI / 2 * gradeExponent * Math.pow(s, gradeExponent - 1) * rule.w()[i] / 2;
            for (int side = 0; side < 2; side++) {
                // cos(pi/2 -+ u) = +-sin u, exactly signed and accurate near t = 0
                t[2 * i + side] = side == 0 ? Math.sin(u) : -Math.sin(u);
                w[2 * i + side] = omega * du * cosPower(u, d - 2);
            }
        }
        return new Rule(t, w);
    }

    /**
     * cos(u)^e, to a few ulps at any e: pow(cos u, e) would multiply cos u's own rounding by e (1e-12 at d = 10000),
     * while log cos u = log1p(-2 sin^2(u/2)) keeps it relative to the logarithm, which is small where the weight is
     * not.
     */
    static double cosPower(double u, int e) {
        double h = Math.sin(u / 2);
        return Math.exp(e * Math.log1p(-2 * h * h));
    }

    /** {values, rounding bounds} of sum_i w_i f(t_i) P_k(t_i) for k = 0..kmax. */
    private static double[][] sums(DoubleUnaryOperator f, Rule rule, int d, int kmax) {
        double[] t = rule.t();
        int count = t.length;
        double[] wf = new double[count];
        for (int i = 0; i < count; i++) {
            wf[i] = rule.w()[i] * f.applyAsDouble(t[i]);
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
        return new double[][] {value, noise};
    }
}
