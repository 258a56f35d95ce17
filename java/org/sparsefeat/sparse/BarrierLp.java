package org.sparsefeat.sparse;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.OpenBlas;

/**
 * The restricted LP by a primal-dual interior point (Mehrotra's predictor-corrector) on min sum_j (u_j + v_j) s.t.
 * A (u - v) = y, u, v >= 0, whose dual is max y . alpha s.t. |a_j . alpha| <= 1. Why: the simplex needs ~20 pivots per
 * atom the oracle adds (the continuum atoms move each round), each O(n^2) (BENCHMARKS.md, 14.3), while an interior
 * point costs about 30 normal-equation solves per LP whatever the atoms do: A D A^T by one GEMM per block of atoms
 * (n^2 m flops), Cholesky by LAPACK. Its duals are central, which the column generation's pricing does not mind.
 *
 * <p>An interior optimum spreads weight over every atom of the optimal face, so a crossover moves it to a vertex of at
 * most n atoms (a basis of the face and a primal push, {@link #crossover}), after which the warm {@link DenseSimplex}
 * solves the column generation's last rounds, and {@link #vertex} ends there. Where the barrier fails (an infeasible
 * restricted LP: data whose first atoms do not span R^n, such as repeated points with different targets), the simplex,
 * which has slacks, takes over for good.
 */
final class BarrierLp implements RestrictedLp {
    /** Relative primal residual and duality gap, or complementarity alone, at which an LP is solved. */
    static final double TOLERANCE = 1e-10;
    /**
     * Dual residual |1 -+ a_j . alpha - s_j| accepted, times max(1, |alpha|_inf): a_j . alpha carries rounding that
     * grows with alpha (1.4e-9 measured where an early LP's alpha reached 100s at n = 1 024); the pricing's tolerance on
     * |a . alpha| <= 1 is 1e-7, and alpha is O(1) at the end.
     */
    static final double DUAL_TOLERANCE = 1e-9;
    /** Iterations before the barrier gives up (it takes 20-40). */
    static final int MAX_ITERATIONS = 120;
    /** Fraction of the step to the boundary taken. */
    static final double STEP = 0.995;

    /** Atoms kept in a barrier LP: |a_j . alpha| at least this at the last solve (or new since); far from entering. */
    static final double KEEP = 0.5;
    /** The tail begins when a round adds at most n / TAIL atoms: from there the warm simplex solves. */
    static final int TAIL = 16;
    /** An atom is on the optimal face when |a_j . alpha| >= 1 - this at the barrier's optimum. */
    static final double FACE = 1e-6;
    /**
     * Face atoms past the point where pivoted QR's |R_kk| falls below this times |R_11| are left to the push: near-copies
     * of a continuum atom pass a looser cut and make B so ill-conditioned that B^-1 y reaches 1e7 (seen at n = 1 024).
     */
    static final double DEPENDENT = 1e-6;
    /** A push's pivot element must be at least this times the largest entry of B^-1 a_j (the same reason). */
    static final double PUSH_PIVOT = 1e-6;

    private final int n;
    private final double[] y;
    private final AtomColumns store;
    private double[] u = new double[0], v = new double[0], alpha;
    /** |a_j . alpha| of every atom at the last barrier solve. */
    private double[] price = new double[0];
    private double dualObjective;
    private DenseSimplex simplex;   // the crossover's, kept by the tail and the fallback
    /** The simplex solves from here on: the column generation's tail, or a barrier that failed. */
    private boolean simplexFromNowOn;
    private int barrierSolves;

    BarrierLp(double[] y) {
        this.n = y.length;
        this.y = y.clone();
        this.store = new AtomColumns(n);
        this.alpha = new double[n];
    }

    @Override
    public void add(List<double[]> columns) {
        store.add(columns);
        if (simplexFromNowOn) {
            simplex.grown();
        } else {
            simplex = null;  // a crossover's vertex is for the atoms it saw
        }
    }

    /**
     * A barrier solve while the oracle adds many atoms a round; once it adds few (the column generation's tail, where
     * each round moves the optimum a little), the crossover to a vertex and the warm simplex from there: a few pivots
     * a round where a cold barrier would repeat its 30 iterations.
     */
    @Override
    public void solve(BooleanSupplier stop) {
        if (simplexFromNowOn) {
            simplex.solve(stop);
            return;
        }
        if (u.length == 0) {
            first(stop);
            return;
        }
        int added = store.size() - u.length;
        if (barrierSolves > 0 && added <= Math.max(4, n / TAIL)) {
            simplexFromNowOn = true;
            crossover(stop);
            return;
        }
        try {
            barrier(stop);
            barrierSolves++;
        } catch (NotConverged e) {
            simplexFromNowOn = true;
            if (barrierSolves > 0) {  // on from the last barrier optimum's vertex, warm
                crossover(stop);
            } else {
                simplex = new DenseSimplex(y, store, null);
                simplex.solve(stop);
            }
        }
    }

    /**
     * The first LP, over the data directions alone, is square: its one interpolant is B^-1 y, whose matrix reaches
     * condition numbers of 1e9 and more (n = 1 024), where a barrier's residuals stall; the simplex's first basis is
     * that matrix, solved by one LU, the optimum at once (0 pivots). Its weights and duals seed the barrier's next LP.
     */
    private void first(BooleanSupplier stop) {
        DenseSimplex s = new DenseSimplex(y, store, null);
        s.solve(stop);
        double[] w = s.weights();
        int m = store.size();
        u = new double[m];
        v = new double[m];
        for (int j = 0; j < m; j++) {
            u[j] = Math.max(w[j], 0);
            v[j] = Math.max(-w[j], 0);
        }
        alpha = s.dual();
        dualObjective = s.objective();
        double[] g = store.dots(alpha);
        price = new double[m];
        for (int j = 0; j < m; j++) {
            price[j] = Math.abs(g[j]);
        }
        simplex = s;  // the vertex and duals of this LP, until atoms are added
    }

    /** Ends on a vertex: the crossover from the barrier's last solution (the simplex's is one already). */
    @Override
    public void vertex(BooleanSupplier stop) {
        if (simplex == null) {
            crossover(stop);
        }
    }

    /**
     * The simplex over every atom from a vertex of the barrier's optimal face: the face's atoms (|a_j . alpha| = 1)
     * ranked by QR with column pivoting on their weighted columns, the first n independent ones (the face holds
     * near-copies of each continuum atom, which QR sets apart) completed by the slacks of the rows left over, then the
     * primal push ({@link #push}) of every other face atom's weight into that basis; the simplex then needs a few
     * pivots (at n = 128, one).
     */
    private void crossover(BooleanSupplier stop) {
        int m = u.length;
        List<Integer> face = new java.util.ArrayList<>();
        for (int j = 0; j < m; j++) {
            if (price[j] >= 1 - FACE) {
                face.add(j);
            }
        }
        // QR with column pivoting picks the face's most independent atoms, each column weighted by |w_j| so that the
        // heavy ones come first; LU of those picks the rows whose slacks complete the basis if they are fewer than n
        int f = face.size();
        double[] q = new double[f * n];
        for (int c = 0; c < f; c++) {
            int j = face.get(c);
            double[] a = store.column(j);
            double weight = Math.abs(u[j] - v[j]);
            for (int i = 0; i < n; i++) {
                q[c * n + i] = weight * a[i];
            }
        }
        int[] order = OpenBlas.pivotedQr(q, n, f);
        int k = 0;
        double first = f > 0 ? Math.abs(q[0]) : 0;
        while (k < Math.min(f, n) && Math.abs(q[k * n + k]) > DEPENDENT * first) {
            k++;
        }
        double[] a = new double[k * n];  // the chosen atoms, column-major n x k
        for (int c = 0; c < k; c++) {
            System.arraycopy(store.column(face.get(order[c])), 0, a, c * n, n);
        }
        int[] pivots = new int[Math.max(k, 1)];
        OpenBlas.lu(a, n, k, pivots);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        for (int c = 0; c < k; c++) {
            int other = pivots[c] - 1, t = rows[c];
            rows[c] = rows[other];
            rows[other] = t;
        }
        int[] crash = new int[n];
        for (int c = 0; c < n; c++) {
            crash[c] = c < k ? n + face.get(order[c]) : rows[c];
        }
        push(face, crash, stop);
        simplex = new DenseSimplex(y, store, crash);
        simplex.solve(stop);
    }

    /**
     * The primal push of a crossover: on the optimal face every interpolant whose weights keep the face's signs costs
     * the same (sum_j s_j w_j = alpha . A w = alpha . y), so the barrier's weights on the atoms outside the basis
     * ("superbasic") can each be moved to 0, the basic weights absorbing the change (B^-1 a_j per unit); where a basic
     * weight reaches 0 first, the atom takes its place in the basis. Each atom costs one O(n^2) solve and at most one
     * pivot, and the basis ends up carrying all the weight: a vertex of the face, at the barrier's optimum.
     */
    private void push(List<Integer> face, int[] crash, BooleanSupplier stop) {
        double heaviest = 0;
        for (int j : face) {
            heaviest = Math.max(heaviest, Math.abs(u[j] - v[j]));
        }
        double[] binv = new double[n * n];
        boolean[] basic = new boolean[store.size()];
        for (int r = 0; r < n; r++) {
            double[] col = column(crash[r]);
            for (int i = 0; i < n; i++) {
                binv[i * n + r] = col[i];
            }
            if (crash[r] >= n) {
                basic[crash[r] - n] = true;
            }
        }
        if (OpenBlas.invert(binv, n) != 0) {
            return;  // the simplex starts from the crash as it is (or from the slacks)
        }
        List<Integer> superbasic = new java.util.ArrayList<>();
        double[] rest = y.clone();
        for (int j : face) {
            double z = Math.abs(u[j] - v[j]);
            if (!basic[j] && z > 1e-12 * heaviest) {
                superbasic.add(j);
                double[] col = column(n + j);
                for (int i = 0; i < n; i++) {
                    rest[i] -= z * col[i];
                }
            }
        }
        superbasic.sort((a, b) -> Double.compare(Math.abs(u[a] - v[a]), Math.abs(u[b] - v[b])));
        double[] x = new double[n];
        OpenBlas.gemv(false, binv, n, n, rest, 0, x);
        int done = 0;
        for (int j : superbasic) {
            if ((++done & 63) == 0 && stop.getAsBoolean()) {
                throw new MinL1Interpolant.Stopped();
            }
            double z = Math.abs(u[j] - v[j]);
            double[] d = new double[n];
            OpenBlas.gemv(false, binv, n, n, column(n + j), 0, d);
            double t = z;
            int r = -1;
            double floor = PUSH_PIVOT * max(d);
            for (int i = 0; i < n; i++) {
                if (d[i] < -floor && Math.max(x[i], 0) < -t * d[i]) {
                    t = Math.max(x[i], 0) / -d[i];
                    r = i;
                }
            }
            for (int i = 0; i < n; i++) {
                x[i] += t * d[i];
            }
            if (r >= 0) {  // atom j enters where a basic weight reached 0
                DenseSimplex.replaceColumn(binv, n, r, d);
                x[r] = z - t;
                if (crash[r] >= n) {
                    basic[crash[r] - n] = false;
                }
                crash[r] = n + j;
                basic[j] = true;
            }
        }
        // the dual side: a slack left in the basis (at 0) would price the rows at its cost of 1e6, and the simplex
        // would spend thousands of pivots undoing that; each takes instead, by a degenerate pivot, the face atom of
        // largest entry in its row of B^-1 A, so that the basis holds face atoms only and its duals are the barrier's
        for (int r = 0; r < n; r++) {
            if (crash[r] >= n) {
                continue;
            }
            double[] rho = Arrays.copyOfRange(binv, r * n, (r + 1) * n);
            int best = -1;
            double largest = 1e-7;
            for (int j : face) {
                if (!basic[j]) {
                    double e = Math.abs(store.dot(j, rho));
                    if (e > largest) {
                        largest = e;
                        best = j;
                    }
                }
            }
            if (best < 0) {
                continue;
            }
            double[] d = new double[n];
            OpenBlas.gemv(false, binv, n, n, column(n + best), 0, d);
            DenseSimplex.replaceColumn(binv, n, r, d);
            crash[r] = n + best;
            basic[best] = true;
        }
    }

    /** A variable's column (slack i is i: e_i; atom j is n + j) with the sign of its barrier weight. */
    private double[] column(int variable) {
        double[] col = new double[n];
        if (variable < n) {
            col[variable] = 1;
            return col;
        }
        int j = variable - n;
        col = store.column(j);
        if (u[j] - v[j] < 0) {
            for (int i = 0; i < n; i++) {
                col[i] = -col[i];
            }
        }
        return col;
    }

    @Override
    public double objective() {
        return simplex != null ? simplex.objective() : dualObjective;
    }

    @Override
    public double[] weights() {
        if (simplex != null) {
            return simplex.weights();
        }
        double[] w = new double[store.size()];
        for (int j = 0; j < u.length; j++) {
            w[j] = u[j] - v[j];
        }
        return w;
    }

    /** The barrier's duals, or the simplex's once it solves (a crossover at the end keeps the barrier's). */
    @Override
    public double[] dual() { return simplexFromNowOn ? simplex.dual() : alpha.clone(); }

    @Override
    public int atoms() { return store.size(); }

    @Override
    public void close() {}

    /** The barrier could not solve this LP: the simplex takes over. */
    private static final class NotConverged extends Exception {
        NotConverged() { super(null, null, false, false); }
    }

    /** The barrier on the atoms near the optimal face ({@link #KEEP}); the others keep weight 0. */
    private void barrier(BooleanSupplier stop) throws NotConverged {
        int all = store.size();
        List<Integer> kept = new java.util.ArrayList<>();
        for (int j = 0; j < all; j++) {
            if (j >= price.length || price[j] >= KEEP) {
                kept.add(j);
            }
        }
        AtomColumns full = store;
        AtomColumns active = full;
        if (kept.size() < all) {
            active = new AtomColumns(n);
            List<double[]> cols = new java.util.ArrayList<>(kept.size());
            for (int j : kept) {
                cols.add(full.column(j));
            }
            active.add(cols);
        }
        barrier(active, stop);
        double[] fu = new double[all], fv = new double[all];
        for (int c = 0; c < kept.size(); c++) {
            fu[kept.get(c)] = u[c];
            fv[kept.get(c)] = v[c];
        }
        u = fu;
        v = fv;
        double[] g = full.dots(alpha);
        price = new double[all];
        for (int j = 0; j < all; j++) {
            price[j] = Math.abs(g[j]);
        }
    }

    private void barrier(AtomColumns store, BooleanSupplier stop) throws NotConverged {
        int m = store.size();
        double[] su, sv;
        {  // Mehrotra's starting point: the least-norm u - v, shifted inside with its slacks
            double[] ones = new double[m];
            Arrays.fill(ones, 2);
            double[] t = solveNormal(cholesky(store, ones), y);
            double[] g = store.dots(t);
            u = new double[m];
            v = new double[m];
            su = new double[m];
            sv = new double[m];
            double least = 0;
            for (int j = 0; j < m; j++) {
                u[j] = g[j];
                v[j] = -g[j];
                least = Math.min(least, Math.min(u[j], v[j]));
            }
            double shift = Math.max(-1.5 * least, 0);
            Arrays.fill(su, 1);
            Arrays.fill(sv, 1);
            alpha = new double[n];
            double xs = 0, sumX = 0;
            for (int j = 0; j < m; j++) {
                u[j] += shift;
                v[j] += shift;
                xs += u[j] + v[j];  // s = 1
                sumX += u[j] + v[j];
            }
            double dx = 0.5 * xs / (2.0 * m), ds = 0.5 * xs / Math.max(sumX + 2.0 * m * dx, Double.MIN_NORMAL);
            for (int j = 0; j < m; j++) {
                u[j] += dx;
                v[j] += dx;
                su[j] += ds;
                sv[j] += ds;
            }
        }
        double yNorm = max(y);
        for (int k = 0; k < MAX_ITERATIONS; k++) {
            if (stop.getAsBoolean()) {
                throw new MinL1Interpolant.Stopped();
            }
            double[] g = store.dots(alpha);
            double[] w = new double[m];
            for (int j = 0; j < m; j++) {
                w[j] = u[j] - v[j];
            }
            double[] aw = store.combine(w);
            double[] rp = new double[n];
            double dualObjective = 0;
            for (int i = 0; i < n; i++) {
                rp[i] = y[i] - aw[i];
                dualObjective += y[i] * alpha[i];
            }
            double[] rdu = new double[m], rdv = new double[m], d = new double[m];
            double primalObjective = 0, complementarity = 0, rd = 0;
            for (int j = 0; j < m; j++) {
                rdu[j] = 1 - g[j] - su[j];
                rdv[j] = 1 + g[j] - sv[j];
                rd = Math.max(rd, Math.max(Math.abs(rdu[j]), Math.abs(rdv[j])));
                primalObjective += u[j] + v[j];
                complementarity += u[j] * su[j] + v[j] * sv[j];
                d[j] = u[j] / su[j] + v[j] / sv[j];
            }
            double mu = complementarity / (2.0 * m);
            if (!Double.isFinite(mu) || !Double.isFinite(primalObjective)) {
                throw new NotConverged();
            }
            // the duals are what the pricing needs, and the crossover recomputes the primal: a dual feasible alpha
            // whose complementarity is negligible is optimal even where A's conditioning keeps rp from 1e-10 (the
            // first LP's n x n data-direction columns reach cond 1e9)
            boolean optimal = max(rp) <= TOLERANCE * (1 + yNorm)
                    && Math.abs(primalObjective - dualObjective) <= TOLERANCE * (1 + Math.abs(primalObjective));
            if (rd <= DUAL_TOLERANCE * Math.max(1, max(alpha)) && (optimal || complementarity <= TOLERANCE * (1 + Math.abs(dualObjective)))) {
                this.dualObjective = dualObjective;
                return;
            }
            Matrix l = cholesky(store, d);
            double[][] affine = direction(store, l, rp, rdu, rdv, negProduct(u, su), negProduct(v, sv), su, sv);
            double stepP = Math.min(1, maxStep(u, affine[0], v, affine[1]));
            double stepD = Math.min(1, maxStep(su, affine[2], sv, affine[3]));
            double muAffine = 0;
            for (int j = 0; j < m; j++) {
                muAffine += (u[j] + stepP * affine[0][j]) * (su[j] + stepD * affine[2][j])
                        + (v[j] + stepP * affine[1][j]) * (sv[j] + stepD * affine[3][j]);
            }
            muAffine /= 2.0 * m;
            double sigma = Math.pow(muAffine / mu, 3);
            double[] rcu = new double[m], rcv = new double[m];
            for (int j = 0; j < m; j++) {
                rcu[j] = sigma * mu - u[j] * su[j] - affine[0][j] * affine[2][j];
                rcv[j] = sigma * mu - v[j] * sv[j] - affine[1][j] * affine[3][j];
            }
            double[][] step = direction(store, l, rp, rdu, rdv, rcu, rcv, su, sv);
            stepP = Math.min(1, STEP * maxStep(u, step[0], v, step[1]));
            stepD = Math.min(1, STEP * maxStep(su, step[2], sv, step[3]));
            for (int j = 0; j < m; j++) {
                u[j] += stepP * step[0][j];
                v[j] += stepP * step[1][j];
                su[j] += stepD * step[2][j];
                sv[j] += stepD * step[3][j];
            }
            for (int i = 0; i < n; i++) {
                alpha[i] += stepD * step[4][i];
            }
        }
        throw new NotConverged();
    }

    /**
     * The Newton direction (du, dv, dsu, dsv, dalpha) for the complementarity right-hand sides rcu, rcv: the normal
     * equations A D A^T dalpha = rp - A h with D = u / su + v / sv, then the rest by substitution.
     */
    private double[][] direction(AtomColumns store, Matrix l, double[] rp, double[] rdu, double[] rdv, double[] rcu, double[] rcv,
                                 double[] su, double[] sv) {
        int m = u.length;
        double[] h = new double[m];
        for (int j = 0; j < m; j++) {
            h[j] = (rcu[j] - u[j] * rdu[j]) / su[j] - (rcv[j] - v[j] * rdv[j]) / sv[j];
        }
        double[] ah = store.combine(h);
        double[] rhs = new double[n];
        for (int i = 0; i < n; i++) {
            rhs[i] = rp[i] - ah[i];
        }
        double[] dAlpha = solveNormal(l, rhs);
        double[] g = store.dots(dAlpha);
        double[] du = new double[m], dv = new double[m], dsu = new double[m], dsv = new double[m];
        for (int j = 0; j < m; j++) {
            dsu[j] = rdu[j] - g[j];
            dsv[j] = rdv[j] + g[j];
            du[j] = (rcu[j] - u[j] * dsu[j]) / su[j];
            dv[j] = (rcv[j] - v[j] * dsv[j]) / sv[j];
        }
        return new double[][] {du, dv, dsu, dsv, dAlpha};
    }

    /**
     * The Cholesky factor of A diag(d) A^T, with a ridge of growing size where the end of the path makes it singular
     * in float64 (a ridge of 1e-13 of the diagonal moves the direction by about that much).
     */
    private Matrix cholesky(AtomColumns store, double[] d) throws NotConverged {
        double[] gram = store.weightedGram(d);
        double diagonal = 0;
        for (int i = 0; i < n; i++) {
            diagonal = Math.max(diagonal, gram[i * n + i]);
        }
        if (!(diagonal > 0) || !Double.isFinite(diagonal)) {
            throw new NotConverged();
        }
        for (double ridge = 0; ridge <= 1e-5 * diagonal; ridge = ridge == 0 ? 1e-13 * diagonal : ridge * 100) {
            double[] a = gram.clone();
            for (int i = 0; i < n; i++) {
                a[i * n + i] += ridge;
            }
            Matrix l = new Matrix(n, n, a);
            if (OpenBlas.dpotrfLower(l) == 0) {
                return l;
            }
        }
        throw new NotConverged();
    }

    private double[] solveNormal(Matrix l, double[] b) {
        double[] x = b.clone();
        OpenBlas.dpotrsLower(l, x, 1);
        return x;
    }

    /** The largest t with a + t da >= 0 and b + t db >= 0, at most 1 / STEP (so that STEP t is at most a full step). */
    private static double maxStep(double[] a, double[] da, double[] b, double[] db) {
        double t = Double.POSITIVE_INFINITY;
        for (int j = 0; j < a.length; j++) {
            if (da[j] < 0) {
                t = Math.min(t, -a[j] / da[j]);
            }
            if (db[j] < 0) {
                t = Math.min(t, -b[j] / db[j]);
            }
        }
        return Math.min(t, 1 / STEP);
    }

    private static double[] negProduct(double[] a, double[] b) {
        double[] p = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            p[j] = -a[j] * b[j];
        }
        return p;
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
