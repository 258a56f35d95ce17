package org.sparsefeat.linalg;

import java.util.Arrays;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OutOfMemoryMessages;

/**
 * A dense float64 matrix in row-major (C) order, backed by one heap array so that native code (through FFM
 * critical downcalls) and the JIT both read it without copies. Rows of a data matrix are points.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final double[] data;

    public Matrix(int rows, int cols, double[] data) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("matrix dimensions must be >= 0, got " + rows + " x " + cols);
        }
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(
                    "matrix of " + rows + " x " + cols + " needs " + (long) rows * cols + " values, got " + data.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    public static Matrix zeros(int rows, int cols) {
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("a " + rows + " x " + cols
                    + " matrix is larger than one Java array can hold (2^31 values)");
        }
        return new Matrix(rows, cols, OutOfMemoryMessages.doubles(size, "a " + rows + " x " + cols + " float64 matrix"));
    }

    public static Matrix of(double[][] values) {
        int r = values.length;
        int c = r == 0 ? 0 : values[0].length;
        Matrix m = zeros(r, c);
        for (int i = 0; i < r; i++) {
            if (values[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + values[i].length + " values, expected " + c);
            }
            System.arraycopy(values[i], 0, m.data, i * c, c);
        }
        return m;
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** The backing array, row-major: element (i, j) is at {@code i * cols + j}. */
    public double[] data() { return data; }

    public double get(int i, int j) { return data[i * cols + j]; }

    public void set(int i, int j, double v) { data[i * cols + j] = v; }

    public double[] row(int i) { return Arrays.copyOfRange(data, i * cols, (i + 1) * cols); }

    /** Rows [from, to) as a new matrix. */
    public Matrix rowRange(int from, int to) {
        return new Matrix(to - from, cols, Arrays.copyOfRange(data, from * cols, to * cols));
    }

    public Matrix transpose() { return transposePadded(rows); }

    /**
     * The transpose with its rows zero-padded to {@code width} >= rows() columns: the points-as-columns layout
     * the vector loops of native/ and cuda/ read several points at a time.
     */
    public Matrix transposePadded(int width) {
        if (width < rows) {
            throw new IllegalArgumentException("padded width " + width + " < " + rows + " rows");
        }
        Matrix t = zeros(cols, width);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t.data[j * width + i] = data[i * cols + j];
            }
        }
        return t;
    }

    public Matrix copy() { return new Matrix(rows, cols, data.clone()); }

    /** The entries (i, i) of a square matrix. */
    public double[] diagonal() {
        if (!isSquare()) {
            throw new IllegalArgumentException("the diagonal of a non-square matrix " + this);
        }
        double[] d = new double[rows];
        for (int i = 0; i < rows; i++) {
            d[i] = data[i * cols + i];
        }
        return d;
    }

    /** Euclidean norm of each row. */
    public double[] rowNorms() {
        double[] n = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                double v = data[i * cols + j];
                s += v * v;
            }
            n[i] = Math.sqrt(s);
        }
        return n;
    }

    /** Copies the lower triangle onto the upper one (square matrices). */
    public void mirrorLowerToUpper() {
        requireSquare();
        for (int i = 0; i < rows; i++) {
            for (int j = i + 1; j < cols; j++) {
                data[i * cols + j] = data[j * cols + i];
            }
        }
    }

    /** Sets the strict upper triangle to zero (square matrices). */
    public void zeroUpper() {
        requireSquare();
        for (int i = 0; i < rows; i++) {
            Arrays.fill(data, i * cols + i + 1, (i + 1) * cols, 0.0);
        }
    }

    /** Frobenius norm. */
    public double frobeniusNorm() {
        double scale = 0, ssq = 1;
        for (double v : data) {  // scaled sum of squares, as LAPACK's dlassq: no overflow for large entries
            if (v != 0) {
                double a = Math.abs(v);
                if (scale < a) {
                    ssq = 1 + ssq * (scale / a) * (scale / a);
                    scale = a;
                } else {
                    ssq += (a / scale) * (a / scale);
                }
            }
        }
        return scale * Math.sqrt(ssq);
    }

    public boolean isSquare() { return rows == cols; }

    private void requireSquare() {
        if (!isSquare()) {
            throw new IllegalArgumentException("expected a square matrix, got " + rows + " x " + cols);
        }
    }

    @Override
    public String toString() { return "Matrix[" + rows + " x " + cols + "]"; }
}
