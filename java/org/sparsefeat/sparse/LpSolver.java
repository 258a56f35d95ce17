package org.sparsefeat.sparse;

import java.util.Locale;

/**
 * The restricted LP's solver (BENCHMARKS.md, section 14.3, measures all three on the same column generations): the
 * barrier is the default and, like the simplex, needs nothing installed; clp is the well-kept library the others were
 * checked against, for a second opinion on the same data.
 */
public enum LpSolver {
    /** {@link BarrierLp}: an interior point through OpenBLAS, then a simplex crossover to a vertex. */
    BARRIER,
    /** {@link DenseSimplex}: a revised simplex on a dense basis inverse through OpenBLAS. */
    SIMPLEX,
    /** {@link ClpLp}: COIN-OR Clp's primal simplex (a sparse LU) through FFM; Debian's coinor-libclp1. */
    CLP;

    public static final LpSolver DEFAULT = BARRIER;

    /** Null when it can be used here, else the one line that says what to install. */
    public String missing() { return this == CLP ? Clp.failure() : null; }

    RestrictedLp open(double[] y) {
        return switch (this) {
            case BARRIER -> new BarrierLp(y);
            case SIMPLEX -> new DenseSimplex(y);
            case CLP -> new ClpLp(y);
        };
    }

    /** The solver a command line or sweep spec names (barrier, simplex or clp), or null. */
    public static LpSolver parse(String name) {
        for (LpSolver s : values()) {
            if (s.label().equals(name)) {
                return s;
            }
        }
        return null;
    }

    public String label() { return name().toLowerCase(Locale.ROOT); }
}
