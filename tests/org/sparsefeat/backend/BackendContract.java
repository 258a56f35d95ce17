package org.sparsefeat.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.ReferenceKernels;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.util.PhaseTimer;

/**
 * What every backend must do, checked against plain-Java references: CpuBackendTest runs it on the CPU backend,
 * EmulatedCudaBackendTest on the CUDA backend over the emulator of its kernels, CudaBackendTest on a GPU.
 */
public abstract class BackendContract {
    protected Backend backend;

    protected abstract Backend open();

    @BeforeEach
    void setUp() { backend = open(); }

    @AfterEach
    void tearDown() {
        if (backend != null) {  // null when open() skipped the test
            backend.close();
        }
    }

    static Matrix sphere(int n, int d, long seed) {
        return Points.sample(PointDistribution.SPHERE, n, d, seed, Philox.STREAM_TRAIN_POINTS);
    }

    /** |a - b| / |b| in the 2-norm. */
    public static double relativeDifference(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    @ParameterizedTest
    @EnumSource(KernelType.class)
    void gramMatchesTheReferenceOnAndOffTheSphere(KernelType type) {
        Kernel k = Kernel.of(type);
        for (PointDistribution dist : PointDistribution.values()) {
            // 300 x 2100: several row tasks and more than one column tile of the native builder
            Matrix x = Points.sample(dist, 300, 4, 1, Philox.STREAM_TRAIN_POINTS);
            Matrix y = Points.sample(dist, 2100, 4, 2, Philox.STREAM_TEST_POINTS);
            Matrix g = backend.gram(k, x, y);
            Matrix ref = ReferenceKernels.gram(k, x, y);
            double diff = relativeDifference(g.data(), ref.data());
            assertTrue(diff < 1e-12, type + " on " + dist + ": relative difference " + diff);
        }
    }

    @ParameterizedTest
    @EnumSource(value = KernelType.class, names = {"NTK", "RFK0", "LAPLACE"})
    void theFloat32GramIsTheFloat64GramRoundedOnce(KernelType type) {
        // the float64 Gram of this backend, rounded once
        Matrix x = sphere(37, 4, 21), y = sphere(19, 4, 22);
        for (Matrix other : new Matrix[] {y, x}) {
            double[] k = backend.gram(Kernel.of(type), x, other).data();
            float[] f = backend.gramFloat32(Kernel.of(type), x, other);
            assertEquals(k.length, f.length);
            for (int i = 0; i < k.length; i++) {
                // one float ulp: a GPU's float64 entry may differ from the CPU's in its last bit, then round the other way
                assertEquals((float) k[i], f[i], Math.ulp((float) k[i]), type + " entry " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelType.class)
    void gramLowerIsTheLowerTriangleOfTheFullGram(KernelType type) {
        Kernel k = Kernel.of(type);
        Matrix x = sphere(257, 3, 7);
        Matrix full = backend.gram(k, x, x);
        Matrix lower = backend.gramLower(k, x);
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.rows(); j++) {
                assertEquals(j <= i ? full.get(i, j) : 0.0, lower.get(i, j), 0.0, "entry " + i + "," + j);
                assertEquals(full.get(i, j), full.get(j, i), 1e-15 * Math.abs(full.get(i, j)), "symmetry " + i + "," + j);
            }
        }
    }

    /** K(X, Y) c summed in Java over the backend's own Gram entries: what a prediction must equal. */
    private double[] gramTimesByTheGram(Kernel k, Matrix x, Matrix y, double[] c) {
        Matrix g = backend.gram(k, x, y);
        double[] f = new double[x.rows()];
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < y.rows(); j++) {
                f[i] += g.get(i, j) * c[j];
            }
        }
        return f;
    }

    private static double[] signedCoefficients(int m, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] c = new double[m];
        for (int j = 0; j < m; j++) {
            c[j] = r.nextGaussian();
        }
        return c;
    }

    /**
     * The matrix-free prediction K(X, C) c against the Gram's entries times c, on and off the sphere, with centres
     * that are the points themselves (a point's angle with itself exactly 0) and at image-sized d: only the order
     * of the sums may differ.
     */
    @ParameterizedTest
    @EnumSource(KernelType.class)
    void gramTimesIsTheGramTimesTheCoefficients(KernelType type) {
        Kernel k = Kernel.of(type);
        for (PointDistribution dist : PointDistribution.values()) {
            // 70 x 603: rows in several tasks and a partial last one, columns over several tiles and a ragged end
            Matrix x = Points.sample(dist, 70, 4, 1, Philox.STREAM_TEST_POINTS);
            Matrix y = Points.sample(dist, 603, 4, 2, Philox.STREAM_TRAIN_POINTS);
            double[] c = signedCoefficients(y.rows(), 3);
            double diff = relativeDifference(backend.gramTimes(k, x, y, c), gramTimesByTheGram(k, x, y, c));
            assertTrue(diff < 1e-12, type + " on " + dist + ": relative difference " + diff);
            double[] cx = signedCoefficients(x.rows(), 4);
            diff = relativeDifference(backend.gramTimes(k, x, x, cx), gramTimesByTheGram(k, x, x, cx));
            assertTrue(diff < 1e-12, type + " on " + dist + ", centres = points: relative difference " + diff);
        }
        Matrix xi = Points.sample(PointDistribution.SPHERE, 70, 100, 4, Philox.STREAM_TEST_POINTS);
        Matrix yi = Points.sample(PointDistribution.GAUSSIAN, 90, 100, 5, Philox.STREAM_TRAIN_POINTS);
        double[] c = signedCoefficients(yi.rows(), 5);
        double diff = relativeDifference(backend.gramTimes(k, xi, yi, c), gramTimesByTheGram(k, xi, yi, c));
        assertTrue(diff < 1e-12, type + " at d = 100: relative difference " + diff);
        assertEquals(0, backend.gramTimes(k, xi.rowRange(0, 0), yi, c).length);
    }

    /** Image-sized d: the dot products come from a GEMM, the kernel function after. */
    @ParameterizedTest
    @EnumSource(KernelType.class)
    void gramOfHighDimensionalPointsMatchesTheReference(KernelType type) {
        Kernel k = Kernel.of(type);
        Matrix x = Points.sample(PointDistribution.SPHERE, 70, 100, 4, Philox.STREAM_TRAIN_POINTS);
        Matrix y = Points.sample(PointDistribution.GAUSSIAN, 90, 100, 5, Philox.STREAM_TEST_POINTS);
        double diff = relativeDifference(backend.gram(k, x, y).data(), ReferenceKernels.gram(k, x, y).data());
        assertTrue(diff < 1e-12, type + ": relative difference " + diff);
        Matrix lower = backend.gramLower(k, x);
        Matrix full = ReferenceKernels.gram(k, x, x);
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.rows(); j++) {
                double expected = j <= i ? full.get(i, j) : 0.0;
                assertEquals(expected, lower.get(i, j), 1e-12 * Math.abs(expected), type + " entry " + i + "," + j);
            }
        }
    }

    /** Positive semi-definite: K + 1e-12 trace(K) I has a Cholesky factor, so lambda_min > -1e-12 trace. */
    @ParameterizedTest
    @EnumSource(KernelType.class)
    void gramIsPositiveSemiDefinite(KernelType type) {
        Matrix x = sphere(400, 3, 11);
        Matrix k = backend.gramLower(Kernel.of(type), x);
        double trace = 0;
        for (int i = 0; i < x.rows(); i++) {
            trace += k.get(i, i);
        }
        backend.factorGram(Kernel.of(type), x, 1e-12 * trace, new PhaseTimer()).close();
    }

    /** The factor a backend keeps solves K + ridge I and multiplies by it, as the host factor does. */
    @Test
    void theGramFactorSolvesAndMultipliesLikeTheHostFactor() {
        Matrix x = sphere(120, 4, 3);
        Kernel kernel = Kernel.of(KernelType.RFK1);
        Matrix l = backend.gramLower(kernel, x);
        HostLinalg.cholesky(l, 1e-6);
        double[] b = new double[120];
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.sin(i);
        }
        double[] hostSolve = b.clone();
        HostLinalg.choleskySolve(l, hostSolve);
        try (GramFactor f = backend.factorGram(kernel, x, 1e-6, new PhaseTimer())) {
            assertEquals(120, f.size());
            assertTrue(relativeDifference(f.solve(b), hostSolve) < 1e-9, "solve");
            assertTrue(relativeDifference(f.factorMultiply(b), HostLinalg.factorMultiply(l, b)) < 1e-13, "L L^T b");
        }
    }

    @Test
    void duplicatePointsMakeARidgelessSystemFailAtTheDuplicatesPivot() {
        Matrix x = sphere(50, 3, 5);
        double[] data = x.data();
        System.arraycopy(data, 10 * 3, data, 30 * 3, 3);  // point 30 := point 10
        Kernel ntk = Kernel.of(KernelType.NTK);
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> backend.factorGram(ntk, x, 0, new PhaseTimer()));
        assertEquals(31, e.pivot());
        assertTrue(e.getMessage().contains("pivot 31 of 50") && e.getMessage().contains("ridge 1e-10"), e.getMessage());
        backend.factorGram(ntk, x, 1e-8, new PhaseTimer()).close();  // and a ridge cures it
    }

    @Test
    void teacherMatchesADirectSumOverItsNeurons() {
        Matrix x = sphere(40, 5, 9);
        for (TeacherActivation act : TeacherActivation.values()) {
            for (double a : new double[] {1, 1.5, 4}) {
                TeacherField f = new TeacherField(42, act, a, 5000);  // two neuron blocks, the second partial
                double[] y = backend.teacher(x, f);
                double[] ref = new double[x.rows()];
                for (long j = 0; j < f.width(); j++) {
                    double[] w = org.sparsefeat.data.TeacherReference.neuron(f.seed(), 5, j);
                    for (int i = 0; i < x.rows(); i++) {
                        double z = 0;
                        for (int k = 0; k < 5; k++) {
                            z += w[k] * x.get(i, k);
                        }
                        double u = act == TeacherActivation.ABS ? Math.abs(z) : Math.max(z, 0);
                        ref[i] += w[5] * Math.pow(u, a);
                    }
                }
                for (int i = 0; i < ref.length; i++) {
                    ref[i] /= Math.sqrt(f.width());
                }
                double diff = relativeDifference(y, ref);
                assertTrue(diff < 1e-12, act + " a=" + a + ": " + diff);
            }
        }
    }

    @Test
    void teacherIsTheSameFieldOnAnySubsetOfPoints() {
        Matrix x = sphere(30, 4, 2);
        TeacherField f = new TeacherField(3, TeacherActivation.ABS, 1, 10_000);
        double[] all = backend.teacher(x, f);
        double[] part = backend.teacher(x.rowRange(10, 20), f);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 10, 20), part);
    }
}
