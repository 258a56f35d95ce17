package org.sparsefeat.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsefeat.backend.BackendContract;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.ReferenceKernels;

/** Cholesky, solves and products on host matrices, whichever backend runs (they left the backend contract). */
class HostLinalgTest {
    /** K(X, X) of the plain-Java reference, full. */
    private static Matrix gram(KernelType type, int n, int d, long seed) {
        Matrix x = Points.sample(PointDistribution.SPHERE, n, d, seed, Philox.STREAM_TRAIN_POINTS);
        return ReferenceKernels.gram(Kernel.of(type), x, x);
    }

    private static double relativeDifference(double[] a, double[] b) { return BackendContract.relativeDifference(a, b); }

    /** LAPACK's criterion: |A - L L^T| / (n eps |A|) is O(1). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 17, 200, 700})
    void choleskyResidualIsAtRoundingLevel(int n) {
        Matrix a = gram(KernelType.NTK, n, 5, n);
        Matrix l = a.copy();
        HostLinalg.cholesky(l, 0);
        l.zeroUpper();
        double[] r = a.data().clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p <= Math.min(i, j); p++) {
                    s += l.get(i, p) * l.get(j, p);
                }
                r[i * n + j] -= s;
            }
        }
        double ratio = new Matrix(n, n, r).frobeniusNorm() / (n * Math.ulp(1.0) * a.frobeniusNorm());
        assertTrue(ratio < 30, "residual ratio " + ratio);
    }

    @Test
    void negativeDefiniteMatrixFailsAtTheFirstPivot() {
        Matrix a = Matrix.of(new double[][] {{-1, 0}, {0, 1}});
        assertEquals(1, assertThrows(NotPositiveDefiniteException.class, () -> HostLinalg.cholesky(a, 0)).pivot());
        Matrix b = Matrix.of(new double[][] {{4, 0, 0}, {2, 1, 0}, {0, 0, 1}});  // lower triangle of [[4,2],[2,1]]
        assertEquals(2, assertThrows(NotPositiveDefiniteException.class, () -> HostLinalg.cholesky(b, 0)).pivot());
    }

    @Test
    void choleskySolveSolves() {
        Matrix a = gram(KernelType.RFK1, 120, 4, 3);
        double[] b = new double[120];
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.sin(i);
        }
        Matrix l = a.copy();
        HostLinalg.cholesky(l, 1e-6);
        double[] c = b.clone();
        HostLinalg.choleskySolve(l, c);
        double[] back = HostLinalg.multiply(a, c);
        for (int i = 0; i < b.length; i++) {
            back[i] += 1e-6 * c[i];
        }
        assertTrue(relativeDifference(back, b) < 1e-9, "residual " + relativeDifference(back, b));
    }

    @Test
    void theFactorTimesAVectorIsTheFactoredMatrixTimesIt() {
        Matrix a = gram(KernelType.NTK, 90, 3, 6);
        Matrix l = a.copy();
        HostLinalg.cholesky(l, 0.5);
        double[] v = new double[90];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.cos(3 * i);
        }
        double[] expected = HostLinalg.multiply(a, v);
        for (int i = 0; i < v.length; i++) {
            expected[i] += 0.5 * v[i];
        }
        assertTrue(relativeDifference(HostLinalg.factorMultiply(l, v), expected) < 1e-14);
        l.zeroUpper();
        double[] lv = HostLinalg.lowerMultiply(l, v);
        double[] ref = new double[90];
        for (int i = 0; i < 90; i++) {
            for (int j = 0; j <= i; j++) {
                ref[i] += l.get(i, j) * v[j];
            }
        }
        assertTrue(relativeDifference(lv, ref) < 1e-14, "L v");
    }
}
