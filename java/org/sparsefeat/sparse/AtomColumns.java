package org.sparsefeat.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparsefeat.linalg.OpenBlas;

/**
 * The restricted LP's matrix A, n rows and a column a_j per atom, kept dense (a ReLU column is nonzero on about half
 * the points) in blocks of {@link #BLOCK} atoms, atom-major: each block is one BLAS call of every product below.
 */
final class AtomColumns {
    /** Atoms per block. */
    static final int BLOCK = 512;

    private final int n;
    private final List<double[]> blocks = new ArrayList<>();
    private int size;

    AtomColumns(int n) { this.n = n; }

    int rows() { return n; }

    int size() { return size; }

    void add(List<double[]> columns) {
        for (double[] a : columns) {
            if (a.length != n) {
                throw new IllegalArgumentException("an atom's column has " + a.length + " values, the LP " + n + " rows");
            }
            int at = size % BLOCK;
            if (at == 0) {
                blocks.add(new double[BLOCK * n]);
            }
            System.arraycopy(a, 0, blocks.getLast(), at * n, n);
            size++;
        }
    }

    /** a_j, a copy. */
    double[] column(int j) {
        return Arrays.copyOfRange(blocks.get(j / BLOCK), (j % BLOCK) * n, (j % BLOCK + 1) * n);
    }

    /** a_j . v. */
    double dot(int j, double[] v) {
        double[] block = blocks.get(j / BLOCK);
        int off = (j % BLOCK) * n;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += block[off + i] * v[i];
        }
        return s;
    }

    /** A^T v: a_j . v for every atom. */
    double[] dots(double[] v) {
        double[] out = new double[size];
        double[] part = new double[BLOCK];
        for (int b = 0; b < blocks.size(); b++) {
            int count = count(b);
            OpenBlas.gemv(false, blocks.get(b), count, n, v, 0, part);
            System.arraycopy(part, 0, out, b * BLOCK, count);
        }
        return out;
    }

    /** A c: sum_j c_j a_j. */
    double[] combine(double[] c) {
        double[] out = new double[n];
        double[] part = new double[BLOCK];
        for (int b = 0; b < blocks.size(); b++) {
            int count = count(b);
            System.arraycopy(c, b * BLOCK, part, 0, count);
            OpenBlas.gemv(true, blocks.get(b), count, n, part, 1, out);
        }
        return out;
    }

    /** A diag(d) A^T = sum_j d_j a_j a_j^T (d >= 0), n x n row-major, by one GEMM per block of scaled columns. */
    double[] weightedGram(double[] d) {
        double[] out = new double[n * n];
        double[] scaled = new double[BLOCK * n];
        for (int b = 0; b < blocks.size(); b++) {
            int count = count(b);
            double[] block = blocks.get(b);
            for (int k = 0; k < count; k++) {
                double s = Math.sqrt(d[b * BLOCK + k]);
                for (int i = 0; i < n; i++) {
                    scaled[k * n + i] = s * block[k * n + i];
                }
            }
            OpenBlas.gemm(true, false, n, n, count, 1, scaled, n, scaled, n, 1, out);
        }
        return out;
    }

    private int count(int b) { return Math.min(BLOCK, size - b * BLOCK); }
}
