package org.sparsefeat.distributed;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.sparsefeat.ffm.Native;

/**
 * This process's place in a distributed run: MPI started (funneled: only the thread that started it calls MPI), a
 * BLACS context over a {@link ProcessGrid}, and this rank's row and column in it. Close it on every rank, on success
 * and on a failure all ranks share, to leave the grid and finish MPI; a failure of one rank alone calls {@link #abort}.
 */
public final class Cluster implements AutoCloseable {
    private final ScaLapack lib;
    private final ProcessGrid grid;
    private final int context;
    private final int rank;
    private final int size;
    private final int row;
    private final int col;
    private boolean closed;

    private Cluster(ScaLapack lib, ProcessGrid grid, int context, int rank, int size, int row, int col) {
        this.lib = lib;
        this.grid = grid;
        this.context = context;
        this.rank = rank;
        this.size = size;
        this.row = row;
        this.col = col;
    }

    /** The number of processes MPI started, initialising MPI first (one-line error without the libraries). */
    public static int start() {
        ScaLapack lib = ScaLapack.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(ValueLayout.JAVA_INT);
            Native.call(() -> (int) lib.mpiInitialized.invokeExact(flag));
            if (flag.get(ValueLayout.JAVA_INT, 0) == 0) {
                MemorySegment provided = a.allocate(ValueLayout.JAVA_INT);
                int rc = Native.call(() -> (int) lib.mpiInitThread.invokeExact(MemorySegment.NULL, MemorySegment.NULL,
                        ScaLapack.MPI_THREAD_FUNNELED, provided));
                if (rc != 0) {
                    throw new IllegalStateException("MPI_Init_thread returned " + rc);
                }
            }
            MemorySegment me = a.allocate(ValueLayout.JAVA_INT), n = a.allocate(ValueLayout.JAVA_INT);
            Native.run(() -> { lib.blacsPinfo.invokeExact(me, n); });
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /**
     * Starts MPI and joins the grid {@code gridText} ("RxC", null for the default) with blocks of {@code block} (0: the
     * default); a grid that does not match the ranks started finishes MPI and throws the one-line error.
     */
    public static Cluster open(String gridText, int block) {
        int ranks = start();
        ProcessGrid grid;
        try {
            grid = ProcessGrid.of(gridText, ranks, block, Integer.MAX_VALUE);
        } catch (RuntimeException e) {
            ScaLapack lib = ScaLapack.get();
            Native.call(() -> (int) lib.mpiFinalize.invokeExact());
            throw e;
        }
        return join(grid);
    }

    /** Joins the grid (after {@link #start}); every rank must call it with the same grid. */
    public static Cluster join(ProcessGrid grid) {
        ScaLapack lib = ScaLapack.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment me = a.allocate(ValueLayout.JAVA_INT), n = a.allocate(ValueLayout.JAVA_INT);
            Native.run(() -> { lib.blacsPinfo.invokeExact(me, n); });
            MemorySegment ctx = a.allocate(ValueLayout.JAVA_INT);
            Native.run(() -> { lib.blacsGet.invokeExact(-1, 0, ctx); });  // the default system context: MPI_COMM_WORLD
            MemorySegment order = a.allocateFrom("Row");
            Native.run(() -> { lib.blacsGridinit.invokeExact(ctx, order, grid.rows(), grid.cols()); });
            int context = ctx.get(ValueLayout.JAVA_INT, 0);
            MemorySegment pr = a.allocate(ValueLayout.JAVA_INT), pc = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment r = a.allocate(ValueLayout.JAVA_INT), c = a.allocate(ValueLayout.JAVA_INT);
            Native.run(() -> { lib.blacsGridinfo.invokeExact(context, pr, pc, r, c); });
            return new Cluster(lib, grid, context, me.get(ValueLayout.JAVA_INT, 0), n.get(ValueLayout.JAVA_INT, 0),
                    r.get(ValueLayout.JAVA_INT, 0), c.get(ValueLayout.JAVA_INT, 0));
        }
    }

    public ProcessGrid grid() { return grid; }

    public int rank() { return rank; }

    public int size() { return size; }

    /** This rank's process row. */
    public int row() { return row; }

    /** This rank's process column. */
    public int col() { return col; }

    int context() { return context; }

    ScaLapack lib() { return lib; }

    /** Element-wise sum of {@code v} over all ranks, in place, the same bits on every rank. */
    public void sum(double[] v) {
        if (v.length == 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(ValueLayout.JAVA_DOUBLE, v.length);
            MemorySegment.copy(v, 0, buf, ValueLayout.JAVA_DOUBLE, 0, v.length);
            MemorySegment scope = a.allocateFrom("All"), top = a.allocateFrom(" ");
            Native.run(() -> { lib.dgsum2d.invokeExact(context, scope, top, v.length, 1, buf, v.length, -1, -1); });
            MemorySegment.copy(buf, ValueLayout.JAVA_DOUBLE, 0, v, 0, v.length);
        }
    }

    /** Whether any rank says yes: all ranks must ask together (a collective). */
    public boolean any(boolean mine) {
        double[] v = {mine ? 1 : 0};
        sum(v);
        return v[0] > 0;
    }

    /** Ends every rank of the job at once: for a failure this rank alone met, where the others would wait forever. */
    public void abort(int code) {
        Native.run(() -> { lib.blacsAbort.invokeExact(context, code); });
    }

    /** Leaves the grid and finishes MPI. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Native.run(() -> { lib.blacsGridexit.invokeExact(context); });
        Native.run(() -> { lib.blacsExit.invokeExact(0); });  // 0: finalizes MPI too
    }
}
