package org.sparsefeat.krr;

import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.linalg.tiled.ScratchTiles;
import org.sparsefeat.linalg.tiled.TiledFactor;

/**
 * A tiled factor as KRR's {@link GramFactor}. Closing it frees its memory and deletes a scratch store's files: the fit
 * that needed them is done (a stopped factorisation never gets here, so its journal stays for the rerun; a fit stopped
 * after it closes with {@link #closeKeepingScratch}).
 */
record TiledGramFactor(TiledFactor factor) implements GramFactor {
    @Override
    public int size() { return factor.size(); }

    @Override
    public double[] solve(double[] b) { return factor.solve(b); }

    @Override
    public double[] factorMultiply(double[] x) { return factor.multiply(x); }

    @Override
    public void close() {
        factor.close();
        if (factor.store() instanceof ScratchTiles s) {
            s.delete();
        }
    }

    /** Frees the memory, keeping a scratch store's journal, complete: the same command resumes with the solve. */
    void closeKeepingScratch() { factor.close(); }
}
