package org.sparsefeat.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsefeat.linalg.Matrix;

/**
 * The sparse limit (issue 24, item 4): the grid LP's optimum proved by an independent duality certificate, the
 * grid-free solve against a fine grid, Caratheodory, interpolation and rotation invariance, on the default barrier;
 * and the solvers against each other and COIN-OR Clp, where Clp is installed
 * (README, 'sparse: the lambda -> 0+ limit of L1 training').
 */
class MinL1InterpolantTest {
    /** n points uniform on S^{d-1} and a target that is not a single ReLU: sign-changing and curved. */
    static Matrix sphere(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                double g = r.nextGaussian();
                a[i * d + j] = g;
                norm += g * g;
            }
            for (int j = 0; j < d; j++) {
                a[i * d + j] /= Math.sqrt(norm);
            }
        }
        return new Matrix(n, d, a);
    }

    static double[] target(Matrix x) {
        double[] y = new double[x.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = 1 + 0.5 * x.get(i, 0) * x.get(i, 1) - 0.3 * Math.abs(x.get(i, 1));
        }
        return y;
    }

    static Matrix circle(int m) {
        double[] a = new double[2 * m];
        for (int k = 0; k < m; k++) {
            a[2 * k] = Math.cos(2 * Math.PI * k / m);
            a[2 * k + 1] = Math.sin(2 * Math.PI * k / m);
        }
        return new Matrix(m, 2, a);
    }

    /**
     * The LP over a fixed grid of atoms, checked by weak duality computed here, independently of Clp: a primal w
     * that interpolates and a dual alpha with |sum_i alpha_i relu(theta . x_i)| <= 1 at every grid atom bound the
     * optimum from both sides; equal objectives prove both optimal.
     */
    @Test
    void gridOptimumIsCertifiedByIndependentDuality() {
        Matrix x = sphere(16, 2, 3);
        double[] y = target(x);
        Matrix grid = circle(720);
        MinL1Interpolant.Result r = MinL1Interpolant.solveOnGrid(x, y, grid, 1e-12, LpSolver.SIMPLEX);
        double primal = 0;
        for (double w : r.w()) {
            primal += Math.abs(w);
        }
        double dualValue = 0;
        for (int i = 0; i < y.length; i++) {
            dualValue += r.alpha()[i] * y[i];
        }
        double worst = 0;
        for (int k = 0; k < grid.rows(); k++) {
            double g = 0;
            for (int i = 0; i < x.rows(); i++) {
                g += r.alpha()[i] * Math.max(0, grid.get(k, 0) * x.get(i, 0) + grid.get(k, 1) * x.get(i, 1));
            }
            worst = Math.max(worst, Math.abs(g));
        }
        assertTrue(worst <= 1 + 1e-9, "dual infeasible on the grid: " + worst);
        assertTrue(maxResidual(r, x, y) <= 1e-9, "residual " + maxResidual(r, x, y));
        assertEquals(primal, dualValue / worst, 1e-6 * primal, "primal and dual objectives");
        assertEquals(primal, r.objective(), 1e-12 * primal);
    }

    /**
     * Grid-free at d = 2: no worse than a fine grid (a restriction of the same LP), and optimal: the fine grid with the
     * solve's own atoms added, an LP whose optimum is at least the continuum's, finds nothing better; at most n atoms;
     * interpolation to 1e-9.
     */
    @Test
    void gridFreeSolveMatchesAFineGridAndHasAtMostNAtoms() {
        Matrix x = sphere(24, 2, 5);
        double[] y = target(x);
        MinL1Interpolant.Result free = MinL1Interpolant.solve(x, y, MinL1Interpolant.Options.defaults(24, 1, false), null);
        MinL1Interpolant.Result fine = MinL1Interpolant.solveOnGrid(x, y, circle(20_000), 1e-12, LpSolver.SIMPLEX);
        assertTrue(free.converged());
        assertTrue(free.objective() <= fine.objective() * (1 + 1e-9), free.objective() + " > grid " + fine.objective());
        Matrix grid = circle(20_000);
        Matrix both = Matrix.zeros(grid.rows() + free.atoms(), 2);
        System.arraycopy(grid.data(), 0, both.data(), 0, grid.data().length);
        System.arraycopy(free.theta().data(), 0, both.data(), grid.data().length, free.theta().data().length);
        double withAtoms = MinL1Interpolant.solveOnGrid(x, y, both, 1e-12, LpSolver.SIMPLEX).objective();
        assertEquals(withAtoms, free.objective(), 1e-6 * free.objective());
        assertTrue(free.atoms() <= x.rows(), free.atoms() + " atoms for n = " + x.rows());
        assertTrue(free.residual() <= 1e-9 && maxResidual(free, x, y) <= 1e-9, "residual " + maxResidual(free, x, y));
    }

    /** Rotating the data rotates the interpolant: the same objective, atom count and predictions (d = 3). */
    @Test
    void rotatingTheDataChangesNothing() {
        Matrix x = sphere(40, 3, 7);
        double[] y = target(x);
        double c = Math.cos(0.7), s = Math.sin(0.7);
        double[][] q = {{c, -s, 0}, {s * 0.6, c * 0.6, 0.8}, {-s * 0.8, -c * 0.8, 0.6}};  // orthogonal
        Matrix xr = Matrix.zeros(x.rows(), 3);
        for (int i = 0; i < x.rows(); i++) {
            for (int a = 0; a < 3; a++) {
                double v = 0;
                for (int b = 0; b < 3; b++) {
                    v += q[a][b] * x.get(i, b);
                }
                xr.set(i, a, v);
            }
        }
        MinL1Interpolant.Options o = MinL1Interpolant.Options.defaults(40, 2, false);
        MinL1Interpolant.Result r = MinL1Interpolant.solve(x, y, o, null);
        MinL1Interpolant.Result rr = MinL1Interpolant.solve(xr, y, o, null);
        assertTrue(r.converged() && rr.converged());
        assertEquals(r.objective(), rr.objective(), 1e-5 * r.objective());
        assertTrue(r.atoms() <= 40 && rr.atoms() <= 40);
        assertTrue(maxResidual(rr, xr, y) <= 1e-9);
    }

    /**
     * The constant 1 on the circle is the uniform measure of mass pi over theta (the integral of relu(cos) over the
     * circle is 2), and on S^2 of mass 4 (that of relu(theta . x) over S^2 is pi): feasible for every sample, so the
     * minimum over n points never exceeds it, and approaches it as the points fill the sphere.
     */
    @Test
    void constantTargetCostsAtMostTheUniformMeasure() {
        for (int d : new int[] {2, 3}) {
            Matrix x = sphere(64, d, 13);
            double[] y = new double[64];
            java.util.Arrays.fill(y, 1.0);
            MinL1Interpolant.Result r = MinL1Interpolant.solve(x, y, MinL1Interpolant.Options.defaults(64, 0, false), null);
            double uniform = d == 2 ? Math.PI : 4;
            assertTrue(r.objective() <= uniform * (1 + 1e-9) && r.objective() > 0.95 * uniform,
                    "d = " + d + ": " + r.objective() + " against " + uniform);
        }
    }

    @Test
    void biasAddsAConstantCoordinate() {
        Matrix x = sphere(20, 2, 11);
        double[] y = target(x);
        MinL1Interpolant.Result r = MinL1Interpolant.solve(x, y, MinL1Interpolant.Options.defaults(20, 0, true), null);
        assertEquals(3, r.theta().cols());
        assertTrue(maxResidual(r, x, y) <= 1e-9);
        MinL1Interpolant.Result without = MinL1Interpolant.solve(x, y, MinL1Interpolant.Options.defaults(20, 0, false),
                null);
        assertTrue(r.objective() <= without.objective() * (1 + 1e-6), "the bias can only help");
    }

    /**
     * The solvers on the same column generation: the grid LP's optimum and the grid-free one agree to 1e-9 and 1e-6
     * (the oracle's tolerance bounds the latter), at a size (n = 64, d = 3) where the barrier's rounds, its tail on the
     * warm simplex and its crossover all run; COIN-OR Clp joins where it is installed.
     */
    @Test
    void solversAgree() {
        Matrix x = sphere(24, 2, 21);
        double[] y = target(x);
        Matrix grid = circle(2000);
        double simplex = MinL1Interpolant.solveOnGrid(x, y, grid, 1e-12, LpSolver.SIMPLEX).objective();
        double barrier = MinL1Interpolant.solveOnGrid(x, y, grid, 1e-12, LpSolver.BARRIER).objective();
        assertEquals(simplex, barrier, 1e-9 * simplex);
        Matrix x3 = sphere(64, 3, 22);
        double[] y3 = target(x3);
        MinL1Interpolant.Options o = MinL1Interpolant.Options.defaults(64, 3, false);
        java.util.List<LpSolver> solvers = new java.util.ArrayList<>(java.util.List.of(LpSolver.BARRIER, LpSolver.SIMPLEX));
        if (LpSolver.CLP.missing() == null) {
            solvers.add(LpSolver.CLP);
            assertEquals(simplex, MinL1Interpolant.solveOnGrid(x, y, grid, 1e-12, LpSolver.CLP).objective(), 1e-9 * simplex);
        }
        Double first = null;
        for (LpSolver s : solvers) {
            MinL1Interpolant.Result r = MinL1Interpolant.solve(x3, y3, new MinL1Interpolant.Options(o.tolerance(),
                    o.maxIterations(), o.grid(), o.seed(), false, s), null);
            assertTrue(r.converged(), s.label());
            assertTrue(r.atoms() <= 64 && maxResidual(r, x3, y3) <= 1e-9, s.label() + ": " + r.atoms() + " atoms");
            first = first == null ? r.objective() : first;
            assertEquals(first, r.objective(), 1e-6 * first, s.label());
        }
    }

    private static double maxResidual(MinL1Interpolant.Result r, Matrix x, double[] y) {
        double[] f = r.predict(x);
        double m = 0;
        for (int i = 0; i < y.length; i++) {
            m = Math.max(m, Math.abs(f[i] - y[i]));
        }
        return m;
    }
}
