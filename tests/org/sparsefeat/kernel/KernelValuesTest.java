package org.sparsefeat.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsefeat.backend.cpu.NativeKernels;

/** Kernel values of docs/method.md, 'Reference values', through the native formula the Gram tiles and the GPU use. */
class KernelValuesTest {
    private static final double REL = 1e-9;

    /** k on the sphere at cosine t (unit vectors, so |x| = |y| = 1). */
    private static double onSphere(KernelType k, double t, int d) {
        return NativeKernels.kernelValue(k.id(), t, 1, 1, k.defaultParam(), d);
    }

    private static void assertRel(double expected, double actual) {
        assertEquals(expected, actual, REL * Math.abs(expected), () -> "expected " + expected + ", got " + actual);
    }

    @Test
    void arcCosineKernelsAtHalf() {
        assertEquals(0.66666667, onSphere(KernelType.RFK0, 0.5, 5), 5e-9);
        assertRel(2.0 / 3, onSphere(KernelType.RFK0, 0.5, 5));
        assertEquals(0.60899778, onSphere(KernelType.RFK1, 0.5, 5), 5e-9);
        assertEquals(1.41349667, onSphere(KernelType.RFK2, 0.5, 5), 5e-9);
    }

    @Test
    void ntkValuesOfTheSpec() {
        assertEquals(0.09423311, onSphere(KernelType.NTK, 0.5, 5), 5e-9);
        assertEquals(0.15705519, onSphere(KernelType.NTK, 0.5, 3), 5e-9);
        assertEquals(0.03183099, onSphere(KernelType.NTK, 0.0, 5), 5e-9);
        assertRel(1.0 / (2 * Math.PI * 5), onSphere(KernelType.NTK, 0.0, 5));
        for (int d : new int[] {2, 3, 5, 10}) {
            assertRel(1.0 / d, onSphere(KernelType.NTK, 1.0, d));
            assertEquals(0.0, onSphere(KernelType.NTK, -1.0, d), 1e-15);
        }
    }

    @Test
    void correctK3IsFifteenAtZeroAngle() {
        // the reference's k3 gives -3 here; J_n(0)/pi = (2n - 1)!!
        assertRel(15.0, onSphere(KernelType.RFK3, 1.0, 5));
        assertRel(3.0, onSphere(KernelType.RFK2, 1.0, 5));
        assertRel(1.0, onSphere(KernelType.RFK1, 1.0, 5));
    }

    /**
     * k_n(phi) = 2 E_w[relu(w.x)^n relu(w.y)^n] for w ~ N(0, I): in the plane of x and y the radial part
     * integrates to 2^n n!, leaving (2^n n! / pi) * integral of cos^n(a) cos^n(a - phi) where both are positive.
     * An independent check of all four closed forms, k3 included.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void arcCosineClosedFormsMatchTheGaussianIntegral(int n) {
        KernelType type = KernelType.values()[KernelType.RFK0.ordinal() + n];
        for (double phi : new double[] {0.1, 0.7, Math.PI / 3, 1.9, 2.8}) {
            double integral = simpson(a -> {
                double u = Math.cos(a), v = Math.cos(a - phi);
                return u > 0 && v > 0 ? Math.pow(u, n) * Math.pow(v, n) : 0.0;
            }, phi - Math.PI / 2, Math.PI / 2, 200_000);
            double expected = Math.pow(2, n) * factorial(n) / Math.PI * integral;
            double actual = onSphere(type, Math.cos(phi), 5);
            assertEquals(expected, actual, 1e-8 * Math.max(1, Math.abs(expected)), "k" + n + " at phi = " + phi);
        }
    }

    @Test
    void laplaceAndGaussianOnTheSphere() {
        double t = 0.3;
        assertRel(Math.exp(-Math.sqrt(1 - t)), onSphere(KernelType.LAPLACE, t, 5));
        assertRel(Math.exp(-(1 - t)), onSphere(KernelType.GAUSSIAN, t, 5));
        double c = 0.001;  // the reference's Laplace constant
        assertRel(Math.exp(-c * Math.sqrt(1 - t)), NativeKernels.kernelValue(KernelType.LAPLACE.id(), t, 1, 1, c, 5));
    }

    @Test
    void ntkOffTheSphereIsHomogeneousOfDegreeOneInEachArgument() {
        double[] x = {0.3, -0.2, 0.9}, y = {-0.5, 0.4, 0.1};
        Kernel ntk = Kernel.of(KernelType.NTK);
        double k = ReferenceKernels.value(ntk, x, y);
        double[] x2 = {0.6, -0.4, 1.8}, y3 = {-1.5, 1.2, 0.3};
        double nx = Math.sqrt(0.09 + 0.04 + 0.81), ny = Math.sqrt(0.25 + 0.16 + 0.01);
        double t = -0.15 - 0.08 + 0.09;
        assertRel(k, NativeKernels.kernelValue(KernelType.NTK.id(), t, nx, ny, Double.NaN, 3));
        assertRel(6 * k, ReferenceKernels.value(ntk, x2, y3));
        assertRel(6 * k, NativeKernels.kernelValue(KernelType.NTK.id(), 6 * t, 2 * nx, 3 * ny, Double.NaN, 3));
    }

    @Test
    void kernelNamesAndParameters() {
        assertEquals(KernelType.RFK3, KernelType.parse("RFK3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelType.parse("rbf"));
        assertEquals(true, e.getMessage().contains("ntk, rfk0"));
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("ntk", 2.0));
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("gaussian", -1.0));
        assertEquals(0.001, Kernel.parse("laplace", 0.001).param());
    }

    private static double simpson(java.util.function.DoubleUnaryOperator f, double a, double b, int n) {
        double h = (b - a) / n, s = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < n; i++) {
            s += f.applyAsDouble(a + i * h) * (i % 2 == 1 ? 4 : 2);
        }
        return s * h / 3;
    }

    private static double factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }
}
