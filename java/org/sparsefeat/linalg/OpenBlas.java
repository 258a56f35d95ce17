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
    private static final MethodHandle DGER;
    private static final MethodHandle DGETRF;
    private static final MethodHandle DGETRI;
    private static final MethodHandle DGEQP3;
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
        // dger_(m, n, alpha, x, incx, y, incy, a, lda)
        DGER = linker.downcallHandle(NativeLibraries.symbol(lib, "dger_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR), critical);
        // dgetrf_(m, n, a, lda, ipiv, info)
        DGETRF = linker.downcallHandle(NativeLibraries.symbol(lib, "dgetrf_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR), critical);
        // dgetri_(n, a, lda, ipiv, work, lwork, info)
        DGETRI = linker.downcallHandle(NativeLibraries.symbol(lib, "dgetri_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR), critical);
        // dgeqp3_(m, n, a, lda, jpvt, tau, work, lwork, info)
        DGEQP3 = linker.downcallHandle(NativeLibraries.symbol(lib, "dgeqp3_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR), critical);
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

    /**
     * y = A x + beta y, or A^T x + beta y when {@code transpose}, for the row-major {@code rows} x {@code cols} matrix
     * at the start of {@code a} (which may hold more): for a block of a growing store without a copy.
     */
    public static void gemv(boolean transpose, double[] a, int rows, int cols, double[] x, double beta, double[] y) {
        int in = transpose ? rows : cols, out = transpose ? cols : rows;
        if (a.length < (long) rows * cols || x.length < in || y.length < out) {
            throw new IllegalArgumentException("gemv: " + rows + " x " + cols + " does not fit arrays of " + a.length
                    + ", " + x.length + ", " + y.length + " values");
        }
        if (rows == 0 || cols == 0) {
            for (int i = 0; i < out; i++) {
                y[i] *= beta;
            }
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            // row-major A is column-major A^T (cols x rows, leading dimension cols)
            Native.run(() -> { DGEMV.invokeExact(chr(arena, transpose ? 'N' : 'T'), integer(arena, cols),
                    integer(arena, rows), real(arena, 1.0), MemorySegment.ofArray(a), integer(arena, cols),
                    MemorySegment.ofArray(x), integer(arena, 1), real(arena, beta), MemorySegment.ofArray(y),
                    integer(arena, 1), 1L); });
        }
    }

    /** A = A + alpha u v^T for the row-major n x n matrix A (u indexes its rows, v its columns). */
    public static void ger(int n, double alpha, double[] u, double[] v, double[] a) {
        if (a.length < (long) n * n || u.length < n || v.length < n) {
            throw new IllegalArgumentException("ger: " + n + " x " + n + " does not fit the arrays");
        }
        try (Arena arena = Arena.ofConfined()) {
            // row-major A is column-major A^T: A^T + alpha v u^T
            Native.run(() -> { DGER.invokeExact(integer(arena, n), integer(arena, n), real(arena, alpha),
                    MemorySegment.ofArray(v), integer(arena, 1), MemorySegment.ofArray(u), integer(arena, 1),
                    MemorySegment.ofArray(a), integer(arena, Math.max(1, n))); });
        }
    }

    /**
     * Inverts the n x n matrix in {@code a} in place by LU with partial pivoting (dgetrf, dgetri). Returns 0, or the
     * 1-based index of the exactly zero pivot that makes it singular (then {@code a} holds the partial factor).
     * Row-major is column-major's transpose, and the inverse of A^T is (A^{-1})^T, so the layout needs no care.
     */
    public static int invert(double[] a, int n) {
        if (a.length < (long) n * n) {
            throw new IllegalArgumentException("invert: " + n + " x " + n + " does not fit " + a.length + " values");
        }
        if (n == 0) {
            return 0;
        }
        return onLargeStack(() -> invertHere(a, n));
    }

    /**
     * OpenBLAS's threaded LU (getrf_parallel) keeps its per-thread job table on the caller's stack, MAX_CPU_NUMBER^2
     * cache lines: megabytes, more than a Java thread's 1 MiB stack (-Xss), so that dgetrf from a Java thread dies of a
     * silent SIGSEGV from n ~ 200 on (measured with the bundled build; the same calls from Python's 8 MiB main thread
     * pass). The call runs on a thread of its own with {@link #LAPACK_STACK} bytes of stack, reserved, not committed.
     */
    private static int onLargeStack(java.util.function.IntSupplier work) {
        int[] result = new int[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = work.getAsInt();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "sparsefeat-lapack", LAPACK_STACK);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {  // the native call cannot be cut short: wait, and pass the interrupt on
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            throw Native.propagate(failure[0]);
        }
        return result[0];
    }

    /** Stack of the thread that calls LAPACK's LU: room for OpenBLAS's job table with up to 1 024 threads. */
    static final long LAPACK_STACK = 256L << 20;

    /**
     * LU with partial pivoting of the column-major m x n matrix in {@code a} (dgetrf), in place; {@code pivots} gets
     * LAPACK's 1-based row interchanges (min(m, n) of them). Returns 0, or the 1-based column of an exactly zero pivot.
     */
    public static int lu(double[] a, int m, int n, int[] pivots) {
        if (a.length < (long) m * n || pivots.length < Math.min(m, n)) {
            throw new IllegalArgumentException("lu: " + m + " x " + n + " does not fit the arrays");
        }
        if (m == 0 || n == 0) {
            return 0;
        }
        return onLargeStack(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment info = arena.allocate(INT);
                Native.run(() -> { DGETRF.invokeExact(integer(arena, m), integer(arena, n), MemorySegment.ofArray(a),
                        integer(arena, m), MemorySegment.ofArray(pivots), info); });
                return info.get(INT, 0);
            }
        });
    }

    /**
     * QR with column pivoting (dgeqp3) of the column-major m x n matrix in {@code a}, in place: returns the columns in
     * the order chosen (0-based), the most independent first; R's diagonal is then a[c * m + c].
     */
    public static int[] pivotedQr(double[] a, int m, int n) {
        if (a.length < (long) m * n) {
            throw new IllegalArgumentException("pivotedQr: " + m + " x " + n + " does not fit " + a.length + " values");
        }
        int[] order = new int[n];
        if (m == 0 || n == 0) {
            return order;
        }
        double[] tau = new double[Math.min(m, n)];
        double[] work = new double[Math.max(1, 3 * n + 1 + 64 * (n + 1))];
        int info = onLargeStack(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment status = arena.allocate(INT);
                Native.run(() -> { DGEQP3.invokeExact(integer(arena, m), integer(arena, n), MemorySegment.ofArray(a),
                        integer(arena, m), MemorySegment.ofArray(order), MemorySegment.ofArray(tau),
                        MemorySegment.ofArray(work), integer(arena, work.length), status); });
                return status.get(INT, 0);
            }
        });
        check("dgeqp3", info);
        for (int j = 0; j < n; j++) {
            order[j]--;
        }
        return order;
    }

    private static int invertHere(double[] a, int n) {
        int[] pivots = new int[n];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INT);
            MemorySegment order = integer(arena, n);
            Native.run(() -> { DGETRF.invokeExact(order, order, MemorySegment.ofArray(a), order,
                    MemorySegment.ofArray(pivots), info); });
            int singular = info.get(INT, 0);
            if (singular != 0) {
                return singular;
            }
            double[] work = new double[Math.max(1, 64 * n)];
            Native.run(() -> { DGETRI.invokeExact(order, MemorySegment.ofArray(a), order, MemorySegment.ofArray(pivots),
                    MemorySegment.ofArray(work), integer(arena, work.length), info); });
            return info.get(INT, 0);
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
