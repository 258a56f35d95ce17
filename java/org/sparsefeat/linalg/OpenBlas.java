package org.sparsefeat.linalg;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.sparsefeat.ffm.Native;
import org.sparsefeat.ffm.NativeLibraries;

/**
 * The few BLAS / LAPACK routines we need, bound with FFM to OpenBLAS's Fortran symbols (column-major, every
 * argument by reference, 32-bit integers, and the hidden character-length arguments of gfortran's ABI).
 * Our matrices are row-major, so a row-major lower triangle is LAPACK's upper triangle and uplo is 'U'.
 * Calls are "critical" so that heap arrays go to OpenBLAS without a copy.
 */
public final class OpenBlas {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;
    private static final ValueLayout LEN = ValueLayout.JAVA_LONG;

    private static final MethodHandle DPOTRF;
    private static final MethodHandle DPOTRS;
    private static final MethodHandle DGEMV;
    private static final MethodHandle DTRMV;
    private static final MethodHandle DGEMM;
    private static final MethodHandle SET_THREADS;
    private static final MethodHandle GET_THREADS;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = NativeLibraries.openblas();
        Linker.Option critical = Linker.Option.critical(true);
        // dpotrf_(uplo, n, a, lda, info, len(uplo))
        DPOTRF = linker.downcallHandle(NativeLibraries.symbol(lib, "dpotrf_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, LEN), critical);
        // dpotrs_(uplo, n, nrhs, a, lda, b, ldb, info, len(uplo))
        DPOTRS = linker.downcallHandle(NativeLibraries.symbol(lib, "dpotrs_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN), critical);
        // dgemv_(trans, m, n, alpha, a, lda, x, incx, beta, y, incy, len(trans))
        DGEMV = linker.downcallHandle(NativeLibraries.symbol(lib, "dgemv_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN),
                critical);
        // dtrmv_(uplo, trans, diag, n, a, lda, x, incx, len, len, len)
        DTRMV = linker.downcallHandle(NativeLibraries.symbol(lib, "dtrmv_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN, LEN, LEN), critical);
        // dgemm_(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, len, len)
        DGEMM = linker.downcallHandle(NativeLibraries.symbol(lib, "dgemm_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR,
                        LEN, LEN), critical);
        SET_THREADS = linker.downcallHandle(NativeLibraries.symbol(lib, "openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(INT));
        GET_THREADS = linker.downcallHandle(NativeLibraries.symbol(lib, "openblas_get_num_threads"),
                FunctionDescriptor.of(INT));
    }

    private OpenBlas() {}

    /** Process-wide: only {@link NativeThreads} calls it. */
    static void setThreads(int threads) {
        Native.run(() -> { SET_THREADS.invokeExact(threads); });
    }

    /** OpenBLAS's thread count, process-wide. */
    public static int threads() {
        return Native.call(() -> (int) GET_THREADS.invokeExact());
    }

    /**
     * Cholesky A = L L^T in place, A row-major with its lower triangle set. Returns LAPACK's info: 0, or
     * the 1-based order of the first leading minor that is not positive definite.
     */
    public static int dpotrfLower(Matrix a) {
        int n = a.rows();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INT);
            Native.run(() -> { DPOTRF.invokeExact(chr(arena, 'U'), integer(arena, n), MemorySegment.ofArray(a.data()),
                    integer(arena, Math.max(1, n)), info, 1L); });
            return info.get(INT, 0);
        }
    }

    /**
     * Solves (L L^T) X = B in place for {@code nrhs} right-hand sides stored one after the other in b (each
     * of length n), with L from {@link #dpotrfLower}.
     */
    public static void dpotrsLower(Matrix l, double[] b, int nrhs) {
        int n = l.rows();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INT);
            Native.run(() -> { DPOTRS.invokeExact(chr(arena, 'U'), integer(arena, n), integer(arena, nrhs),
                    MemorySegment.ofArray(l.data()), integer(arena, Math.max(1, n)), MemorySegment.ofArray(b),
                    integer(arena, Math.max(1, n)), info, 1L); });
            check("dpotrs", info.get(INT, 0));
        }
    }

    /** y = A x for row-major A (m x n). */
    public static double[] gemv(Matrix a, double[] x) { return gemv(a, x, false); }

    /** y = A x, or A^T x when {@code transpose}, for row-major A. */
    public static double[] gemv(Matrix a, double[] x, boolean transpose) {
        int inner = transpose ? a.rows() : a.cols();
        if (x.length != inner) {
            throw new IllegalArgumentException("gemv: x has " + x.length + " values, op(A) has " + inner + " columns");
        }
        double[] y = new double[transpose ? a.cols() : a.rows()];
        if (a.rows() == 0 || a.cols() == 0) {
            return y;
        }
        try (Arena arena = Arena.ofConfined()) {
            // row-major A (m x n) is column-major A^T (n x m): A x = (A^T)^T x, A^T x = (A^T) x
            Native.run(() -> { DGEMV.invokeExact(chr(arena, transpose ? 'N' : 'T'), integer(arena, a.cols()),
                    integer(arena, a.rows()),
                    real(arena, 1.0), MemorySegment.ofArray(a.data()), integer(arena, a.cols()),
                    MemorySegment.ofArray(x), integer(arena, 1), real(arena, 0.0), MemorySegment.ofArray(y),
                    integer(arena, 1), 1L); });
            return y;
        }
    }

    /**
     * C = alpha op(A) op(B) + beta C for row-major matrices, op(M) = M or M^T. Dimensions are checked.
     */
    public static void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        int m = transA ? a.cols() : a.rows(), k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows(), n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(A) is " + m + " x " + k + ", op(B) " + kb + " x " + n + ", C "
                    + c.rows() + " x " + c.cols());
        }
        gemm(transA, transB, m, n, k, alpha, a.data(), a.cols(), b.data(), b.cols(), beta, c.data());
    }

    /**
     * C (m x n) = alpha op(A) op(B) + beta C on row-major arrays whose leading part holds the matrices (A with {@code
     * lda} columns, B with {@code ldb}, C with n): so that a matrix at the start of a larger array, such as a net's
     * first layer in its parameter vector, needs no copy.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int lda,
            double[] b, int ldb, double beta, double[] c) {
        long aNeed = (long) (transA ? k : m) * lda, bNeed = (long) (transB ? n : k) * ldb;
        if (m < 0 || n < 0 || k < 0 || a.length < aNeed || b.length < bNeed || c.length < (long) m * n
                || lda < (transA ? m : k) || ldb < (transB ? k : n)) {
            throw new IllegalArgumentException("gemm: " + m + " x " + n + " x " + k + " does not fit arrays of " + a.length
                    + ", " + b.length + ", " + c.length + " values (lda " + lda + ", ldb " + ldb + ")");
        }
        if (m == 0 || n == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            // row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands, keep the flags
            Native.run(() -> { DGEMM.invokeExact(chr(arena, transB ? 'T' : 'N'), chr(arena, transA ? 'T' : 'N'),
                    integer(arena, n),
                    integer(arena, m), integer(arena, k), real(arena, alpha), MemorySegment.ofArray(b),
                    integer(arena, Math.max(1, ldb)), MemorySegment.ofArray(a),
                    integer(arena, Math.max(1, lda)), real(arena, beta), MemorySegment.ofArray(c),
                    integer(arena, Math.max(1, n)), 1L, 1L); });
        }
    }

    /** x = L x in place for a row-major lower-triangular L. */
    public static void trmvLower(Matrix l, double[] x) { trmvLower(l, x, false); }

    /** x = L x, or L^T x when {@code transpose}, in place for a row-major lower-triangular L. */
    public static void trmvLower(Matrix l, double[] x, boolean transpose) {
        int n = l.rows();
        try (Arena arena = Arena.ofConfined()) {
            // row-major lower L is column-major upper U = L^T: L x = U^T x and L^T x = U x
            Native.run(() -> { DTRMV.invokeExact(chr(arena, 'U'), chr(arena, transpose ? 'N' : 'T'), chr(arena, 'N'),
                    integer(arena, n),
                    MemorySegment.ofArray(l.data()), integer(arena, Math.max(1, n)), MemorySegment.ofArray(x),
                    integer(arena, 1), 1L, 1L, 1L); });
        }
    }

    private static MemorySegment chr(Arena arena, char c) {
        return arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) c);
    }

    private static MemorySegment integer(Arena arena, int v) {
        return arena.allocateFrom(INT, v);
    }

    private static MemorySegment real(Arena arena, double v) {
        return arena.allocateFrom(DOUBLE, v);
    }

    private static void check(String routine, int info) {
        if (info != 0) {
            throw new IllegalStateException(routine + " failed with info = " + info);
        }
    }

}
