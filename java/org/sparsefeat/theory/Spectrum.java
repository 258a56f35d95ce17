package org.sparsefeat.theory;

import org.sparsefeat.backend.cpu.NativeKernels;
import org.sparsefeat.curve.Theory;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherActivation;

/**
 * The Funk-Hecke spectrum of a dot-product kernel on S^{d-1} (its eigenvalues lambda_k, each of multiplicity
 * N(d, k)), or a random target's power per harmonic of degree k (docs/theory.md, 'Spectra and predicted curves').
 *
 * <p>Coefficients are computed by quadrature ({@link FunkHecke}) up to kmax. Those below the quadrature's error
 * bound are not resolved: where a degree-parity fades into the noise gradually, or is resolved up to kmax, and its
 * last resolved degree r is at least 2d (where the asymptotic law holds), it continues as the power law k^{-decay}
 * with the exponent of curve/Theory.java's smoothness (decay = (d - 1) + 2 nu), from r; this continuation also
 * gives the tail beyond kmax that predicted curves need. Any other parity (a polynomial part that stops abruptly,
 * like the odd degrees >= 3 of k1 and of the NTK; a spectrum resolved only to r < 2d, as at large d; a function
 * without a power law: Gaussian, constant) is zero beyond r. What a parity holds beyond its values and tail is
 * its <em>remainder</em>: its whole power sum_k N(d, k) lambda_k, known exactly from the function's values at
 * t = +-1 (sum_k N(d, k) lambda_k P_k(+-1) = K(+-1), P_k(+-1) = (+-1)^k), less what the values and the tail
 * account for. A polynomial part's remainder is zero within rounding; at large d, or where a continuation falls
 * short, it is a real share of the trace, in degrees whose eigenvalues are all unresolved (tiny), and
 * eigenlearning counts it as such.
 */
public final class Spectrum {
    /** A coefficient is resolved when it exceeds this many times its error bound. */
    static final double RESOLVED = 100;
    /** The last resolved coefficient of a polynomial part is far above the noise; a fading power law is not. */
    static final double ABRUPT = 1e6;
    /**
     * The share of its total that a continued parity may miss without a remainder: at d <= 5 the power-law tails miss
     * below 1e-5; from d ~ 10 the continuation falls short of the spectrum (its local decay there is slower than
     * the asymptotic k^{-decay}) by 1e-4 (d = 10) to a few % (d = 20).
     */
    static final double CONTINUATION_TOLERANCE = 1e-4;
    /** Below this degree, a parity's resolved range is too short to continue as a power law. */
    static final int MIN_POWER_LAW_DEGREE = 8;
    /**
     * Nor below this many times d: k^{-decay} is the law of k >> d; below, the spectrum falls much faster (about
     * d^{-k} at k << d) and a continuation from there would lose the power of the next degrees.
     */
    static final int POWER_LAW_DIMENSIONS = 2;

    /** The tails' quadrature ({@link #tailRule}): k = k0 e^{s}, s = 0, h, .., (TAIL_NODES - 1) h. */
    private static final double TAIL_STEP = 0.05;
    static final int TAIL_NODES = 701;

    /** Degrees of a tail's quadrature and the logarithms of their weights, N(d, k) included. */
    record TailRule(double[] k, double[] logWeight) {}

    private final int d;
    private final double[] raw;
    private final double[] noise;
    private final double[] values;
    private final double decay;
    /** Per parity, the power law's anchor: the last resolved degree and its value (value 0: no continuation). */
    private final int[] anchorDegree = new int[2];
    private final double[] anchorValue = new double[2];
    private final int[] lastResolved = new int[2];
    private final double[] remainder = new double[2];
    private final double[] remainderBound = new double[2];

    /**
     * @param total      per parity (even, odd), the whole power sum_k N(d, k) value_k: (f(1) +- f(-1)) / 2 of the
     *                   function whose coefficients the values are
     * @param totalNoise a bound on each total's error
     */
    private Spectrum(int d, double[] raw, double[] noise, boolean squared, double decay, double[] total,
            double[] totalNoise) {
        this.d = d;
        this.raw = raw;
        this.noise = noise;
        this.decay = decay;
        int kmax = raw.length - 1;
        values = new double[kmax + 1];
        for (int parity = 0; parity < 2; parity++) {
            int last = kmax % 2 == parity ? kmax : kmax - 1;
            int firstUnresolved = -1;
            for (int k = parity; k <= kmax; k += 2) {
                if (!(Math.abs(raw[k]) > RESOLVED * noise[k])) {
                    firstUnresolved = k;
                    break;
                }
            }
            int r = firstUnresolved < 0 ? last : firstUnresolved - 2;
            lastResolved[parity] = r;
            for (int k = parity; k <= r; k += 2) {
                values[k] = squared ? raw[k] * raw[k] : Math.max(0, raw[k]);
            }
            boolean fades = firstUnresolved < 0 || (r >= 0 && Math.abs(raw[r]) < ABRUPT * noise[r]);
            if (Double.isFinite(decay) && r >= MIN_POWER_LAW_DEGREE && r >= POWER_LAW_DIMENSIONS * d && fades) {
                anchorDegree[parity] = r;
                anchorValue[parity] = values[r];
                for (int k = r + 2; k <= kmax; k += 2) {
                    values[k] = tail(k, parity);
                }
            }
            findRemainder(parity, r, squared, total[parity], totalNoise[parity]);
        }
    }

    /**
     * The sum over a parity's degrees beyond kmax, sum_{k = last + 2, last + 4, ..} N(d, k) f(k) ~
     * (1/2) int_{last + 1}^inf N(d, k) f(k) dk, as sum_j exp(logWeight_j) f(k_j): a trapezoid in log k out to
     * e^35 times the first degree. In logarithms, as N(d, k) ~ k^{d-2} alone overflows far out at large d.
     */
    static TailRule tailRule(int d, int kmax, int parity) {
        int lastComputed = kmax % 2 == parity ? kmax : kmax - 1;
        double k0 = lastComputed + 1;
        double[] k = new double[TAIL_NODES];
        double[] logWeight = new double[TAIL_NODES];
        for (int j = 0; j < TAIL_NODES; j++) {
            k[j] = k0 * Math.exp(j * TAIL_STEP);
            double trapezoid = j == 0 || j == TAIL_NODES - 1 ? 0.5 : 1;
            logWeight[j] = Math.log(0.5 * k[j] * TAIL_STEP * trapezoid) + Harmonics.logMultiplicity(d, k[j]);
        }
        return new TailRule(k, logWeight);
    }

    /**
     * What a parity's total holds beyond its values up to kmax and its power-law tail, kept where it exceeds its own
     * error bound, and for a continued parity also {@link #CONTINUATION_TOLERANCE} of the total (the continuation
     * itself is approximate).
     */
    private void findRemainder(int parity, int r, boolean squared, double total, double totalNoise) {
        boolean continued = anchorValue[parity] > 0;
        double accounted = 0;
        double error = totalNoise + 4 * Math.ulp(1.0) * Math.abs(total);
        for (int k = parity; k < values.length; k += 2) {
            double power = Harmonics.timesMultiplicity(d, k, values[k]);
            accounted += power;
            if (k <= r) {
                double e = squared ? (2 * Math.abs(raw[k]) + noise[k]) * noise[k] : noise[k];
                error += Harmonics.timesMultiplicity(d, k, e) + 4 * Math.ulp(1.0) * power;
            }
        }
        if (continued) {
            TailRule rule = tailRule(d, values.length - 1, parity);
            for (int j = 0; j < rule.k().length; j++) {
                accounted += Math.exp(rule.logWeight()[j] + Math.log(tail(rule.k()[j], parity)));
            }
        }
        double rest = total - accounted;
        if (!(rest > RESOLVED * error) || (continued && !(rest > CONTINUATION_TOLERANCE * Math.abs(total)))) {
            return;  // nothing beyond, within rounding (a polynomial part, a constant) or the continuation's accuracy
        }
        remainder[parity] = rest;
        // each unresolved degree's value is at most |raw| + noise; none unresolved up to kmax: the last resolved one
        double bound = 0;
        for (int k = r + 2; k < values.length; k += 2) {
            double b = Math.abs(raw[k]) + noise[k];
            bound = Math.max(bound, squared ? b * b : b);
        }
        remainderBound[parity] = r + 2 < values.length ? bound : r >= 0 ? values[r] : Double.POSITIVE_INFINITY;
    }

    /** The kernel's eigenvalues lambda_0..lambda_kmax, its values taken from the engine's native formulas. */
    public static Spectrum ofKernel(Kernel kernel, int d, int kmax) {
        int id = kernel.type().id();
        double param = kernel.param();
        FunkHecke.Raw r = FunkHecke.coefficients(t -> NativeKernels.kernelValue(id, t, 1, 1, param, d), d, kmax,
                false, 1);
        // K(+-1) straight from the formula: exact to rounding
        double plus = NativeKernels.kernelValue(id, 1, 1, 1, param, d);
        double minus = NativeKernels.kernelValue(id, -1, 1, 1, param, d);
        double rounding = 4 * Math.ulp(1.0) * (Math.abs(plus) + Math.abs(minus));
        return new Spectrum(d, r.value(), r.noise(), false, decay(d, Theory.kernelSmoothness(kernel.type())),
                new double[] {(plus + minus) / 2, (plus - minus) / 2}, new double[] {rounding, rounding});
    }

    /**
     * The target's power c_k per harmonic of degree k (the mean square of each of its N(d, k) coefficients):
     * constant v: c_0 = v^2; a kernel GRF: its kernel's lambda_k; the teacher H^{-1/2} sum_j s_j act(theta_j . x)^a
     * at H -> infinity: its covariance E_theta[g(theta.x) g(theta.y)], g = act^a, has c_k = g_k^2, g_k the
     * Funk-Hecke coefficients of g.
     */
    public static Spectrum ofTarget(Target target, int d, int kmax) {
        Harmonics.requireDimension(d);
        return switch (target) {
            case Target.Constant c -> {
                double[] raw = new double[kmax + 1];
                raw[0] = c.value() * c.value();
                yield new Spectrum(d, raw, new double[kmax + 1], false, Double.POSITIVE_INFINITY,
                        new double[] {raw[0], 0}, new double[2]);
            }
            case Target.KernelGrf g -> ofKernel(g.kernel(), d, kmax);
            case Target.Teacher t -> {
                double a = t.power();
                boolean integer = a == Math.rint(a);
                int grade = integer ? 1 : 4;
                FunkHecke.Raw r = FunkHecke.coefficients(u -> activation(t.activation(), a, u), d, kmax, true, grade);
                // the covariance C(t) = sum_k N g_k^2 P_k(t) at t = +-1: E g(u)^2 and E g(u) g(-u), u = theta.x
                FunkHecke.Raw plus = FunkHecke.coefficients(u -> square(activation(t.activation(), a, u)), d, 0, true,
                        grade);
                FunkHecke.Raw minus = FunkHecke.coefficients(u -> activation(t.activation(), a, u)
                        * activation(t.activation(), a, -u), d, 0, true, grade);
                double c1 = plus.value()[0];
                double cm1 = minus.value()[0];
                double e = plus.noise()[0] + minus.noise()[0];
                // resolution is judged on g_k; the values are its square
                yield new Spectrum(d, r.value(), r.noise(), true, decay(d, Theory.targetSmoothness(target)),
                        new double[] {(c1 + cm1) / 2, (c1 - cm1) / 2}, new double[] {e, e});
            }
        };
    }

    /** act(u)^a of native/include/sf_teacher.h. */
    static double activation(TeacherActivation act, double a, double u) {
        double v = act == TeacherActivation.ABS ? Math.abs(u) : Math.max(u, 0);
        return v == 0 ? 0 : Math.pow(v, a);
    }

    private static double square(double v) { return v * v; }

    private static double decay(int d, double nu) { return (d - 1) + 2 * nu; }

    public int d() { return d; }

    public int kmax() { return values.length - 1; }

    /** lambda_k (or c_k), with unresolved degrees replaced as the class comment says; >= 0. */
    public double value(int k) { return values[k]; }

    /** The quadrature's value (for a teacher, g_k, whose square is the power), before any replacement. */
    public double raw(int k) { return raw[k]; }

    /** The bound on raw(k)'s rounding error. */
    public double noise(int k) { return noise[k]; }

    public boolean resolved(int k) { return k <= lastResolved[k % 2]; }

    /** The last resolved degree of a parity (0 even, 1 odd); -1 or -2 when none is. */
    public int lastResolved(int parity) { return lastResolved[parity]; }

    /**
     * The power sum_k N(d, k) lambda_k of a parity's unresolved degrees that its values up to kmax and its tail do
     * not account for, where that exceeds its error bound (see the class comment); else 0.
     */
    public double remainder(int parity) { return remainder[parity]; }

    /** An upper bound on each value making up {@link #remainder}: what no unresolved degree exceeds. */
    public double remainderBound(int parity) { return remainderBound[parity]; }

    /** The exponent of the power law k^{-decay}; infinite where there is none. */
    public double decay() { return decay; }

    /** The continuation A_parity k^{-decay} beyond kmax, at real k; 0 where the parity does not continue. */
    public double tail(double k, int parity) {
        // as a ratio to the anchor: r^decay alone overflows at large d
        return anchorValue[parity] == 0 ? 0 : anchorValue[parity] * Math.pow(anchorDegree[parity] / k, decay);
    }

    public double multiplicity(int k) { return Harmonics.multiplicity(d, k); }
}
