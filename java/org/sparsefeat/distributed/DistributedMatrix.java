package org.sparsefeat.distributed;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.sparsefeat.ffm.Native;

/**
 * A symmetric n x n matrix's lower triangle in ScaLAPACK's block-cyclic layout, this rank's blocks in native memory
 * (column-major, leading dimension {@link #localRows}), and the calls on it: Cholesky, solve, triangular products.
 * Vectors come in and go out whole on every rank (n is small next to n^2).
 */
public final class DistributedMatrix implements AutoCloseable {
    /** Each rank's local array is indexed with 32-bit integers in ScaLAPACK's usual (LP64) builds. */
    public static final long MAX_LOCAL_ELEMENTS = Integer.MAX_VALUE;

    /** Fills one block: K's rows {@code r0 .. r0+rows}, columns {@code c0 .. c0+cols}, column-major, ld = rows. */
    @FunctionalInterface
    public interface BlockSource {
        void fill(int blockRow, int blockCol, MemorySegment block);
    }

    private final Cluster cluster;
    private final int n;
    private final int nb;
    private final int localRows;
    private final int localCols;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment local;
    private final MemorySegment desc;
    private final MemorySegment vectorDesc;

    public DistributedMatrix(Cluster cluster, int n) {
        this.cluster = cluster;
        this.n = n;
        this.nb = cluster.grid().block();
        this.localRows = localCount(n, nb, cluster.row(), cluster.grid().rows());
        this.localCols = localCount(n, nb, cluster.col(), cluster.grid().cols());
        this.local = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1L, (long) localRows * localCols));
        this.desc = descriptor(n, n);
        this.vectorDesc = descriptor(n, 1);
    }

    /** numroc: of n indices in blocks of nb dealt round p processes from 0, how many process {@code me} holds. */
    public static int localCount(int n, int nb, int me, int p) {
        int blocks = n / nb;
        int count = blocks / p * nb;
        int extra = blocks % p;
        if (me < extra) {
            count += nb;
        } else if (me == extra) {
            count += n % nb;
        }
        return count;
    }

    /** The largest local array of any rank for n on this grid, in elements: the memory plan's figure. */
    public static long maxLocalElements(int n, ProcessGrid g) {
        return (long) localCount(n, g.block(), 0, g.rows()) * localCount(n, g.block(), 0, g.cols());
    }

    private MemorySegment descriptor(int m, int cols) {
        MemorySegment d = arena.allocate(ValueLayout.JAVA_INT, 9);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(ValueLayout.JAVA_INT);
            Native.run(() -> { cluster.lib().descinit.invokeExact(d, i(a, m), i(a, cols), i(a, nb), i(a, nb), i(a, 0),
                    i(a, 0), i(a, cluster.context()), i(a, Math.max(1, localRows)), info); });
            int rc = info.get(ValueLayout.JAVA_INT, 0);
            if (rc != 0) {
                throw new IllegalStateException("descinit rejected argument " + (-rc));
            }
        }
        return d;
    }

    private static MemorySegment i(Arena a, int v) { return a.allocateFrom(ValueLayout.JAVA_INT, v); }

    public int localRows() { return localRows; }

    public int localCols() { return localCols; }

    /** The global block index of this rank's local block {@code l}, along rows or columns. */
    private static int global(int l, int me, int p) { return l * p + me; }

    /**
     * This rank's blocks on and below the diagonal from {@code source}, the diagonal's blocks plus {@code shift}; asks
     * {@code stop} between two blocks (no collective runs here, so a rank may stop alone; see {@link Cluster#any}).
     */
    public void fillLower(BlockSource source, double shift, java.util.function.BooleanSupplier stop) {
        int pr = cluster.grid().rows(), pc = cluster.grid().cols();
        MemorySegment block = arena.allocate(ValueLayout.JAVA_DOUBLE, (long) nb * nb);
        for (int lj = 0; lj * nb < localCols; lj++) {
            int gj = global(lj, cluster.col(), pc);
            int cols = Math.min(nb, n - gj * nb);
            for (int li = 0; li * nb < localRows; li++) {
                int gi = global(li, cluster.row(), pr);
                if (gi < gj) {
                    continue;  // the strict upper triangle: pdpotrf("L") never reads it
                }
                if (stop.getAsBoolean()) {
                    return;
                }
                int rows = Math.min(nb, n - gi * nb);
                source.fill(gi, gj, block);
                for (int c = 0; c < cols; c++) {
                    long to = ((long) (lj * nb + c) * localRows + (long) li * nb) * 8;
                    MemorySegment.copy(block, (long) c * rows * 8, local, to, (long) rows * 8);
                }
                if (gi == gj) {
                    for (int d = 0; d < rows; d++) {
                        long at = ((long) (lj * nb + d) * localRows + (long) li * nb + d) * 8;
                        local.set(ValueLayout.JAVA_DOUBLE, at, local.get(ValueLayout.JAVA_DOUBLE, at) + shift);
                    }
                }
            }
        }
    }

    /**
     * The lower Cholesky factor in place, by panels of {@code width} columns (a multiple of the block): pdpotrf of the
     * panel's diagonal block, pdtrsm of the panel below it, pdsyrk of the trailing matrix. Between two panels
     * {@code done} hears the columns finished and {@code stop} is asked (a collective: all ranks stop together, or
     * none). Returns 0, or the 1-based global index of the first pivot that is not positive (the same on every rank).
     */
    public int factor(int width, java.util.function.IntConsumer done, java.util.function.BooleanSupplier stop) {
        return factor(width, 0, done, stop);
    }

    /** As above from column {@code from} (a panel boundary), the columns before it factored (a resumed run). */
    public int factor(int width, int from, java.util.function.IntConsumer done, java.util.function.BooleanSupplier stop) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment lower = a.allocateFrom("L"), right = a.allocateFrom("R"), t = a.allocateFrom("T");
            MemorySegment no = a.allocateFrom("N"), info = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment one = a.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0);
            MemorySegment minusOne = a.allocateFrom(ValueLayout.JAVA_DOUBLE, -1.0);
            for (int j = from; j < n; j += width) {
                int w = Math.min(width, n - j), rest = n - j - w;
                MemorySegment at = i(a, j + 1), below = i(a, j + w + 1);
                Native.run(() -> { cluster.lib().pdpotrf.invokeExact(lower, i(a, w), local, at, at, desc, info, 1L); });
                int rc = info.get(ValueLayout.JAVA_INT, 0);
                if (rc < 0) {
                    throw new IllegalStateException("pdpotrf rejected argument " + (-rc));
                }
                if (rc > 0) {
                    return j + rc;
                }
                if (rest > 0) {
                    Native.run(() -> { cluster.lib().pdtrsm.invokeExact(right, lower, t, no, i(a, rest), i(a, w), one,
                            local, at, at, desc, local, below, at, desc, 1L, 1L, 1L, 1L); });
                    Native.run(() -> { cluster.lib().pdsyrk.invokeExact(lower, no, i(a, rest), i(a, w), minusOne,
                            local, below, at, desc, one, local, below, below, desc, 1L, 1L); });
                }
                done.accept(j + w);
                if (rest > 0 && cluster.any(stop.getAsBoolean())) {
                    throw new org.sparsefeat.linalg.tiled.Monitor.Stopped();
                }
            }
            return 0;
        }
    }

    /** Writes this rank's local array to {@code file} and forces it to the disk. */
    public void save(java.nio.file.Path file) throws java.io.IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            for (long at = 0; at < local.byteSize(); ) {
                at += ch.write(local.asSlice(at, Math.min(1L << 30, local.byteSize() - at)).asByteBuffer(), at);
            }
            ch.force(true);
        }
    }

    /** Reads this rank's local array back from {@code file} (written by {@link #save} on the same grid). */
    public void load(java.nio.file.Path file) throws java.io.IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            if (ch.size() != local.byteSize()) {
                throw new java.io.IOException(file + " has " + ch.size() + " bytes, not " + local.byteSize());
            }
            for (long at = 0; at < local.byteSize(); ) {
                int r = ch.read(local.asSlice(at, Math.min(1L << 30, local.byteSize() - at)).asByteBuffer(), at);
                if (r < 0) {
                    throw new java.io.EOFException(file.toString());
                }
                at += r;
            }
        }
    }

    /** The factor's diagonal, whole, on every rank. */
    public double[] diagonal() {
        double[] d = new double[n];
        int pr = cluster.grid().rows(), pc = cluster.grid().cols();
        for (int g = 0; g < n; g++) {
            int b = g / nb;
            if (b % pr == cluster.row() && b % pc == cluster.col()) {
                long r = (long) (b / pr) * nb + g % nb, c = (long) (b / pc) * nb + g % nb;
                d[g] = local.get(ValueLayout.JAVA_DOUBLE, (c * localRows + r) * 8);
            }
        }
        cluster.sum(d);
        return d;
    }

    /** (L L^T)^{-1} b by pdpotrs. */
    public double[] solve(double[] b) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = scatter(a, b);
            MemorySegment info = a.allocate(ValueLayout.JAVA_INT);
            Native.run(() -> { cluster.lib().pdpotrs.invokeExact(a.allocateFrom("L"), i(a, n), i(a, 1), local, i(a, 1),
                    i(a, 1), desc, v, i(a, 1), i(a, 1), vectorDesc, info, 1L); });
            int rc = info.get(ValueLayout.JAVA_INT, 0);
            if (rc != 0) {
                throw new IllegalStateException("pdpotrs returned info " + rc);
            }
            return gather(v);
        }
    }

    /** L (L^T x) by two pdtrmm. */
    public double[] factorMultiply(double[] x) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = scatter(a, x);
            trmm(a, "T", v);
            trmm(a, "N", v);
            return gather(v);
        }
    }

    private void trmm(Arena a, String trans, MemorySegment v) {
        MemorySegment one = a.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0);
        Native.run(() -> { cluster.lib().pdtrmm.invokeExact(a.allocateFrom("L"), a.allocateFrom("L"),
                a.allocateFrom(trans), a.allocateFrom("N"), i(a, n), i(a, 1), one, local, i(a, 1), i(a, 1), desc, v,
                i(a, 1), i(a, 1), vectorDesc, 1L, 1L, 1L, 1L); });
    }

    /** This rank's part of a vector (n x 1, in process column 0). */
    private MemorySegment scatter(Arena a, double[] b) {
        MemorySegment v = a.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, localRows));
        if (cluster.col() == 0) {
            for (int r = 0; r < localRows; r++) {
                v.setAtIndex(ValueLayout.JAVA_DOUBLE, r, b[globalRow(r)]);
            }
        }
        return v;
    }

    /** The whole vector on every rank: each entry from its one owner, zeros elsewhere, summed (exact). */
    private double[] gather(MemorySegment v) {
        double[] out = new double[n];
        if (cluster.col() == 0) {
            for (int r = 0; r < localRows; r++) {
                out[globalRow(r)] = v.getAtIndex(ValueLayout.JAVA_DOUBLE, r);
            }
        }
        cluster.sum(out);
        return out;
    }

    private int globalRow(int r) {
        return global(r / nb, cluster.row(), cluster.grid().rows()) * nb + r % nb;
    }

    @Override
    public void close() {
        arena.close();
    }
}
