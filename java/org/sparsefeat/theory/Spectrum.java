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
 * <p>Coefficients are computed by quadrature ({@link FunkHecke}) up to kmax. Those below the quadrature's rounding
 * noise are not resolved: where a degree-parity fades into the noise gradually, or is resolved up to kmax, it
 * continues as the power law k^{-decay} with the exponent of curve/Theory.java's smoothness
 * (decay = (d - 1) + 2 nu), from the last resolved degree of that parity; this continuation also gives the tail
 * beyond kmax that predicted curves need. A parity that stops abruptly (a polynomial part, like the odd degrees
 * >= 3 of k1 and of the NTK) or a function without a power law (Gaussian, constant) is zero beyond.
 */
public final class Spectrum {
    /** A coefficient is resolved when it exceeds this many times its rounding bound. */
    static final double RESOLVED = 100;
    /** The last resolved coefficient of a polynomial part is far above the noise; a fading power law is not. */
    static final double ABRUPT = 1e6;
    /** Below this degree, a parity's resolved range is too short to continue as a power law. */
    static final int MIN_POWER_LAW_DEGREE = 8;

    private final int d;
    private final double[] raw;
    private final double[] noise;
    private final double[] values;
    private final double decay;
    private final double[] amplitude = new double[2];
    private final int[] lastResolved = new int[2];

    private Spectrum(int d, double[] raw, double[] noise, boolean squared, double decay) {
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
            if (Double.isFinite(decay) && r >= MIN_POWER_LAW_DEGREE && fades) {
                amplitude[parity] = values[r] * Math.pow(r, decay);
                for (int k = r + 2; k <= kmax; k += 2) {
                    values[k] = amplitude[parity] * Math.pow(k, -decay);
                }
            }
        }
    }

    /** The kernel's eigenvalues lambda_0..lambda_kmax, its values taken from the engine's native formulas. */
    public static Spectrum ofKernel(Kernel kernel, int d, int kmax) {
        int id = kernel.type().id();
        double param = kernel.param();
        FunkHecke.Raw r = FunkHecke.coefficients(t -> NativeKernels.kernelValue(id, t, 1, 1, param, d), d, kmax,
                false, 1);
        return new Spectrum(d, r.value(), r.noise(), false, decay(d, Theory.kernelSmoothness(kernel.type())));
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
                yield new Spectrum(d, raw, new double[kmax + 1], false, Double.POSITIVE_INFINITY);
            }
            case Target.KernelGrf g -> ofKernel(g.kernel(), d, kmax);
            case Target.Teacher t -> {
                double a = t.power();
                boolean integer = a == Math.rint(a);
                FunkHecke.Raw r = FunkHecke.coefficients(u -> activation(t.activation(), a, u), d, kmax, true,
                        integer ? 1 : 4);
                // resolution is judged on g_k; the values are its square
                yield new Spectrum(d, r.value(), r.noise(), true, decay(d, Theory.targetSmoothness(target)));
            }
        };
    }

    /** act(u)^a of native/include/sf_teacher.h. */
    static double activation(TeacherActivation act, double a, double u) {
        double v = act == TeacherActivation.ABS ? Math.abs(u) : Math.max(u, 0);
        return v == 0 ? 0 : Math.pow(v, a);
    }

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

    /** The exponent of the power law k^{-decay}; infinite where there is none. */
    public double decay() { return decay; }

    /** The continuation A_parity k^{-decay} beyond kmax, at real k; 0 where the parity does not continue. */
    public double tail(double k, int parity) {
        return amplitude[parity] == 0 ? 0 : amplitude[parity] * Math.pow(k, -decay);
    }

    public double multiplicity(int k) { return Harmonics.multiplicity(d, k); }
}
