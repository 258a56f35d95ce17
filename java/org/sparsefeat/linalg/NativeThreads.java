package org.sparsefeat.linalg;

/**
 * OpenBLAS's thread count, the one process-wide setting of the native code. OpenBLAS keeps a single count and a
 * single thread pool for the whole process ({@code openblas_set_num_threads}), so the count cannot belong to a
 * backend: two backends with different counts would overwrite each other's. The owner of the process sets it once
 * here, before the work (the CLI does it for {@code --threads} through {@code Backends.open}); constructing a
 * backend changes nothing. Until then OpenBLAS uses its own default (OPENBLAS_NUM_THREADS, else every core).
 */
public final class NativeThreads {
    private NativeThreads() {}

    /**
     * Sets OpenBLAS's thread count for the whole process. Idempotent: setting the count in use again changes
     * nothing (OpenBLAS would otherwise rebuild its pool).
     */
    public static synchronized void setOpenBlasThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("OpenBLAS threads must be >= 1, got " + threads);
        }
        if (OpenBlas.threads() != threads) {
            OpenBlas.setThreads(threads);
        }
    }

    /** The count OpenBLAS uses now. */
    public static int openBlasThreads() { return OpenBlas.threads(); }
}
