package org.sparsefeat.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.OpenBlas;

/**
 * The restricted LP, min sum_j |w_j| + M sum_i |s_i| s.t. sum_j w_j a_j + s = y, by a revised primal simplex on a
 * dense explicit basis inverse. Why dense: a ReLU column relu(theta . x_i) is nonzero on about half the points, so a
 * sparse LU (Clp's) fills in and one LP at n = 1 024 took 30-75 s (BENCHMARKS.md, 14.1); here a pivot is two
 * O(n^2) BLAS calls (FTRAN by dgemv, the rank-one update of B^-1 by dger) and LAPACK re-inverts B every
 * {@link #REINVERT} pivots to bound the drift.
 *
 * <p>Each variable is free with cost c |v| (1 for an atom's w_j, M for a slack s_i): a basic one enters the basis as
 * the signed column sign * a with value |v| >= 0, so the LP's u - v split never doubles the columns, and a value that
 * a re-inversion finds negative just flips its sign. Pricing is Dantzig's on the whole store, computed block by block
 * (dgemv) and kept as a short list of the best candidates re-priced between full passes (multiple pricing); the ratio
 * test is Harris's two-pass one. The first basis is the first n atoms when they span R^n (the column generation's
 * first atoms are the data directions: w = B^-1 y is then feasible at once), else the slacks.
 */
final class DenseSimplex implements RestrictedLp {
    /** A slack's cost: far above any dual price at the optimum, so no optimum keeps one (all are 0 at the end). */
    static final double SLACK_COST = 1e6;
    /** Pivots between fresh inverses (LAPACK's dgetrf + dgetri, 2 n^3 flops: a tenth of the pivots' n^2 work). */
    static final int REINVERT = 200;
    /** Candidates a full pricing pass keeps for the pivots that follow it. */
    static final int CANDIDATES = 48;
    /** The first atoms' basis is kept only if B^-1 y grows at most this much over y (else it is ill-conditioned). */
    static final double CRASH_GROWTH = 1e6;
    /** A basic value this small relative to the largest is degenerate, reported as 0 (not an atom). */
    static final double ZERO = 1e-11;
    /**
     * A reduced cost below -this times max(1, |pi|_inf) lets its variable enter: a . pi carries rounding of that size
     * (pi reaches M while slacks are basic), and a tolerance below it lets two columns swap forever on noise.
     */
    static final double OPTIMALITY = 1e-10;
    /** A basic value may go this far below 0 in Harris's ratio test. */
    static final double FEASIBILITY = 1e-10;
    /** Degenerate pivots in a row after which the values are perturbed (these LPs cycle without it). */
    static final int STALL = 16;
    /** Size of that perturbation, relative to the largest value. */
    static final double PERTURBATION = 1e-8;
    /** Smallest pivot element accepted. */
    static final double PIVOT = 1e-9;

    private final int n;
    private final double[] y;
    /** The right-hand side the basis solves: y, or y shifted while {@link #perturbed} (see {@link #perturb}). */
    private double[] rhs;
    private boolean perturbed;
    private final java.util.SplittableRandom random;
    private final AtomColumns store;
    /** The variables of the first basis, tried before the slacks' (slack i is i, atom j is n + j). */
    private final int[] crash;
    /** Basis position of each variable, -1 when nonbasic: slacks 0 .. n-1, then atom j at n + j. */
    private int[] position;
    private int[] basic;      // variable at each position
    private double[] sign;    // its column's sign
    private double[] x;       // its value, >= 0 up to FEASIBILITY
    private double[] binv;    // B^-1, row-major
    private double[] pi;      // row duals B^-T c_B
    private int sinceInversion;
    private long pivots;

    DenseSimplex(double[] y) { this(y, new AtomColumns(y.length), null); }

    /**
     * @param store the atoms' columns, shared (a {@link BarrierLp}'s crossover hands its own over)
     * @param crash the variables of the first basis, n of them (slack i is i, atom j is n + j); null: the first n
     *              atoms
     */
    DenseSimplex(double[] y, AtomColumns store, int[] crash) {
        this.n = y.length;
        this.store = store;
        this.crash = crash;
        this.y = y.clone();
        this.rhs = this.y;
        this.random = new java.util.SplittableRandom(n);
        this.position = new int[n + store.size()];
        Arrays.fill(position, -1);
    }

    @Override
    public void add(List<double[]> columns) {
        store.add(columns);
        grown();
    }

    /** The shared store gained atoms: they start out of the basis. */
    void grown() {
        int old = position.length;
        position = Arrays.copyOf(position, n + store.size());
        Arrays.fill(position, old, position.length, -1);
    }

    @Override
    public void solve(BooleanSupplier stop) {
        if (basic == null) {
            start();
        }
        int[] candidates = new int[0];
        int degenerate = 0;
        long limit = pivots + 50L * (n + store.size()) + 10_000;
        while (true) {
            if ((pivots & 63) == 0 && stop.getAsBoolean()) {
                throw new MinL1Interpolant.Stopped();
            }
            if (sinceInversion >= REINVERT) {
                reinvert();
            }
            int q = best(candidates);
            if (q < 0) {
                if (perturbed) {  // optimal for the shifted values: back to y's, and on from there if need be
                    rhs = y;
                    perturbed = false;
                    degenerate = 0;
                    reinvert();
                }
                candidates = price();
                q = best(candidates);
                if (q < 0 && sinceInversion > 0) {  // optimal for the updated inverse: confirm on a fresh one
                    reinvert();
                    candidates = price();
                    q = best(candidates);
                }
                if (q < 0) {
                    return;
                }
            }
            double s = q < n ? pi[q] : store.dot(q - n, pi);
            double qSign = s >= 0 ? 1 : -1;
            double dq = cost(q) - Math.abs(s);
            double[] alpha = ftran(q, qSign);
            int r = ratioTest(alpha);
            if (r < 0) {
                if (sinceInversion > 0) {
                    reinvert();
                    candidates = new int[0];
                    continue;
                }
                throw new IllegalStateException("the dense simplex found an unbounded ray in an LP whose objective is"
                        + " bounded below: a numerical breakdown (n = " + n + ", " + store.size() + " atoms)");
            }
            double step = Math.max(x[r], 0) / alpha[r];
            boolean progress = x[r] > 1e-9 * Math.max(1, max(x)) && step * -dq > 1e-12 * Math.max(1, objective());
            degenerate = progress ? 0 : degenerate + 1;
            pivot(r, q, qSign, alpha, dq);
            if (degenerate > STALL && !perturbed) {
                perturb();
                degenerate = 0;
            }
            if (pivots > limit) {
                throw new IllegalStateException("the dense simplex did not reach an optimum in " + pivots + " pivots"
                        + " (n = " + n + ", " + store.size() + " atoms)");
            }
        }
    }

    /**
     * Shifts every basic value up by a random amount of relative size {@link #PERTURBATION}, by moving the right-hand
     * side to B (x + delta): a degenerate vertex becomes a nondegenerate one nearby, where the simplex cannot cycle.
     * The optimum of the shifted LP is then re-solved from y's values, a few pivots.
     */
    private void perturb() {
        double scale = PERTURBATION * Math.max(1, max(x));
        double[] shifted = rhs.clone();
        for (int r = 0; r < n; r++) {
            double delta = scale * (1 + random.nextDouble());
            x[r] += delta;
            int v = basic[r];
            if (v < n) {
                shifted[v] += sign[r] * delta;
            } else {
                double[] a = store.column(v - n);
                for (int i = 0; i < n; i++) {
                    shifted[i] += sign[r] * delta * a[i];
                }
            }
        }
        rhs = shifted;
        perturbed = true;
    }

    /** The first basis: the first n atoms if they span R^n, else the slacks; the signs from B^-1 y. */
    private void start() {
        basic = new int[n];
        sign = new double[n];
        if (crash != null || store.size() >= n) {
            for (int r = 0; r < n; r++) {
                basic[r] = crash != null ? crash[r] : n + r;
                sign[r] = 1;
            }
            boolean inverted = invertBasis();
            if (inverted && finite(x) && max(x) <= CRASH_GROWTH * Math.max(max(y), Double.MIN_NORMAL)) {
                return;
            }
        }
        for (int r = 0; r < n; r++) {
            basic[r] = r;
            sign[r] = y[r] >= 0 ? 1 : -1;
        }
        if (!invertBasis()) {
            throw new IllegalStateException("the slack basis is the identity and cannot be singular");
        }
    }

    private void reinvert() {
        if (!invertBasis()) {
            throw new IllegalStateException("the dense simplex's basis became singular (n = " + n + ", " + store.size()
                    + " atoms): a numerical breakdown");
        }
    }

    /**
     * B^-1, x = B^-1 y and pi = B^-T c_B afresh from the basis; a value below 0 (beyond rounding) flips its variable's
     * sign (the variables are free). False when B is singular (state unchanged but for the positions).
     */
    private boolean invertBasis() {
        double[] b = new double[n * n];
        for (int r = 0; r < n; r++) {
            int v = basic[r];
            if (v < n) {
                b[v * n + r] = sign[r];
            } else {
                double[] a = store.column(v - n);
                for (int i = 0; i < n; i++) {
                    b[i * n + r] = sign[r] * a[i];
                }
            }
        }
        if (OpenBlas.invert(b, n) != 0) {
            return false;
        }
        double[] values = OpenBlas.gemv(new Matrix(n, n, b), rhs);
        double below = FEASIBILITY * Math.max(1, max(values));
        for (int r = 0; r < n; r++) {
            // only a value clearly below 0 crosses the kink of |v|: flipping one that rounding put at -1e-16 would
            // change the duals for nothing, and two such flips can undo each other forever
            if (values[r] < -below) {
                sign[r] = -sign[r];
                values[r] = -values[r];
                for (int j = 0; j < n; j++) {
                    b[r * n + j] = -b[r * n + j];
                }
            }
        }
        binv = b;
        x = values;
        Arrays.fill(position, -1);
        for (int r = 0; r < n; r++) {
            position[basic[r]] = r;
        }
        double[] cb = new double[n];
        for (int r = 0; r < n; r++) {
            cb[r] = cost(basic[r]);
        }
        pi = OpenBlas.gemv(new Matrix(n, n, binv), cb, true);
        sinceInversion = 0;
        return true;
    }

    /**
     * A full pricing pass: the nonbasic variables of negative reduced cost c - |a . pi|, the most negative first, at
     * most {@link #CANDIDATES}.
     */
    private int[] price() {
        double tolerance = tolerance();
        List<long[]> found = new ArrayList<>();  // (variable, reduced cost's bits) pairs
        double[] s = store.dots(pi);
        for (int j = 0; j < s.length; j++) {
            double d = 1 - Math.abs(s[j]);
            if (d < -tolerance && position[n + j] < 0) {
                found.add(new long[] {n + j, Double.doubleToLongBits(d)});
            }
        }
        for (int i = 0; i < n; i++) {
            double d = SLACK_COST - Math.abs(pi[i]);
            if (d < -tolerance && position[i] < 0) {
                found.add(new long[] {i, Double.doubleToLongBits(d)});
            }
        }
        found.sort((a, c) -> Double.compare(Double.longBitsToDouble(a[1]), Double.longBitsToDouble(c[1])));
        int[] out = new int[Math.min(CANDIDATES, found.size())];
        for (int k = 0; k < out.length; k++) {
            out[k] = (int) found.get(k)[0];
        }
        return out;
    }

    /** The candidate of most negative reduced cost under the current duals, or -1 when none is below -OPTIMALITY. */
    private int best(int[] candidates) {
        int q = -1;
        double least = -tolerance();
        for (int v : candidates) {
            if (position[v] >= 0) {
                continue;
            }
            double d = cost(v) - Math.abs(v < n ? pi[v] : store.dot(v - n, pi));
            if (d < least) {
                least = d;
                q = v;
            }
        }
        return q;
    }

    /** B^-1 (sign * a_q). */
    private double[] ftran(int q, double qSign) {
        double[] alpha = new double[n];
        if (q < n) {
            for (int i = 0; i < n; i++) {
                alpha[i] = qSign * binv[i * n + q];
            }
            return alpha;
        }
        double[] a = store.column(q - n);
        if (qSign < 0) {
            for (int i = 0; i < n; i++) {
                a[i] = -a[i];
            }
        }
        OpenBlas.gemv(false, binv, n, n, a, 0, alpha);
        return alpha;
    }

    /**
     * Harris's two passes: the largest step that keeps every value above -FEASIBILITY, then among the rows that bind
     * within it the one of largest pivot (for stability in degenerate vertices, which these LPs have). -1: no row
     * limits the step.
     */
    private int ratioTest(double[] alpha) {
        double bound = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (alpha[i] > PIVOT) {
                bound = Math.min(bound, (x[i] + FEASIBILITY) / alpha[i]);
            }
        }
        int r = -1;
        double largest = 0;
        for (int i = 0; i < n; i++) {
            if (alpha[i] > PIVOT && x[i] / alpha[i] <= bound && alpha[i] > largest) {
                largest = alpha[i];
                r = i;
            }
        }
        return r;
    }

    /** Variable q (column sign * a_q, reduced cost dq) replaces the one at position r; B^-1, x and pi follow. */
    private void pivot(int r, int q, double qSign, double[] alpha, double dq) {
        double ar = alpha[r];
        double step = Math.max(x[r], 0) / ar;
        for (int i = 0; i < n; i++) {
            x[i] -= step * alpha[i];
        }
        x[r] = step;
        double[] rho = replaceColumn(binv, n, r, alpha);
        for (int j = 0; j < n; j++) {
            pi[j] += dq * rho[j];
        }
        position[basic[r]] = -1;
        basic[r] = q;
        sign[r] = qSign;
        position[q] = r;
        sinceInversion++;
        pivots++;
    }

    private double tolerance() { return OPTIMALITY * Math.max(1, max(pi)); }

    /**
     * B^-1 in place for B with its column r replaced by a column whose B^-1 image is {@code alpha} (alpha[r] != 0),
     * by one rank-one update; returns row r of the new inverse. {@code alpha} is used up.
     */
    static double[] replaceColumn(double[] binv, int n, int r, double[] alpha) {
        double[] rho = new double[n];
        for (int j = 0; j < n; j++) {
            rho[j] = binv[r * n + j] / alpha[r];
        }
        alpha[r] -= 1;  // so that the same update also sets row r to rho
        OpenBlas.ger(n, -1, alpha, rho, binv);
        return rho;
    }

    private double cost(int v) { return v < n ? SLACK_COST : 1; }

    @Override
    public double objective() {
        double s = 0;
        for (int r = 0; r < n; r++) {
            s += cost(basic[r]) * Math.abs(x[r]);
        }
        return s;
    }

    @Override
    public double[] weights() {
        double[] w = new double[store.size()];
        double zero = ZERO * Math.max(max(x), Double.MIN_NORMAL);
        for (int r = 0; r < n; r++) {
            if (basic[r] >= n && Math.abs(x[r]) > zero) {
                w[basic[r] - n] = sign[r] * x[r];
            }
        }
        return w;
    }

    @Override
    public double[] dual() { return pi.clone(); }

    @Override
    public int atoms() { return store.size(); }

    @Override
    public void close() { binv = null; }

    private static boolean finite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    private static double max(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

}
