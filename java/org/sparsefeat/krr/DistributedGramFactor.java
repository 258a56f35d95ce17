package org.sparsefeat.krr;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.distributed.Cluster;
import org.sparsefeat.distributed.DistributedMatrix;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.linalg.Pivots;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.util.PhaseTimer;

/**
 * The Cholesky factor of K + ridge I over the ranks of an MPI job (ScaLAPACK's pdpotrf): each rank fills its own
 * block-cyclic blocks of K with the same Gram tiles as the single-process path ({@link GramTiles}, one block being one
 * tile), and the solves and products are collectives, so every rank calls them in the same order.
 */
final class DistributedGramFactor implements GramFactor {
    /** The factorisation's panels, about: each a pdpotrf, pdtrsm and pdsyrk over the ranks, then a stop check. */
    private static final int PANELS = 16;

    private final DistributedMatrix matrix;
    private final int n;

    private DistributedGramFactor(DistributedMatrix matrix, int n) {
        this.matrix = matrix;
        this.n = n;
    }

    /**
     * Fills and factors; "gram" and "cholesky" timed into {@code timer}. A Ctrl-C seen by any rank during the Gram stops
     * all of them together before the factorisation (which cannot be interrupted).
     *
     * @param resumeColumns the columns of the journal's checkpoint to resume from, or -1
     * @throws NotPositiveDefiniteException at the first pivot that is not numerically positive, on every rank alike
     */
    static DistributedGramFactor factor(Cluster cluster, Backend backend, Kernel kernel, double ridge, Matrix x,
            PhaseTimer timer, Monitor monitor, DistributedJournal journal, int resumeColumns, double checkpointMinutes) {
        int n = x.rows();
        TileGrid blocks = new TileGrid(n, cluster.grid().block());
        GramTiles source = new GramTiles(backend, kernel, x, Rates.TYPICAL_FLOPS_PER_ENTRY);
        DistributedMatrix m = new DistributedMatrix(cluster, n);
        try {
            double gram = blocks.elements() * source.flopsPerEntry();
            double total = gram + blocks.choleskyFlops();
            monitor.start(0, total);
            int from = -1;
            if (journal != null && resumeColumns >= 0) {
                timer.time("cholesky", () -> journal.load(m, resumeColumns));
                from = resumeColumns;
            } else {
                long[] filled = {0};
                timer.time("gram", () -> m.fillLower((i, j, tile) -> {
                    source.fill(blocks, i, j, tile);
                    // this rank's share of the whole, scaled as if all ranks went at its pace: rank 0's bar is the job's
                    filled[0] += blocks.elements(i, j);
                    monitor.progress("gram", Math.min(gram, filled[0] * source.flopsPerEntry() * cluster.size()), total);
                }, ridge, monitor::stopRequested));
                if (cluster.any(monitor.stopRequested())) {
                    throw new Monitor.Stopped();
                }
                from = 0;
            }
            monitor.progress("cholesky", gram + cholesky(blocks, from), total);
            double maxDiag = timer.time("gram", source::maxDiagonal) + ridge;
            // panels of about 1/16 of K's columns, whole blocks: a stop is heard within a sixteenth of the work
            int nb = cluster.grid().block();
            int width = nb * Math.max(1, (blocks.count() + PANELS - 1) / PANELS);
            int start = from;
            long[] last = {System.nanoTime()};
            int info = timer.time("cholesky", () -> m.factor(width, start, columns -> {
                monitor.progress("cholesky", gram + cholesky(blocks, columns), total);
                boolean due = checkpointMinutes == 0 || System.nanoTime() - last[0] >= checkpointMinutes * 60e9;
                // the same decision on every rank (a collective): a stop asked for now finds this panel journaled
                if (journal != null && columns < n && cluster.any(due || monitor.stopRequested())) {
                    journal.checkpoint(m, columns);
                    last[0] = System.nanoTime();
                }
            }, monitor::stopRequested));
            if (info > 0 && journal != null) {
                journal.delete();  // a singular system fails again on a rerun: nothing to resume
            }
            if (info > 0) {
                throw new NotPositiveDefiniteException(info, n, "the leading minor of order " + info + " is not positive");
            }
            Pivots.requireNumericallyPositive(timer.time("cholesky", m::diagonal), 0, n, maxDiag);
            monitor.progress("cholesky", total, total);
            if (journal != null) {
                journal.delete();
            }
            return new DistributedGramFactor(m, n);
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    /** The Cholesky's flops in its first {@code columns} columns. */
    private static double cholesky(TileGrid blocks, int columns) {
        return blocks.choleskyFlops() * (1 - Math.pow(1 - (double) columns / blocks.n(), 3));
    }

    @Override
    public int size() { return n; }

    @Override
    public double[] solve(double[] b) { return matrix.solve(b); }

    @Override
    public double[] factorMultiply(double[] x) { return matrix.factorMultiply(x); }

    @Override
    public void close() { matrix.close(); }
}
