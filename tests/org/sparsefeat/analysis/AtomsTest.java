package org.sparsefeat.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

class AtomsTest {
    /** Four points on the circle at 0, 90, 180 and 270 degrees. */
    private static final Matrix X = Matrix.of(new double[][] {{1, 0}, {0, 1}, {-1, 0}, {0, -1}});

    @Test
    void neuronsInTheSameCellAreOneAtom() {
        // neurons 0 and 1 point at 30 and 60 degrees: both positive on points 0, 1 and negative on 2, 3;
        // neuron 2 points at 180 + 30 degrees; neuron 3 has w2 = 0 and is not counted
        double c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
        Matrix w1 = Matrix.of(new double[][] {{c, s}, {2 * s, 2 * c}, {-c, -s}, {0, 1}});
        TwoLayerNet net = new TwoLayerNet(w1, null, new double[] {1, -0.25, 3, 0}, Scale.MEAN_FIELD);
        Atoms.Count count = Atoms.count(X, net, 1, 1e-3, false);
        assertEquals(2, count.exact());
        // atom norms |sum |w1_h| w2_h|: |1 * 1 + 2 * (-0.25)| = 0.5 and |1 * 3| = 3
        assertArrayEquals(new double[] {0.5, 3}, count.norms(), 1e-15);
        assertEquals(2, count.thresholded());
        assertEquals(1, Atoms.count(X, net, 1, 0.5, false).thresholded(), "only the atom of strength 3 is above half the max");
        // alpha-trick runs: weights times sqrt(alpha), so norms times alpha
        assertArrayEquals(new double[] {2.0, 12}, Atoms.count(X, net, 4, 1e-3, false).norms(), 1e-14);
    }

    @Test
    void theReferencesIndexingBugIsReproducibleOnDemand() {
        // a zero w2 first: the reference reads norms with filtered indices from the unfiltered arrays
        Matrix w1 = Matrix.of(new double[][] {{0, 1}, {1, 0.1}, {-1, 0.1}});
        TwoLayerNet net = new TwoLayerNet(w1, null, new double[] {0, 2, 5}, Scale.MEAN_FIELD);
        double n1 = Math.hypot(1, 0.1);
        assertArrayEquals(new double[] {n1 * 2, n1 * 5}, Atoms.count(X, net, 1, 1e-3, false).norms(), 1e-15);
        // filtered positions 0 and 1 read neurons 0 (norm 1, w2 = 0) and 1 (norm n1, w2 = 2)
        assertArrayEquals(new double[] {0, n1 * 2}, Atoms.count(X, net, 1, 1e-3, true).norms(), 1e-15);
        assertEquals(2, Atoms.count(X, net, 1, 1e-3, true).exact(), "counts are unaffected");
    }

    @Test
    void stabilityOfConstantAndOfExactlyRotationInvariantPredictors() {
        Matrix x = Matrix.of(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0.6, 0.8}, {-0.6, 0, 0.8}});
        assertEquals(0.0, Stability.rotation(m -> new double[m.rows()], x, 10, 0), 0.0);
        // f(x) = |x| is invariant under the rotation, which keeps norms
        assertEquals(0.0, Stability.rotation(m -> m.rowNorms(), x, 30, 1), 1e-20);
        // rotated points keep their norm and sit at the requested angle
        Matrix r = Stability.rotate(x, 10, 2);
        for (int i = 0; i < x.rows(); i++) {
            double dot = 0;
            for (int k = 0; k < 3; k++) {
                dot += x.get(i, k) * r.get(i, k);
            }
            assertEquals(1.0, r.rowNorms()[i], 1e-15);
            assertEquals(Math.cos(Math.toRadians(10)), dot, 1e-15);
        }
    }

    @Test
    void stabilityIsTheMeanSquaredChangeOverTwiceTheVariance() {
        double[] f = {0, 1, 2, 3}, g = {0.5, 1, 2, 3.5};
        // numerator (0.25 + 0.25) / 4; denominator 2 Var(f) = 2 * 1.25
        assertEquals(0.125 / 2.5, Stability.of(f, g), 1e-9);
    }
}
