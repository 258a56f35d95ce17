package org.sparsefeat.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.linalg.Matrix;

/**
 * The feature regime's lambda -> 0+ limit (docs/method.md, 'The sparse limit'): the
 * minimum-L1 ReLU interpolant, min sum_h |w_h| over atoms theta_h on the sphere subject to
 * sum_h w_h relu(theta_h . x_i) = y_i, solved grid-free by column generation. The restricted LP over the atoms found so
 * far is solved by a {@link RestrictedLp} (see {@link LpSolver}); its row duals alpha price a new atom by the
 * dual constraint |sum_i alpha_i relu(theta . x_i)| <= 1, whose most violating theta the {@link DualOracle} looks for.
 * With the bias the inputs get a constant coordinate and theta = (theta, b) lies on S^d.
 */
public final class MinL1Interpolant {
    /** LPs in a row without progress after which the solve ends unconverged, the gap saying how far it got. */
    static final int STALL = 20;

    /**
     * @param tolerance  stop when max |sum_i alpha_i relu(theta . x_i)| <= 1 + tolerance
     * @param maxIterations LP solves at most
     * @param grid       starting points of the oracle's multistart ascent on the sphere
     * @param seed       of the starting grid and the first atoms
     * @param bias       whether the neurons have a bias
     * @param solver     the restricted LP's solver
     */
    public record Options(double tolerance, int maxIterations, int grid, long seed, boolean bias, LpSolver solver) {
        public static final double DEFAULT_TOLERANCE = 1e-7;
        public static final int DEFAULT_MAX_ITERATIONS = 500;

        public static Options defaults(int n, long seed, boolean bias) {
            return new Options(DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS, DualOracle.defaultGrid(n), seed, bias,
                    LpSolver.DEFAULT);
        }
    }

    /**
     * The interpolant and its certificate.
     *
     * @param theta        the atoms' directions (with the bias: (theta, b) on S^d), one per row
     * @param w            their output weights, all nonzero
     * @param objective    sum |w|
     * @param lowerBound   alpha . y / max(1, maxViolation): alpha scaled to satisfy the dual constraint everywhere the
     *                     oracle looked, a lower bound on the optimum as good as the oracle
     * @param maxViolation the oracle's max |sum_i alpha_i relu(theta . x_i)| at the end (1 at the exact optimum)
     * @param residual     max_i |f(x_i) - y_i|
     * @param lpAtoms      the LP solution's nonzero columns before same-pattern atoms were merged
     * @param converged    whether the oracle found no violation beyond the tolerance
     * @param alpha        the last restricted LP's row duals
     */
    public record Result(Matrix theta, double[] w, boolean bias, double objective, double lowerBound,
                         double maxViolation, double residual, int iterations, int columns, int lpAtoms,
                         boolean converged, double[] alpha) {
        public int atoms() { return w.length; }

        /** objective - lowerBound, relative to the objective. */
        public double relativeGap() { return (objective - lowerBound) / Math.max(objective, Double.MIN_NORMAL); }

        /** The full mean (f(x_i) - y_i)^2, as train's test_mse and train_mse. */
        public double mse(Matrix x, double[] y) {
            double[] f = predict(x);
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += (f[i] - y[i]) * (f[i] - y[i]);
            }
            return s / y.length;
        }

        /** f(x) = sum_h w_h relu(theta_h . x (+ b_h)). */
        public double[] predict(Matrix x) {
            Matrix xa = bias ? withOne(x) : x;
            double[] f = new double[x.rows()];
            for (int h = 0; h < w.length; h++) {
                double[] phi = DualOracle.features(theta.row(h), xa);
                for (int i = 0; i < f.length; i++) {
                    f[i] += w[h] * phi[i];
                }
            }
            return f;
        }
    }

    /** What it tells between iterations; {@code stop()} true ends the solve with {@link Stopped}. */
    public interface Progress {
        void iteration(int iteration, int maxIterations, double objective, double maxViolation, int columns);

        default boolean stop() { return false; }
    }

    /** The solve was asked to stop (Ctrl-C). */
    public static final class Stopped extends RuntimeException {
        public Stopped() { super("stopped", null, false, false); }
    }

    private MinL1Interpolant() {}


    public static Result solve(Matrix x, double[] y, Options o, Progress progress) {
        Matrix xa = o.bias() ? withOne(x) : x;
        DualOracle oracle = new DualOracle(xa, DualOracle.startingGrid(o.grid(), xa.cols(), o.seed()));
        return run(xa, y, o, oracle, firstAtoms(xa), progress, o.bias(), true);
    }

    /**
     * The same LP over a fixed finite set of atoms (the rows of {@code grid}): the oracle's pricing is then exact over
     * that set, so the result is the grid LP's optimum (for tests against an independent solver).
     */
    public static Result solveOnGrid(Matrix x, double[] y, Matrix grid, double tolerance, LpSolver solver) {
        DualOracle oracle = DualOracle.fixed(x, grid);
        Options o = new Options(tolerance, 10_000, grid.rows(), 0, false, solver);
        List<double[]> first = new ArrayList<>();
        for (int h = 0; h < Math.min(grid.rows(), x.rows()); h++) {
            first.add(grid.row(h * grid.rows() / Math.min(grid.rows(), x.rows())));
        }
        return run(x, y, o, oracle, first, null, false, false);
    }

    private static Result run(Matrix x, double[] y, Options o, DualOracle oracle, List<double[]> first,
                              Progress progress, boolean bias, boolean merge) {
        int n = x.rows();
        List<double[]> atoms = new ArrayList<>();
        java.util.function.BooleanSupplier stop = () -> progress != null && progress.stop();
        try (RestrictedLp lp = o.solver().open(y)) {
            addAtoms(lp, x, atoms, first);
            double violation = Double.POSITIVE_INFINITY;
            double[] alpha = new double[n];
            int it = 0;
            boolean converged = false;
            double previous = Double.POSITIVE_INFINITY;
            int stalled = 0;  // LPs in a row that the added atoms did not improve
            while (it < o.maxIterations()) {
                if (stop.getAsBoolean()) {
                    throw new Stopped();
                }
                lp.solve(stop);
                it++;
                stalled = lp.objective() < previous * (1 - 1e-13) ? 0 : stalled + 1;
                previous = lp.objective();
                alpha = lp.dual();
                Merged merged = Merged.of(lp.weights(), x, atoms, true);
                DualOracle.Found found = oracle.violators(alpha, o.tolerance(), Math.max(8, n / 2), merged.combined());
                violation = found.max();
                if (progress != null) {
                    progress.iteration(it, o.maxIterations(), lp.objective(), violation, atoms.size());
                }
                if (found.thetas().isEmpty()) {
                    converged = true;
                    break;
                }
                if (stalled >= STALL) {  // the oracle's violators are near-copies of atoms the LP has: its accuracy
                    break;
                }
                addAtoms(lp, x, atoms, found.thetas());
            }
            if (!converged && stalled < STALL) {  // the last columns added were never solved
                lp.solve(stop);
                alpha = lp.dual();
                violation = oracle.violators(alpha, o.tolerance(), 1, Merged.of(lp.weights(), x, atoms, true).combined()).max();
            }
            lp.vertex(stop);
            return result(lp, x, y, atoms, alpha, violation, it, converged, bias, merge);
        }
    }

    private static Result result(RestrictedLp lp, Matrix x, double[] y, List<double[]> atoms, double[] alpha,
                                 double violation, int iterations, boolean converged, boolean bias, boolean merge) {
        int n = x.rows();
        Merged merged = Merged.of(lp.weights(), x, atoms, merge);
        List<double[]> kept = merged.theta();
        double objective = 0;
        for (double v : merged.w()) {
            objective += Math.abs(v);
        }
        int lpAtoms = merged.lpAtoms();
        int d = x.cols();
        Matrix theta = new Matrix(kept.size(), d, new double[kept.size() * d]);
        for (int h = 0; h < kept.size(); h++) {
            System.arraycopy(kept.get(h), 0, theta.data(), h * d, d);
        }
        double[] w = merged.w();
        double residual = 0;
        double[] f = new double[n];
        for (int h = 0; h < w.length; h++) {
            double[] phi = DualOracle.features(kept.get(h), x);
            for (int i = 0; i < n; i++) {
                f[i] += w[h] * phi[i];
            }
        }
        double dualValue = 0;
        for (int i = 0; i < n; i++) {
            residual = Math.max(residual, Math.abs(f[i] - y[i]));
            dualValue += alpha[i] * y[i];
        }
        double lower = dualValue / Math.max(1, violation);
        return new Result(theta, w, bias, objective, Math.min(lower, objective), violation, residual, iterations,
                lp.atoms(), lpAtoms, converged, alpha);
    }

    private static void addAtoms(RestrictedLp lp, Matrix x, List<double[]> atoms, List<double[]> thetas) {
        List<double[]> cols = new ArrayList<>(thetas.size());
        for (double[] t : thetas) {
            cols.add(DualOracle.features(t, x));
            atoms.add(t);
        }
        lp.add(cols);
    }

    /** The first restricted LP's atoms: the data directions themselves, each active on its own point and its neighbours. */
    private static List<double[]> firstAtoms(Matrix x) {
        List<double[]> first = new ArrayList<>();
        for (int i = 0; i < x.rows(); i++) {
            first.add(DualOracle.normalised(x.row(i)));
        }
        return first;
    }

    /**
     * The LP solution's atoms with those of one sign and one activation pattern on the data merged: such atoms act
     * linearly there, so one atom at their weighted sum interpolates the same and costs |sum_h w_h theta_h| <=
     * sum_h |w_h|. The column generation leaves such near-copies around a continuum atom, and the merged directions
     * are where the LP wants an atom: the oracle starts its ascent there too.
     *
     * @param combined the directions of the groups of two or more atoms
     */
    record Merged(List<double[]> theta, double[] w, int lpAtoms, List<double[]> combined) {
        /**
         * @param weights the LP's w per atom
         * @param merge   false: each LP atom kept as it is (a fixed grid's LP)
         */
        static Merged of(double[] weights, Matrix x, List<double[]> atoms, boolean merge) {
            List<double[]> sums = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            List<Double> signs = new ArrayList<>();
            Map<String, Integer> byPattern = new HashMap<>();
            int lpAtoms = 0;
            for (int h = 0; h < atoms.size(); h++) {
                double w = weights[h];
                if (w == 0) {
                    continue;
                }
                lpAtoms++;
                double[] t = atoms.get(h);
                String key = merge ? (w > 0 ? "+" : "-") + pattern(t, x) : "atom " + h;
                Integer at = byPattern.get(key);
                if (at == null) {
                    byPattern.put(key, sums.size());
                    sums.add(new double[t.length]);
                    sizes.add(0);
                    signs.add(Math.signum(w));
                    at = sums.size() - 1;
                }
                double[] v = sums.get(at);
                for (int j = 0; j < t.length; j++) {
                    v[j] += Math.abs(w) * t[j];
                }
                sizes.set(at, sizes.get(at) + 1);
            }
            List<double[]> theta = new ArrayList<>(), combined = new ArrayList<>();
            double[] w = new double[sums.size()];
            for (int h = 0; h < sums.size(); h++) {
                w[h] = signs.get(h) * Math.sqrt(dot(sums.get(h), sums.get(h)));
                theta.add(DualOracle.normalised(sums.get(h)));
                if (sizes.get(h) > 1) {
                    combined.add(theta.getLast());
                }
            }
            return new Merged(theta, w, lpAtoms, combined);
        }
    }

    static String pattern(double[] theta, Matrix x) {
        double[] phi = DualOracle.features(theta, x);
        java.util.BitSet b = new java.util.BitSet(phi.length);
        for (int i = 0; i < phi.length; i++) {
            b.set(i, phi[i] > 0);
        }
        return java.util.Base64.getEncoder().encodeToString(b.toByteArray());
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    static Matrix withOne(Matrix x) {
        int n = x.rows(), d = x.cols();
        double[] a = new double[n * (d + 1)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data(), i * d, a, i * (d + 1), d);
            a[i * (d + 1) + d] = 1;
        }
        return new Matrix(n, d + 1, a);
    }
}
