package org.sparsefeat.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.cpu.NativeKernels;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;

/** Funk-Hecke spectra: decay rates, reconstruction of the kernel, closed forms, convergence in the node count. */
class SpectrumTest {
    private static Spectrum kernel(KernelType type, int d, int kmax) { return Spectrum.ofKernel(Kernel.of(type), d, kmax); }

    /** The least-squares slope of log value on log k over the even k in [16, 64]. */
    private static double evenSlope(Spectrum s) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int m = 0;
        for (int k = 16; k <= 64; k += 2) {
            assertTrue(s.resolved(k) && s.value(k) > 0, "degree " + k + " resolved and positive");
            double x = Math.log(k), y = Math.log(s.value(k));
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            m++;
        }
        return (m * sxy - sx * sy) / (m * sxx - sx * sx);
    }

    @Test
    void multiplicitiesAndConstants() {
        for (int k = 0; k < 50; k++) {
            assertEquals(k == 0 ? 1 : 2, Harmonics.multiplicity(2, k));
            assertEquals(2 * k + 1, Harmonics.multiplicity(3, k), 1e-9);
            assertEquals((k + 1) * (k + 2) * (2 * k + 3) / 6.0, Harmonics.multiplicity(5, k), 1e-9 * (k + 1) * (k + 1) * k);
        }
        assertEquals(1 / Math.PI, Harmonics.surfaceRatio(2), 1e-15);
        assertEquals(0.5, Harmonics.surfaceRatio(3), 1e-15);
        assertEquals(2 / Math.PI, Harmonics.surfaceRatio(4), 1e-15);  // Gamma(2) / (sqrt(pi) Gamma(3/2))
        assertEquals(0.75, Harmonics.surfaceRatio(5), 1e-15);         // Gamma(5/2) / (sqrt(pi) Gamma(2))
    }

    /** The decays of docs/theory.md, 'Smoothness': NTK k^-d, k1 k^-(d+2), fitted over k in [16, 64], within 0.3. */
    @Test
    void eigenvaluesDecayAtThePredictedRates() {
        for (int d : new int[] {3, 5}) {
            assertEquals(-d, evenSlope(kernel(KernelType.NTK, d, 200)), 0.3, "ntk at d = " + d);
            assertEquals(-(d + 2), evenSlope(kernel(KernelType.RFK1, d, 200)), 0.3, "rfk1 at d = " + d);
            assertEquals(-d, evenSlope(kernel(KernelType.LAPLACE, d, 200)), 0.3, "laplace at d = " + d);
        }
    }

    @Test
    void oddDegreesOfK1AndTheNtkVanishBeyondOne() {
        for (int d : new int[] {3, 5}) {
            for (KernelType type : new KernelType[] {KernelType.RFK1, KernelType.NTK}) {
                Spectrum s = kernel(type, d, 101);
                assertTrue(s.raw(1) > 1e-3 * s.raw(0), type + ": degree 1 is not zero");
                for (int k = 3; k <= 101; k += 2) {
                    assertTrue(Math.abs(s.raw(k)) < 1e-15 * s.raw(0), type + " d = " + d + " k = " + k + ": " + s.raw(k));
                    assertEquals(0, s.value(k), type + " odd degree " + k);
                }
            }
        }
    }

    /** K(t) = sum_k N(d, k) lambda_k P_k(t): truncated at k = 3000, within 1e-6 of K at interior t. */
    @Test
    void eigenvaluesReconstructTheKernel() {
        int kmax = 3000;
        for (int d : new int[] {3, 5}) {
            for (KernelType type : new KernelType[] {KernelType.NTK, KernelType.RFK1, KernelType.LAPLACE, KernelType.GAUSSIAN}) {
                Spectrum s = kernel(type, d, kmax);
                for (double t : new double[] {-0.9, -0.3, 0, 0.5, 0.9}) {
                    double[] p = Harmonics.polynomials(d, kmax, t);
                    double sum = 0;
                    for (int k = 0; k <= kmax; k++) {
                        sum += s.multiplicity(k) * s.value(k) * p[k];
                    }
                    double exact = NativeKernels.kernelValue(type.id(), t, 1, 1, type.defaultParam(), d);
                    assertEquals(exact, sum, 1e-6, type + " at d = " + d + ", t = " + t);
                }
            }
        }
    }

    /** Eigenvalues integrated by hand at d = 3 (Legendre, lambda_k = (1/2) int K P_k dt). */
    @Test
    void closedFormsAtDimensionThree() {
        Spectrum k1 = kernel(KernelType.RFK1, 3, 8);
        assertEquals(3.0 / 8, k1.value(0), 1e-14);
        assertEquals(1.0 / 6, k1.value(1), 1e-14);
        assertEquals(3.0 / 128, k1.value(2), 1e-14);
        Spectrum k0 = kernel(KernelType.RFK0, 3, 8);
        assertEquals(0.5, k0.value(0), 1e-14);
        assertEquals(1.0 / 8, k0.value(1), 1e-14);
        assertEquals(0, k0.value(2), "k0 = 1/2 + arcsin(t)/pi has no even degree beyond 0");
        Spectrum ntk = kernel(KernelType.NTK, 3, 8);  // (t k0 + k1) / 6
        assertEquals(1.0 / 12, ntk.value(0), 1e-14);
        assertEquals(1.0 / 18, ntk.value(1), 1e-14);
        // the Gaussian exp(t - 1): lambda_0 = (1/2) int e^{t-1} dt = (1 - e^-2)/2, lambda_1 = (1/2) int t e^{t-1} dt = e^-2
        Spectrum g = kernel(KernelType.GAUSSIAN, 3, 8);
        assertEquals((1 - Math.exp(-2)) / 2, g.value(0), 1e-14);
        assertEquals(Math.exp(-2), g.value(1), 1e-14);
    }

    /**
     * High degrees, where the kernels' singularities at t = +-1 set the value, against an independent computation:
     * tanh-sinh quadrature in t (which resolves endpoint singularities) at 30 digits with mpmath, over 3k
     * subintervals with ends cos(pi (1 - j / 3k)), of K(t) P_k(t) (1 - t^2)^{(d-3)/2} with mpmath's own Legendre
     * and Gegenbauer polynomials and the kernels written from docs/method.md, 'Kernels'.
     */
    @Test
    void highDegreesMatchAnIndependentQuadrature() {
        Spectrum ntk = kernel(KernelType.NTK, 3, 300);
        assertEquals(5.230582368476009759e-8, ntk.raw(100), 1e-9 * 5.23e-8 + ntk.noise(100));
        assertEquals(1.9552600398713520963e-9, ntk.raw(300), 1e-9 * 1.96e-9 + ntk.noise(300));
        Spectrum laplace = kernel(KernelType.LAPLACE, 5, 200);  // c = 1: exp(-sqrt(1 - t))
        assertEquals(2.8134110720497499944e-10, laplace.raw(101), 1e-9 * 2.81e-10 + laplace.noise(101));
        assertEquals(9.5799308464677911161e-12, laplace.raw(200), 1e-9 * 9.58e-12 + laplace.noise(200));
        assertTrue(ntk.noise(300) < 1e-5 * ntk.raw(300) && laplace.noise(200) < 1e-3 * laplace.raw(200));
    }

    /**
     * Large d, where sin^{d-2}(theta) is a bump of width 1/sqrt(d): against 50-digit references (mpmath 1.3, mp.dps = 50:
     * tanh-sinh quadrature in theta of K(cos theta) P_k(cos theta) sin^{d-2} theta over [0, pi], split at pi/2 and
     * pi/2 +- 10/sqrt(d), with P_k by its recurrence in 50 digits and K the NTK of sf_kernels.h written out; the
     * same values come from 40 equal subintervals). Every coefficient is within its own error bound, and
     * the lower degrees do not move with kmax (they did: lambda_2 at d = 300 was 6.4e-8 with kmax 2, 4.6e-8 with
     * kmax 4, against 1.76e-8).
     */
    @Test
    void largeDimensionsMatchFiftyDigitReferences() {
        double[][] cases = {  // d, k, lambda_k
            {300, 0, 5.3317274472145724209e-4}, {300, 1, 5.5555555555555555556e-6}, {300, 2, 1.7615429831014126564e-8},
            {300, 4, 3.213456583348068841e-13}, {300, 6, 4.3780927910299960754e-17},
            {1000, 0, 1.5939377498830363908e-4}, {1000, 1, 5.0e-7}, {1000, 2, 4.7690856185174985422e-10},
            {1000, 4, 7.9125831986403929371e-16}, {1000, 6, 9.8883532422568332907e-21},
            {10000, 0, 1.5917881732808745996e-5}, {10000, 1, 5.0e-9}, {10000, 2, 4.7740913280340277456e-13},
            {10000, 4, 7.9532131975526950404e-21},
        };
        for (int kmax : new int[] {2, 6, 60}) {
            for (double[] c : cases) {
                int d = (int) c[0], k = (int) c[1];
                if (k > kmax) {
                    continue;
                }
                Spectrum s = kernel(KernelType.NTK, d, kmax);
                String what = "d = " + d + ", k = " + k + ", kmax = " + kmax;
                assertTrue(s.resolved(k), what);
                assertEquals(c[2], s.raw(k), s.noise(k) + 1e-12 * c[2], what);
                assertTrue(s.noise(k) < 1e-3 * c[2], what + ": error bound " + s.noise(k));
            }
        }
        // the teacher |theta.x|'s g_k, the same way with |cos theta| for K (mp.dps = 40)
        double[][] teacher = {
            {300, 0, 0.046104290763404086}, {300, 2, 1.5317040120732254e-4}, {300, 4, -5.0551287527169156e-7},
            {1000, 2, 2.5212421417582126e-5}, {1000, 6, 7.5035851899769723e-11},
        };
        for (double[] c : teacher) {
            int d = (int) c[0], k = (int) c[1];
            Spectrum s = Spectrum.ofTarget(new Target.Teacher(TeacherActivation.ABS, 1, 1000), d, 8);
            assertTrue(s.resolved(k));
            assertEquals(c[2], s.raw(k), s.noise(k) + 1e-12 * Math.abs(c[2]), "teacher at d = " + d + ", k = " + k);
        }
    }

    /**
     * The other kernels at large d against 50-digit references (mpmath 1.3, mp.dps = 50: the Funk-Hecke integral in t
     * with the weight (1 - t^2)^{(d-3)/2}, P_k as the normalised Gegenbauer polynomial, split at 0, +-2/sqrt(d),
     * +-8/sqrt(d) and +-32/sqrt(d); the kernels of sf_kernels.h written out). Exact zeros (rfk0's even degrees >= 2,
     * rfk1's odd >= 3) must not be called resolved.
     */
    @Test
    void laplaceAndArcCosineKernelsAtLargeDimensionsMatchFiftyDigitReferences() {
        Object[][] cases = {  // kernel, d, k, lambda_k (0: exactly zero)
            {KernelType.LAPLACE, 300, 0, 0.36818719183493023058}, {KernelType.LAPLACE, 300, 1, 0.0006149229361344769924},
            {KernelType.LAPLACE, 300, 2, 2.0458950261384638714e-6}, {KernelType.LAPLACE, 300, 3, 1.1872495093960538305e-8},
            {KernelType.LAPLACE, 300, 4, 1.0371348976493271512e-10}, {KernelType.RFK0, 300, 0, 0.5},
            {KernelType.RFK0, 300, 1, 0.0010628028133982536387}, {KernelType.RFK0, 300, 2, 0},
            {KernelType.RFK0, 300, 3, 1.1730585903006077623e-8}, {KernelType.RFK0, 300, 4, 0},
            {KernelType.RFK1, 300, 0, 0.31884084401947609162}, {KernelType.RFK1, 300, 1, 0.0016666666666666666667},
            {KernelType.RFK1, 300, 2, 3.5191757709018232869e-6}, {KernelType.RFK1, 300, 3, 0},
            {KernelType.RFK1, 300, 4, 3.833149005981791858e-11}, {KernelType.LAPLACE, 1000, 0, 0.36797151745032554141},
            {KernelType.LAPLACE, 1000, 1, 0.00018410072816380531824}, {KernelType.LAPLACE, 1000, 2, 1.8399713211434127412e-7},
            {KernelType.LAPLACE, 1000, 3, 3.2149251041124376883e-10}, {KernelType.LAPLACE, 1000, 4, 8.4750820644245758558e-13},
            {KernelType.RFK0, 1000, 0, 0.5}, {KernelType.RFK0, 1000, 1, 0.0003184690808957115666},
            {KernelType.RFK0, 1000, 2, 0}, {KernelType.RFK0, 1000, 3, 3.1783309686887694383e-10},
            {KernelType.RFK0, 1000, 4, 0}, {KernelType.RFK1, 1000, 0, 0.3184690808957115666},
            {KernelType.RFK1, 1000, 1, 0.0005}, {KernelType.RFK1, 1000, 2, 3.1783309686887694383e-7},
            {KernelType.RFK1, 1000, 3, 0}, {KernelType.RFK1, 1000, 4, 3.1593464558356529994e-13},
            {KernelType.LAPLACE, 10000, 0, 0.36788863922095155529}, {KernelType.LAPLACE, 10000, 1, 0.000018395581591479198537},
            {KernelType.LAPLACE, 10000, 2, 1.8394546800509221866e-9}, {KernelType.LAPLACE, 10000, 3, 3.2185427788634157498e-13},
            {KernelType.LAPLACE, 10000, 4, 8.5039911415278178954e-17}, {KernelType.RFK0, 10000, 0, 0.5},
            {KernelType.RFK0, 10000, 1, 0.000031832580207596732319}, {KernelType.RFK0, 10000, 2, 0},
            {KernelType.RFK0, 10000, 3, 3.1826214646405304794e-13}, {KernelType.RFK0, 10000, 4, 0},
            {KernelType.RFK1, 10000, 0, 0.31832580207596732319}, {KernelType.RFK1, 10000, 1, 0.00005},
            {KernelType.RFK1, 10000, 2, 3.1826214646405304794e-9}, {KernelType.RFK1, 10000, 3, 0},
            {KernelType.RFK1, 10000, 4, 3.1807127507259473457e-17},
        };
        for (Object[] c : cases) {
            KernelType type = (KernelType) c[0];
            int d = (Integer) c[1], k = (Integer) c[2];
            double expected = ((Number) c[3]).doubleValue();
            Spectrum s = kernel(type, d, 4);
            String what = type + " at d = " + d + ", k = " + k;
            if (expected == 0) {
                assertFalse(s.resolved(k), what);
                assertEquals(0, s.value(k), what);
                continue;
            }
            assertTrue(s.resolved(k), what);
            assertEquals(expected, s.raw(k), s.noise(k) + 1e-12 * expected, what);
            assertTrue(s.noise(k) < 1e-3 * expected, what + ": error bound " + s.noise(k));
        }
    }

    /** A rule too coarse for the weight's bump is caught by the doubled rule: its coefficients are not resolved. */
    @Test
    void aCoefficientIsResolvedOnlyWhereTheRuleHasConverged() {
        // the odd NTK degrees >= 3 vanish: whatever the quadrature returns there must not be called resolved
        for (int d : new int[] {300, 1000}) {
            Spectrum s = kernel(KernelType.NTK, d, 9);
            for (int k = 3; k <= 9; k += 2) {
                assertFalse(s.resolved(k), "d = " + d + ", k = " + k);
                assertEquals(0, s.value(k));
            }
        }
    }

    /**
     * At large d the resolved degrees end far below 2d, and what the unresolved ones hold is the remainder: the
     * NTK's K(1) = 1/d, less the resolved sum_k N(d, k) lambda_k, a few % of the trace at d = 300 (the references
     * above give 1 - (lambda_0 + 300 lambda_1 + 45149 lambda_2 + ...) d); K(-1) = 0 makes the odd degrees' whole
     * power N(d, 1) lambda_1 = 1/(2d), so the odd parity has none left.
     */
    @Test
    void unresolvedDegreesKeepTheirPowerAsARemainder() {
        for (int d : new int[] {100, 300, 1000}) {
            Spectrum s = kernel(KernelType.NTK, d, 200);
            double resolved = 0;
            for (int k = 0; k <= 200; k += 2) {
                resolved += s.resolved(k) ? Harmonics.timesMultiplicity(d, k, s.value(k)) : 0;
            }
            double total = 1.0 / (2 * d);  // (K(1) + K(-1)) / 2
            assertTrue(s.lastResolved(0) < 2 * d, "d = " + d);
            assertTrue(s.remainder(0) > 1e-3 * total, "d = " + d + ": " + s.remainder(0));
            assertEquals(total - resolved, s.remainder(0), 1e-9 * total, "d = " + d);
            assertTrue(s.remainderBound(0) > 0 && s.remainderBound(0) < 1e-6 * s.value(2), "d = " + d);
            assertEquals(0, s.remainder(1), "d = " + d);
            assertEquals(0, s.tail(201, 0), "no power-law continuation below 2d");
        }
        assertEquals(0, kernel(KernelType.NTK, 3, 200).remainder(1), "the odd degrees of the NTK stop at 1");
    }

    /** Multiplicities past a double's range: through logarithms, N(d, k) lambda_k stays finite and zero stays zero. */
    @Test
    void multiplicitiesBeyondTheDoubleRange() {
        assertTrue(Double.isInfinite(Harmonics.multiplicity(1000, 700)));
        assertEquals(0, Harmonics.timesMultiplicity(1000, 700, 0));
        // the logarithm against the product where both work, up to the edge of the double range
        for (int k : new int[] {1, 100, 250}) {
            assertEquals(Math.log(Harmonics.multiplicity(1000, k)), Harmonics.logMultiplicity(1000, k), 1e-12 * 700);
        }
        double n700 = Harmonics.timesMultiplicity(1000, 700, 1e-300);
        assertTrue(n700 > 1e100 && Double.isFinite(n700), "" + n700);
    }

    /** The teacher |theta.x| at H -> infinity: g_0 = E|u_1|, total power = its variance, covariance in closed form. */
    @Test
    void teacherPowerMatchesItsCovariance() {
        Target.Teacher teacher = new Target.Teacher(TeacherActivation.ABS, 1, 1000);
        Spectrum d3 = Spectrum.ofTarget(teacher, 3, 10);
        assertEquals(0.25, d3.value(0), 1e-14);       // g_0 = (1/2) int |t| dt = 1/2
        assertEquals(1.0 / 64, d3.value(2), 1e-14);   // g_2 = int_0^1 t (3t^2 - 1)/2 dt = 1/8
        assertEquals(0, d3.value(1));
        int kmax = 3000;
        Spectrum s = Spectrum.ofTarget(teacher, 5, kmax);
        assertEquals(9.0 / 64, s.value(0), 1e-14);    // E|u_1| = 3/8 at d = 5
        double total = 0;
        for (int k = 0; k <= kmax; k++) {
            total += s.multiplicity(k) * s.value(k);
        }
        assertEquals(0.2, total, 1e-6);               // E|u_1|^2 = 1/d
        for (double t : new double[] {-0.7, 0, 0.4, 0.95}) {
            double[] p = Harmonics.polynomials(5, kmax, t);
            double sum = 0;
            for (int k = 0; k <= kmax; k++) {
                sum += s.multiplicity(k) * s.value(k) * p[k];
            }
            // E|theta.x||theta.y| for theta uniform on S^{d-1}: the Gaussian-theta value (2/pi)(sqrt(1-t^2) + t asin t), / d
            assertEquals(2 / Math.PI * (Math.sqrt(1 - t * t) + t * Math.asin(t)) / 5, sum, 1e-8, "t = " + t);
        }
    }

    /** A non-integer power goes through the graded rule: |t|^1.5 at d = 3 has g_0 = int_0^1 t^1.5 dt = 0.4. */
    @Test
    void nonIntegerTeacherPower() {
        Spectrum s = Spectrum.ofTarget(new Target.Teacher(TeacherActivation.ABS, 1.5, 1000), 3, 40);
        assertEquals(0.16, s.value(0), 1e-12);        // g_0 = int_0^1 t^1.5 dt = 0.4
        Spectrum relu = Spectrum.ofTarget(new Target.Teacher(TeacherActivation.RELU, 1.5, 1000), 3, 40);
        assertEquals(0.04, relu.value(0), 1e-12);     // half of it: 0.2
    }

    /** Doubling the nodes (through kmax) moves no coefficient by more than its rounding bound. */
    @Test
    void coefficientsHaveConvergedInTheNodeCount() {
        for (KernelType type : new KernelType[] {KernelType.NTK, KernelType.LAPLACE, KernelType.RFK1}) {
            for (int d : new int[] {3, 5}) {
                Spectrum a = kernel(type, d, 600), b = kernel(type, d, 1300);
                for (int k = 0; k <= 600; k++) {
                    double bound = 2 * (a.noise(k) + b.noise(k)) + 1e-13 * Math.abs(a.raw(k));
                    assertEquals(b.raw(k), a.raw(k), bound, type + " d = " + d + " k = " + k);
                }
            }
        }
    }

    /** Where a parity fades into rounding noise it continues as a power law with the kernel's decay. */
    @Test
    void unresolvedDegreesContinueTheResolvedPowerLaw() {
        Spectrum s = kernel(KernelType.RFK1, 3, 3000);
        int lastResolved = -1;
        for (int k = 0; k <= 3000; k += 2) {
            if (s.resolved(k)) {
                lastResolved = k;
            }
        }
        assertTrue(lastResolved > 200 && lastResolved < 3000, "k1 at d = 3 fades into the noise: " + lastResolved);
        int k = lastResolved + 200;
        assertEquals(s.value(lastResolved) * Math.pow((double) lastResolved / k, 5), s.value(k), 1e-12 * s.value(k));
        assertTrue(s.tail(6000, 0) > 0 && s.tail(6000, 1) == 0);
        assertEquals(0, kernel(KernelType.GAUSSIAN, 3, 100).tail(200, 0), "no power law for the Gaussian");
    }
}
