package org.sparsefeat.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsefeat.linalg.Matrix;

/**
 * The restricted LP's solvers on one LP, checked by its own optimality conditions: the interpolation A w = y, dual
 * feasibility |a_j . alpha| <= 1, complementarity (|a_j . alpha| = 1 where w_j != 0, with the sign of w_j), and the
 * objective equal to y . alpha; a vertex has at most n atoms.
 */
class RestrictedLpTest {
    private static final int N = 48;

    /** The data directions (the column generation's first atoms) and 400 random atoms, on N points of S^2. */
    private static List<double[]> columns(Matrix x) {
        List<double[]> cols = new ArrayList<>();
        for (int i = 0; i < x.rows(); i++) {
            cols.add(DualOracle.features(DualOracle.normalised(x.row(i)), x));
        }
        Matrix g = MinL1InterpolantTest.sphere(400, 3, 17);
        for (int h = 0; h < g.rows(); h++) {
            cols.add(DualOracle.features(g.row(h), x));
        }
        return cols;
    }

    private static void assertOptimalVertex(RestrictedLp lp, List<double[]> cols, double[] y, String name) {
        double[] w = lp.weights(), alpha = lp.dual();
        double[] f = new double[y.length];
        double sum = 0, dual = 0;
        int atoms = 0;
        for (int j = 0; j < cols.size(); j++) {
            double g = 0;
            for (int i = 0; i < y.length; i++) {
                f[i] += w[j] * cols.get(j)[i];
                g += alpha[i] * cols.get(j)[i];
            }
            assertTrue(Math.abs(g) <= 1 + 1e-8, name + ": dual infeasible at atom " + j + ": " + g);
            if (w[j] != 0) {
                atoms++;
                sum += Math.abs(w[j]);
            }
        }
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i], f[i], 1e-9, name + ": A w = y at row " + i);
            dual += y[i] * alpha[i];
        }
        assertEquals(sum, dual, 1e-8 * sum, name + ": primal and dual objectives");
        assertEquals(sum, lp.objective(), 1e-9 * sum, name);
        assertTrue(atoms <= y.length, name + ": " + atoms + " atoms for n = " + y.length);
    }

    @Test
    void barrierWithCrossoverAndSimplexReachTheSameCertifiedOptimum() {
        Matrix x = MinL1InterpolantTest.sphere(N, 3, 4);
        double[] y = MinL1InterpolantTest.target(x);
        List<double[]> cols = columns(x);
        try (RestrictedLp simplex = LpSolver.SIMPLEX.open(y); RestrictedLp barrier = LpSolver.BARRIER.open(y)) {
            simplex.add(cols);
            simplex.solve(() -> false);
            assertOptimalVertex(simplex, cols, y, "simplex");
            barrier.add(cols.subList(0, N));
            barrier.solve(() -> false);  // the square first LP, as the column generation's
            barrier.add(cols.subList(N, cols.size()));
            barrier.solve(() -> false);
            assertEquals(simplex.objective(), barrier.objective(), 1e-9 * simplex.objective(), "the barrier's y . alpha");
            barrier.vertex(() -> false);
            assertEquals(simplex.objective(), barrier.objective(), 1e-9 * simplex.objective(), "after the crossover");
            double[] w = barrier.weights();
            double[] f = new double[N];
            int atoms = 0;
            for (int j = 0; j < cols.size(); j++) {
                atoms += w[j] != 0 ? 1 : 0;
                for (int i = 0; i < N; i++) {
                    f[i] += w[j] * cols.get(j)[i];
                }
            }
            for (int i = 0; i < N; i++) {
                assertEquals(y[i], f[i], 1e-9);
            }
            assertTrue(atoms <= N, atoms + " atoms");
        }
    }

    /** Two equal points with different targets: no interpolant; the barrier hands over to the simplex's slacks. */
    @Test
    void infeasibleLpFallsBackToTheSimplexAndItsSlacks() {
        Matrix x = MinL1InterpolantTest.sphere(N, 3, 5);
        System.arraycopy(x.data(), 0, x.data(), 3, 3);  // point 1 = point 0
        double[] y = MinL1InterpolantTest.target(x);
        y[1] = y[0] + 0.5;
        List<double[]> cols = columns(x);
        try (RestrictedLp barrier = LpSolver.BARRIER.open(y)) {
            barrier.add(cols);
            barrier.solve(() -> false);
            barrier.vertex(() -> false);
            assertTrue(barrier.objective() > DenseSimplex.SLACK_COST * 0.2, "a slack carries the mismatch: "
                    + barrier.objective());
            double[] alpha = barrier.dual();
            assertTrue(Math.abs(alpha[0]) > 1e3 || Math.abs(alpha[1]) > 1e3, "the slack's price shows in the duals");
        }
    }

    @Test
    void aStopRequestEndsTheSolve() {
        Matrix x = MinL1InterpolantTest.sphere(N, 3, 6);
        double[] y = MinL1InterpolantTest.target(x);
        for (LpSolver s : new LpSolver[] {LpSolver.BARRIER, LpSolver.SIMPLEX}) {
            try (RestrictedLp lp = s.open(y)) {
                lp.add(columns(x));
                org.junit.jupiter.api.Assertions.assertThrows(MinL1Interpolant.Stopped.class, () -> lp.solve(() -> true));
            }
        }
    }
}
