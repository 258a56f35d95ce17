package org.sparsefeat.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsefeat.linalg.Matrix;

class DiffeoTest {
    @Test
    void temperaturesOfTheSpec() {
        assertEquals(1.478256e-3, Diffeo.temperature(1, 28, 3), 1e-9);
        assertEquals(1.131790e-3, Diffeo.temperature(1, 32, 3), 1e-9);
    }

    @Test
    void zeroTemperatureIsTheIdentity() {
        double[] img = new double[2 * 28 * 28];
        for (int k = 0; k < img.length; k++) {
            img[k] = Math.sin(k);
        }
        double[] out = new double[img.length];
        Diffeo.apply(img, 0, 2, 28, Diffeo.displacement(28, 0, 3, 1, 0), out, 0);
        assertArrayEquals(img, out, 0.0);
    }

    /** The RMS displacement over the image and over draws is close to delta (docs/method.md, 'Diffeomorphisms'). */
    @Test
    void meanDisplacementMatchesDelta() {
        for (double delta : new double[] {0.5, 1, 2}) {
            int n = 28, draws = 400;
            double t = Diffeo.temperature(delta, n, 3), sum = 0;
            for (int k = 0; k < draws; k++) {
                double[][] d = Diffeo.displacement(n, t, 3, 7, k);
                for (int p = 0; p < n * n; p++) {
                    sum += d[0][p] * d[0][p] + d[1][p] * d[1][p];
                }
            }
            double rms = Math.sqrt(sum / draws / (n * n));
            // the continuum estimate behind T gives delta; the 28 x 28 grid with sin^2 vanishing at the border
            // gives 0.81 delta
            assertEquals(0.81 * delta, rms, 0.06 * delta, "delta " + delta);
        }
    }

    @Test
    void aConstantPredictorIsPerfectlyStableAndNoiseHasTheDeformationsNorm() {
        int count = 20, n = 28;
        double[] px = new double[count * n * n];
        for (int k = 0; k < px.length; k++) {
            px[k] = (k * 31 % 97) / 97.0;
        }
        ImageSet set = new ImageSet("x", new Matrix(count, n * n, px), new int[count], 1, n, n);
        ImageStability.Result r = ImageStability.relative(x -> new double[x.rows()], set, 1, 3, 0);
        assertEquals(0.0, r.deformation(), 0.0);
        assertEquals(0.0, r.noise(), 0.0);
        ImageStability.Perturbed p = ImageStability.perturb(set, 1, 3, 0);
        for (int i = 0; i < count; i++) {
            double a = 0, b = 0;
            for (int k = 0; k < n * n; k++) {
                a += Math.pow(p.deformed().get(i, k) - px[i * n * n + k], 2);
                b += Math.pow(p.noisy().get(i, k) - px[i * n * n + k], 2);
            }
            assertEquals(a, b, 1e-9 * a);
            assertTrue(a > 0);
        }
        // a predictor that sums the pixels barely notices a deformation and notices noise more
        ImageStability.Result sum = ImageStability.relative(x -> {
            double[] f = new double[x.rows()];
            for (int i = 0; i < f.length; i++) {
                for (double v : x.row(i)) {
                    f[i] += v;
                }
            }
            return f;
        }, set, 1, 3, 0);
        assertTrue(sum.deformation() > 0 && sum.noise() > 0 && Double.isFinite(sum.relative()));
    }
}
