package org.sparsefeat.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.ffm.Native;
import org.sparsefeat.ffm.NativeLibraries;

/**
 * The cuBLAS routines the GPU Cholesky hands its big updates to (DTRSM, DSYRK; DGEMM for the streamed tiles), and
 * DTRSV, bound with Panama FFM by
 * their exported C names. Why not JCublas: its 12.6 build links {@code libcublas.so.12} by versioned symbols and
 * cannot load on CUDA 13 machines (../shared/research/stack.md); FFM binds whichever of {@code libcublas.so.13}
 * and {@code .12} the machine has. The handle works on the current context, the device's primary context that our
 * kernels use, and on the legacy default stream, so its calls are ordered with our launches. The emulator of
 * cuda/emu exports the same entry points, so the tests run this binding too. Matrices are column-major here: the
 * backend passes its row-major lower triangles as column-major upper ones.
 */
final class CudaBlas implements AutoCloseable {
    static final int LOWER = 0, UPPER = 1, OP_N = 0, OP_T = 1, SIDE_LEFT = 0, SIDE_RIGHT = 1, NON_UNIT = 0;
    private static final Linker LINKER = Linker.nativeLinker();

    private final String library;
    private final MethodHandle destroy, trsm, syrk, trsv, gemm;
    private final MemorySegment handle;

    CudaBlas(SymbolLookup lib, String library) {
        this.library = library;
        MethodHandle create = LINKER.downcallHandle(NativeLibraries.symbol(lib, "cublasCreate_v2"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        destroy = LINKER.downcallHandle(NativeLibraries.symbol(lib, "cublasDestroy_v2"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        ValueLayout i = ValueLayout.JAVA_INT, p = ValueLayout.ADDRESS;
        trsm = LINKER.downcallHandle(NativeLibraries.symbol(lib, "cublasDtrsm_v2"),
                FunctionDescriptor.of(i, p, i, i, i, i, i, i, p, p, i, p, i));
        syrk = LINKER.downcallHandle(NativeLibraries.symbol(lib, "cublasDsyrk_v2"),
                FunctionDescriptor.of(i, p, i, i, i, i, p, p, i, p, p, i));
        trsv = LINKER.downcallHandle(NativeLibraries.symbol(lib, "cublasDtrsv_v2"),
                FunctionDescriptor.of(i, p, i, i, i, i, p, i, p, i));
        gemm = LINKER.downcallHandle(NativeLibraries.symbol(lib, "cublasDgemm_v2"),
                FunctionDescriptor.of(i, p, i, i, i, i, i, p, p, i, p, i, p, p, i));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            status("cublasCreate_v2", () -> (int) create.invokeExact(out));
            handle = out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** Where the library came from, for result files. */
    String library() { return library; }

    /**
     * cuBLAS from {@code $SPARSEFEAT_CUBLAS} (a path to libcublas.so.N), else by soname (13, then 12) from the
     * loader's path, else from /usr/local/cuda/lib64. Its companion libcublasLt is loaded first from the same
     * folder, since a pip-installed cuBLAS (PyTorch's) is not on the loader's path.
     *
     * @throws IllegalStateException listing what was tried
     */
    static CudaBlas load() {
        List<String> tried = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("SPARSEFEAT_CUBLAS");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.addAll(List.of("libcublas.so.13", "libcublas.so.12", "/usr/local/cuda/lib64/libcublas.so.13",
                "/usr/local/cuda/lib64/libcublas.so.12"));
        for (String c : candidates) {
            try {
                return new CudaBlas(open(c), c);
            } catch (RuntimeException | LinkageError e) {
                tried.add(c + " (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
            }
        }
        throw new IllegalStateException("no cuBLAS: tried " + String.join(", ", tried));
    }

    private static SymbolLookup open(String name) {
        Path path = Path.of(name);
        if (path.isAbsolute() || name.contains("/")) {
            String file = path.getFileName().toString();
            Path lt = path.resolveSibling(file.replace("libcublas.", "libcublasLt."));
            if (Files.isRegularFile(lt)) {
                SymbolLookup.libraryLookup(lt, Arena.global());
            }
            return SymbolLookup.libraryLookup(path, Arena.global());
        }
        return SymbolLookup.libraryLookup(name, Arena.global());
    }

    /** B := op(A)^{-1} B with A upper triangular m x m, op = transpose, side left (column-major addresses). */
    void trsmLeftUpperTransposed(int m, int n, long a, int lda, long b, int ldb) {
        trsm(SIDE_LEFT, UPPER, OP_T, m, n, a, lda, b, ldb);
    }

    /** B := B op(A)^{-1} or op(A)^{-1} B (side), A triangular (uplo, non-unit), B m x n; column-major addresses. */
    void trsm(int side, int uplo, int op, int m, int n, long a, int lda, long b, int ldb) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0);
            status("cublasDtrsm_v2", () -> (int) trsm.invokeExact(handle, side, uplo, op, NON_UNIT, m, n, one,
                    MemorySegment.ofAddress(a), lda, MemorySegment.ofAddress(b), ldb));
        }
    }

    /** C := alpha A^T A + beta C on the upper triangle of C (n x n), A k x n (column-major addresses). */
    void syrkUpperTransposed(int n, int k, double alpha, long a, int lda, double beta, long c, int ldc) {
        syrk(UPPER, OP_T, n, k, alpha, a, lda, beta, c, ldc);
    }

    /** C := alpha op(A) op(A)^T + beta C on one triangle (uplo) of C (n x n), op(A) n x k; column-major addresses. */
    void syrk(int uplo, int op, int n, int k, double alpha, long a, int lda, double beta, long c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            status("cublasDsyrk_v2", () -> (int) syrk.invokeExact(handle, uplo, op, n, k,
                    arena.allocateFrom(ValueLayout.JAVA_DOUBLE, alpha), MemorySegment.ofAddress(a), lda,
                    arena.allocateFrom(ValueLayout.JAVA_DOUBLE, beta), MemorySegment.ofAddress(c), ldc));
        }
    }

    /** C := alpha op(A) op(B) + beta C, C m x n, inner dimension k; column-major addresses. */
    void gemm(int opA, int opB, int m, int n, int k, double alpha, long a, int lda, long b, int ldb, double beta, long c,
            int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            status("cublasDgemm_v2", () -> (int) gemm.invokeExact(handle, opA, opB, m, n, k,
                    arena.allocateFrom(ValueLayout.JAVA_DOUBLE, alpha), MemorySegment.ofAddress(a), lda,
                    MemorySegment.ofAddress(b), ldb, arena.allocateFrom(ValueLayout.JAVA_DOUBLE, beta),
                    MemorySegment.ofAddress(c), ldc));
        }
    }

    /** x := op(A)^{-1} x with A upper triangular n x n (column-major address), op = transpose or not. */
    void trsvUpper(boolean transposed, int n, long a, int lda, long x) {
        status("cublasDtrsv_v2", () -> (int) trsv.invokeExact(handle, UPPER, transposed ? OP_T : OP_N, NON_UNIT, n,
                MemorySegment.ofAddress(a), lda, MemorySegment.ofAddress(x), 1));
    }

    /** A cuBLAS call, its status checked. */
    private static void status(String call, Native.Call<Integer> downcall) {
        int status = Native.call(downcall);
        if (status != 0) {
            throw new IllegalStateException(call + " failed with cuBLAS status " + status);
        }
    }

    @Override
    public void close() {
        int ignored = Native.call(() -> (int) destroy.invokeExact(handle));  // a failed release has no remedy
    }
}
