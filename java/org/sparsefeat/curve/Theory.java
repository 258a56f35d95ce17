package org.sparsefeat.curve;

import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.KernelType;

/**
 * The predicted exponents of docs/theory.md (summed up in docs/method.md, 'Predicted exponents'). They are derived,
 * not quoted from the paper (and checked numerically): reports mark them as predictions. With nu_t the target's
 * smoothness and nu_s the kernel's, on S^{d-1}:
 * <ul>
 *   <li>ridgeless kernel regression: beta = min(2 nu_t, 2(d-1) + 4 nu_s) / (d-1);</li>
 *   <li>the feature regime (sparse L1 / alpha -> 0 nets): beta = min(2 nu_t, d + 2) / (d-1);</li>
 *   <li>a lazy net behaves as NTK regression (nu_s = 1/2).</li>
 * </ul>
 * The whole predicted curve of kernel regression, whose large-n slope these exponents are, is
 * org.sparsefeat.theory.Eigenlearning (docs/theory.md, 'Spectra and predicted curves'); its spectra continue as
 * the power laws of the smoothness given here.
 */
public final class Theory {
    private Theory() {}

    /** The smoothness nu of a kernel: its Funk-Hecke eigenvalues decay like k^{-(d-1)-2 nu}. */
    public static double kernelSmoothness(KernelType k) {
        return switch (k) {
            case NTK, RFK0, LAPLACE -> 0.5;
            case RFK1 -> 1.5;
            case RFK2 -> 2.5;
            case RFK3 -> 3.5;
            case GAUSSIAN -> Double.POSITIVE_INFINITY;
        };
    }

    /**
     * The target's smoothness nu_t: infinite for a constant; a + 1/2 for the teacher, except |t|^a with an
     * even integer a, which is a polynomial (docs/theory.md, 'Smoothness'); the covariance kernel's for a kernel
     * GRF.
     */
    public static double targetSmoothness(Target t) {
        return switch (t) {
            case Target.Constant c -> Double.POSITIVE_INFINITY;
            case Target.Teacher th -> th.activation() == org.sparsefeat.kernel.TeacherActivation.ABS
                    && th.power() == Math.rint(th.power()) && ((long) th.power()) % 2 == 0
                    ? Double.POSITIVE_INFINITY : th.power() + 0.5;
            case Target.KernelGrf g -> kernelSmoothness(g.kernel().type());
        };
    }

    /** The predicted beta of a method at dimension d for a target, or NaN where no prediction is made. */
    public static double beta(MethodSpec method, Target target, int d) {
        if (target == null) {
            return Double.NaN;  // images: no theory of their exponents here
        }
        double nuT = targetSmoothness(target);
        return switch (method) {
            case MethodSpec.Krr k -> kernelBeta(kernelSmoothness(k.kernel().type()), nuT, d);
            case MethodSpec.Net n -> n.feature() ? Math.min(2 * nuT, d + 2.0) / (d - 1) : kernelBeta(0.5, nuT, d);
            case MethodSpec.Sparse s -> Math.min(2 * nuT, d + 2.0) / (d - 1);  // the feature regime's limit
            case MethodSpec.Svm s -> Double.NaN;
            case MethodSpec.ImageNet n -> Double.NaN;
        };
    }

    static double kernelBeta(double nuS, double nuT, int d) {
        return Math.min(2 * nuT, 2.0 * (d - 1) + 4 * nuS) / (d - 1);
    }
}
