package org.sparsefeat.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FitsTest {
    private static final int[] N = {64, 128, 256, 512, 1024};

    /** eps(n, seed) = C n^{-beta} exp(sigma g), g standard normal, independent over n and seeds. */
    private static double[][] powerLaw(double beta, double sigma, int seeds, SplittableRandom rnd) {
        double[][] e = new double[N.length][seeds];
        for (int i = 0; i < N.length; i++) {
            for (int s = 0; s < seeds; s++) {
                double g = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
                e[i][s] = 3.0 * Math.pow(N[i], -beta) * Math.exp(sigma * g);
            }
        }
        return e;
    }

    @Test
    void recoversTheSlopeOfAnExactPowerLaw() {
        Fits.Exponent f = Fits.exponent(N, powerLaw(2.5, 0, 4, new SplittableRandom(1)), 64, 0, 1);
        assertEquals(2.5, f.beta(), 1e-12);
        assertEquals(3.0, f.prefactor(), 1e-10);
        assertEquals(2.5, f.low(), 1e-12);
        assertEquals(2.5, f.high(), 1e-12);
    }

    @Test
    void oneSeedGivesASlopeButNoInterval() {
        Fits.Exponent f = Fits.exponent(N, powerLaw(2.5, 0.1, 1, new SplittableRandom(2)), 64, 0, 1);
        assertEquals(2.5, f.beta(), 0.2);
        assertTrue(Double.isNaN(f.low()) && Double.isNaN(f.high()), "no bootstrap over one seed: " + f);
    }

    @Test
    void recoversNoisySlopesWithIntervalsThatCoverTheTruthAtAboutTheStatedRate() {
        SplittableRandom rnd = new SplittableRandom(7);
        int trials = 300, covered = 0;
        double meanError = 0;
        for (int t = 0; t < trials; t++) {
            double beta = 0.5 + 3 * rnd.nextDouble();
            Fits.Exponent f = Fits.exponent(N, powerLaw(beta, 0.5, 10, rnd), 64, 0, t);
            meanError += Math.abs(f.beta() - beta) / trials;
            if (f.low() <= beta && beta <= f.high()) {
                covered++;
            }
        }
        double rate = covered / (double) trials;
        assertTrue(meanError < 0.15, "mean |beta - truth| = " + meanError);
        // a percentile bootstrap over 10 seeds is a little optimistic: accept 85% to 99% for a nominal 95%
        assertTrue(rate > 0.85 && rate < 0.99, "coverage " + rate);
    }

    @Test
    void meansStandardErrorsAndTheDefaultRange() {
        double[][] e = {{1, 3}, {Double.NaN, 2}, {Double.NaN, Double.NaN}, {1, 1}, {0.5, 0.5}};
        var points = Fits.points(N, e);
        assertEquals(4, points.size(), "an n without any finite error is left out");
        assertEquals(2, points.getFirst().mean(), 0);
        assertEquals(1, points.getFirst().sem(), 1e-15);  // sd sqrt(2) over sqrt(2)
        assertEquals(1, points.get(1).seeds());
        // default range: the upper decade (n >= 1024 / 10), and at least the three largest n
        Fits.Exponent f = Fits.exponent(N, powerLaw(2, 0, 2, new SplittableRandom(2)), 0, 0, 1);
        assertEquals(128, f.nMin());
        assertEquals(1024, f.nMax());
        int[] wide = {1, 2, 4, 8, 16, 32, 64, 1000};
        double[][] e2 = new double[wide.length][1];
        for (int i = 0; i < wide.length; i++) {
            e2[i][0] = Math.pow(wide[i], -1.0);
        }
        assertEquals(32, Fits.exponent(wide, e2, 0, 0, 1).nMin(), "three points even when the decade holds one");
    }
}
