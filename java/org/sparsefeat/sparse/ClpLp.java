package org.sparsefeat.sparse;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The restricted LP on {@link Clp}, in standard form: w = u - v with u, v >= 0, and the slacks s = s+ - s- at
 * {@link DenseSimplex#SLACK_COST}, so columns 2i, 2i + 1 are slack i's and 2n + 2j, 2n + 2j + 1 atom j's.
 */
final class ClpLp implements RestrictedLp {
    private final Clp lp;
    private final int n;
    private int atoms;
    private double previous = Double.POSITIVE_INFINITY;

    ClpLp(double[] y) {
        n = y.length;
        lp = new Clp(y);
        double[][] slacks = new double[2 * n][n];
        for (int i = 0; i < n; i++) {
            slacks[2 * i][i] = 1;
            slacks[2 * i + 1][i] = -1;
        }
        double[] cost = new double[2 * n];
        Arrays.fill(cost, DenseSimplex.SLACK_COST);
        lp.add(slacks, cost);
    }

    @Override
    public void add(List<double[]> columns) {
        double[][] cols = new double[2 * columns.size()][];
        for (int k = 0; k < columns.size(); k++) {
            double[] phi = columns.get(k);
            double[] neg = new double[n];
            for (int i = 0; i < n; i++) {
                neg[i] = -phi[i];
            }
            cols[2 * k] = phi;
            cols[2 * k + 1] = neg;
        }
        double[] cost = new double[cols.length];
        Arrays.fill(cost, 1.0);
        lp.add(cols, cost);
        atoms += columns.size();
    }

    /**
     * Warm primal simplex; when it answers at once with the last basis though columns of negative reduced cost were
     * added (Debian's Clp 1.17 does, about every second LP of a column generation), a values pass, then Clp's own
     * choice of method from scratch.
     */
    @Override
    public void solve(BooleanSupplier stop) {
        boolean grew = previous < Double.POSITIVE_INFINITY;
        int status = lp.solve();
        if (grew && status == 0 && !(lp.objective() < previous)) {
            status = lp.solveWithValuesPass();
            if (status == 0 && !(lp.objective() < previous)) {
                status = lp.solveAfresh();
            }
        }
        if (status != 0) {
            throw new IllegalStateException("Clp ended with status " + status + " on the restricted LP");
        }
        previous = lp.objective();
    }

    @Override
    public double objective() { return lp.objective(); }

    @Override
    public double[] weights() {
        double[] sol = lp.primal();
        double[] w = new double[atoms];
        for (int j = 0; j < atoms; j++) {
            w[j] = sol[2 * n + 2 * j] - sol[2 * n + 2 * j + 1];
        }
        return w;
    }

    @Override
    public double[] dual() { return lp.dual(); }

    @Override
    public int atoms() { return atoms; }

    @Override
    public void close() { lp.close(); }
}
