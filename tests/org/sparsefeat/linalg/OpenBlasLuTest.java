package org.sparsefeat.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The routines the dense simplex stands on: LU inverse, rank-one update and a block's gemv, against plain loops. */
class OpenBlasLuTest {
    private static double[] random(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[count];
        for (int i = 0; i < count; i++) {
            a[i] = r.nextDouble(-1, 1);
        }
        return a;
    }

    @Test
    void inverseTimesMatrixIsTheIdentity() {
        for (int n : new int[] {1, 7, 256, 600}) {
            double[] a = random(n * n, n);
            double[] inv = a.clone();
            assertEquals(0, OpenBlas.invert(inv, n));
            double worst = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += inv[i * n + k] * a[k * n + j];
                    }
                    worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
                }
            }
            assertTrue(worst < 1e-8, "n = " + n + ": |A^-1 A - I| = " + worst);
        }
    }

    @Test
    void singularMatrixNamesItsZeroPivot() {
        double[] a = {1, 2, 2, 4};
        assertTrue(OpenBlas.invert(a, 2) > 0);
    }

    @Test
    void rankOneUpdateAndBlockProductMatchLoops() {
        int n = 300;
        double[] a = random(n * n, 1), u = random(n, 2), v = random(n, 3);
        double[] expected = a.clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                expected[i * n + j] += -0.5 * u[i] * v[j];
            }
        }
        OpenBlas.ger(n, -0.5, u, v, a);
        for (int k = 0; k < n * n; k++) {
            assertEquals(expected[k], a[k], 1e-14);
        }
        int rows = 37;
        double[] store = random(100 * n, 4), x = random(n, 5), y = new double[rows];
        OpenBlas.gemv(false, store, rows, n, x, 0, y);
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += store[i * n + j] * x[j];
            }
            assertEquals(s, y[i], 1e-12);
        }
        double[] z = random(rows, 6), t = random(n, 7), expectedT = t.clone();
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < rows; i++) {
                expectedT[j] += store[i * n + j] * z[i];
            }
        }
        OpenBlas.gemv(true, store, rows, n, z, 1, t);
        for (int j = 0; j < n; j++) {
            assertEquals(expectedT[j], t[j], 1e-12);
        }
    }
}
