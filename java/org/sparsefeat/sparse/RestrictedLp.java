package org.sparsefeat.sparse;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The column generation's restricted LP: min sum_j |w_j| s.t. sum_j w_j a_j = y over the atoms' feature columns a_j
 * added so far (a_j,i = relu(theta_j . x_i)), kept feasible by slacks of prohibitive cost. Its row duals alpha price
 * the next atoms; every solve starts from the last one's basis, which new columns leave feasible.
 */
interface RestrictedLp extends AutoCloseable {
    /** Appends atoms: each column holds its n feature values. */
    void add(List<double[]> columns);

    /**
     * Solves to optimality from the current basis.
     *
     * @param stop asked between pivots; true ends the solve with {@link MinL1Interpolant.Stopped}
     * @throws IllegalStateException when the solver fails (a numerical breakdown, the library's error status)
     */
    void solve(BooleanSupplier stop);

    /**
     * Moves the last solution to a vertex of the same LP, at most n atoms of nonzero weight, if it is not one already
     * (an interior point's is not); {@link #dual} keeps the duals the last solve priced.
     */
    default void vertex(BooleanSupplier stop) {}

    /** sum_j |w_j|, slacks at their cost included. */
    double objective();

    /** The atoms' weights w_j in the order added (zero for those out of the basis). */
    double[] weights();

    /** The row duals: for the optimum, |a_j . alpha| <= 1 for every atom, equality where w_j != 0. */
    double[] dual();

    /** The atoms added so far. */
    int atoms();

    @Override
    void close();
}
