package org.sparsefeat.linalg.tiled;

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
 * The BLAS / LAPACK calls of the tiled Cholesky, on column-major tiles in native memory (a tile of r rows has
 * leading dimension r). Level-3 calls run for up to a second, so they are not "critical" (a critical call would hold
 * the garbage collector for that long); the level-2 calls of the solves are short and take heap vectors, so they are.
 */
final class TileBlas {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;
    private static final ValueLayout LEN = ValueLayout.JAVA_LONG;

    private static final MethodHandle DPOTRF;
    private static final MethodHandle DTRSM;
    private static final MethodHandle DSYRK;
    private static final MethodHandle DGEMM;
    private static final MethodHandle DTRSV;
    private static final MethodHandle DTRMV;
    private static final MethodHandle DGEMV;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = NativeLibraries.openblas();
        Linker.Option critical = Linker.Option.critical(true);
        // dpotrf_(uplo, n, a, lda, info, len)
        DPOTRF = linker.downcallHandle(NativeLibraries.symbol(lib, "dpotrf_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, LEN));
        // dtrsm_(side, uplo, transa, diag, m, n, alpha, a, lda, b, ldb, 4 x len)
        DTRSM = linker.downcallHandle(NativeLibraries.symbol(lib, "dtrsm_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR,
                        LEN, LEN, LEN, LEN));
        // dsyrk_(uplo, trans, n, k, alpha, a, lda, beta, c, ldc, 2 x len)
        DSYRK = linker.downcallHandle(NativeLibraries.symbol(lib, "dsyrk_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN, LEN));
        // dgemm_(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 2 x len)
        DGEMM = linker.downcallHandle(NativeLibraries.symbol(lib, "dgemm_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR,
                        LEN, LEN));
        // dtrsv_(uplo, trans, diag, n, a, lda, x, incx, 3 x len) and dtrmv_ alike
        FunctionDescriptor trv = FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN, LEN, LEN);
        DTRSV = linker.downcallHandle(NativeLibraries.symbol(lib, "dtrsv_"), trv, critical);
        DTRMV = linker.downcallHandle(NativeLibraries.symbol(lib, "dtrmv_"), trv, critical);
        // dgemv_(trans, m, n, alpha, a, lda, x, incx, beta, y, incy, len)
        DGEMV = linker.downcallHandle(NativeLibraries.symbol(lib, "dgemv_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN),
                critical);
    }

    private TileBlas() {}

    /** A = L L^T in place (lower triangle of the n x n tile); LAPACK's info (0, or the failing 1-based pivot). */
    static int potrf(MemorySegment a, int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INT);
            Native.run(() -> { DPOTRF.invokeExact(chr(arena, 'L'), integer(arena, n), a, integer(arena, n), info, 1L); });
            return info.get(INT, 0);
        }
    }

    /** B := B L^{-T} for the m x n tile B and the n x n lower-triangular L: a tile below a diagonal one. */
    static void trsmRightLowerTransposed(MemorySegment l, int n, MemorySegment b, int m) {
        try (Arena arena = Arena.ofConfined()) {
            Native.run(() -> { DTRSM.invokeExact(chr(arena, 'R'), chr(arena, 'L'), chr(arena, 'T'), chr(arena, 'N'),
                    integer(arena, m), integer(arena, n), real(arena, 1.0), l, integer(arena, n), b, integer(arena, m),
                    1L, 1L, 1L, 1L); });
        }
    }

    /** C := C - A A^T on C's lower triangle, A of n x k, C of n x n. */
    static void syrkMinus(MemorySegment a, int n, int k, MemorySegment c) {
        try (Arena arena = Arena.ofConfined()) {
            Native.run(() -> { DSYRK.invokeExact(chr(arena, 'L'), chr(arena, 'N'), integer(arena, n), integer(arena, k),
                    real(arena, -1.0), a, integer(arena, n), real(arena, 1.0), c, integer(arena, n), 1L, 1L); });
        }
    }

    /** C := C - A B^T, A of m x k, B of n x k, C of m x n. */
    static void gemmMinusTransposed(MemorySegment a, int m, MemorySegment b, int n, int k, MemorySegment c) {
        try (Arena arena = Arena.ofConfined()) {
            Native.run(() -> { DGEMM.invokeExact(chr(arena, 'N'), chr(arena, 'T'), integer(arena, m), integer(arena, n),
                    integer(arena, k), real(arena, -1.0), a, integer(arena, m), b, integer(arena, n), real(arena, 1.0),
                    c, integer(arena, m), 1L, 1L); });
        }
    }

    /** x := L^{-1} x, or L^{-T} x when {@code transpose}, for the n x n lower-triangular tile L; x[off, off + n). */
    static void trsv(MemorySegment l, int n, boolean transpose, double[] x, int off) {
        triangular(DTRSV, l, n, transpose, x, off);
    }

    /** x := L x, or L^T x when {@code transpose}; x[off, off + n). */
    static void trmv(MemorySegment l, int n, boolean transpose, double[] x, int off) {
        triangular(DTRMV, l, n, transpose, x, off);
    }

    private static void triangular(MethodHandle h, MemorySegment l, int n, boolean transpose, double[] x, int off) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = MemorySegment.ofArray(x).asSlice(off * 8L, n * 8L);
            Native.run(() -> { h.invokeExact(chr(arena, 'L'), chr(arena, transpose ? 'T' : 'N'), chr(arena, 'N'),
                    integer(arena, n), l, integer(arena, n), v, integer(arena, 1), 1L, 1L, 1L); });
        }
    }

    /**
     * y[yOff, ...) += alpha op(A) x[xOff, ...) for the m x n tile A, op(A) = A (y has m entries) or A^T (n entries)
     * when {@code transpose}.
     */
    static void gemv(double alpha, MemorySegment a, int m, int n, boolean transpose, double[] x, int xOff, double[] y,
            int yOff) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = MemorySegment.ofArray(x).asSlice(xOff * 8L, (transpose ? m : n) * 8L);
            MemorySegment ys = MemorySegment.ofArray(y).asSlice(yOff * 8L, (transpose ? n : m) * 8L);
            Native.run(() -> { DGEMV.invokeExact(chr(arena, transpose ? 'T' : 'N'), integer(arena, m), integer(arena, n),
                    real(arena, alpha), a, integer(arena, m), xs, integer(arena, 1), real(arena, 1.0), ys,
                    integer(arena, 1), 1L); });
        }
    }

    private static MemorySegment chr(Arena arena, char c) { return arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) c); }

    private static MemorySegment integer(Arena arena, int v) { return arena.allocateFrom(INT, v); }

    private static MemorySegment real(Arena arena, double v) { return arena.allocateFrom(ValueLayout.JAVA_DOUBLE, v); }
}
