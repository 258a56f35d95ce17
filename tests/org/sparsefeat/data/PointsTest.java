package org.sparsefeat.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsefeat.linalg.Matrix;

class PointsTest {
    @Test
    void spherePointsHaveUnitNormAndZeroMean() {
        Matrix x = Points.sample(PointDistribution.SPHERE, 20_000, 5, 0, Philox.STREAM_TRAIN_POINTS);
        double[] norms = x.rowNorms();
        double[] mean = new double[5];
        for (int i = 0; i < x.rows(); i++) {
            assertEquals(1.0, norms[i], 1e-15);
            for (int k = 0; k < 5; k++) {
                mean[k] += x.get(i, k) / x.rows();
            }
        }
        for (double m : mean) {  // each coordinate has variance 1/d
            assertEquals(0, m, 4 * Math.sqrt(0.2 / x.rows()));
        }
    }

    @Test
    void ballPointsAreUniformInTheBall() {
        int d = 3, n = 20_000;
        double[] norms = Points.sample(PointDistribution.BALL, n, d, 1, Philox.STREAM_TRAIN_POINTS).rowNorms();
        double meanPow = 0;
        for (double r : norms) {
            assertTrue(r <= 1);
            meanPow += Math.pow(r, d) / n;  // |x|^d is uniform on (0, 1)
        }
        assertEquals(0.5, meanPow, 4 * Math.sqrt(1.0 / 12 / n));
    }

    @Test
    void gaussianPointsHaveUnitMeanSquaredNorm() {
        int n = 20_000;
        double[] norms = Points.sample(PointDistribution.GAUSSIAN, n, 4, 2, Philox.STREAM_TRAIN_POINTS).rowNorms();
        double m = 0;
        for (double r : norms) {
            m += r * r / n;
        }
        assertEquals(1.0, m, 4 * Math.sqrt(2.0 / 4 / n));
    }

    @Test
    void sameSeedSameBitsAndTrainingSetsAreNested() {
        Matrix a = Points.sample(PointDistribution.SPHERE, 200, 5, 3, Philox.STREAM_TRAIN_POINTS);
        Matrix b = Points.sample(PointDistribution.SPHERE, 100, 5, 3, Philox.STREAM_TRAIN_POINTS);
        assertArrayEquals(a.rowRange(0, 100).data(), b.data());
        Matrix c = Points.sample(PointDistribution.SPHERE, 100, 5, 4, Philox.STREAM_TRAIN_POINTS);
        Matrix t = Points.sample(PointDistribution.SPHERE, 100, 5, 3, Philox.STREAM_TEST_POINTS);
        assertNotEquals(b.get(0, 0), c.get(0, 0));
        assertNotEquals(b.get(0, 0), t.get(0, 0));
    }

    /**
     * Golden bits: the generator is documented as giving the same bits on every machine (Philox, StrictMath),
     * so a change of these values is a change of every dataset ever generated and must be deliberate.
     */
    @Test
    void goldenValuesPinTheGenerator() {
        Matrix x = Points.sample(PointDistribution.SPHERE, 2, 3, 0, Philox.STREAM_TRAIN_POINTS);
        long[] bits = new long[6];
        for (int i = 0; i < 6; i++) {
            bits[i] = Double.doubleToRawLongBits(x.data()[i]);
        }
        assertArrayEquals(GOLDEN, bits, () -> java.util.Arrays.toString(bits));
    }

    private static final long[] GOLDEN = {4607020122952144114L, -4633439525502856694L, -4627925564579208132L,
        4603022780561518854L, 4603562443595494937L, 4603523921036401193L};
}
