package org.sparsefeat.krr;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.OpenBlas;

/**
 * This machine's speed at the two things a large fit does, measured in a few tens of milliseconds before it starts:
 * the Gram (entries per second, for this kernel and dimension) and the factorisation (flops per second of a dgemm, the
 * operation that dominates it). Measured afresh for each large fit (about 50 ms): a machine warms up, and others' work
 * comes and goes, over a sweep.
 *
 * @param gramEntriesPerSecond entries of K per second
 * @param flopsPerSecond       floating-point operations per second of OpenBLAS's dgemm on 512 x 512 blocks
 */
public record Rates(double gramEntriesPerSecond, double flopsPerSecond) {
    private static final int GEMM = 512;

    /** The rates for this backend, kernel and the dimension of x (whose first rows it times). */
    public static Rates of(Backend backend, Kernel kernel, Matrix x) {
        Matrix rows = x.rowRange(0, Math.min(x.rows(), 256));
        Matrix cols = x.rowRange(0, Math.min(x.rows(), 2048));
        double gram = best(() -> backend.gram(kernel, rows, cols)) / ((double) rows.rows() * cols.rows());
        Matrix a = Matrix.zeros(GEMM, GEMM);
        for (int i = 0; i < GEMM; i++) {
            a.set(i, i, 1);
            a.set(i, (i * 7) % GEMM, 0.5);
        }
        Matrix c = Matrix.zeros(GEMM, GEMM);
        double gemm = best(() -> OpenBlas.gemm(false, true, -1, a, a, 1, c)) / (2.0 * GEMM * GEMM * GEMM);
        return new Rates(1 / gram, 1 / gemm);
    }

    /** The best of three timed runs after one warm-up, in seconds. */
    private static double best(Runnable work) {
        work.run();
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            work.run();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        return Math.max(best, 1e-9);
    }

    /**
     * What one entry of K typically costs, in flops of the factorisation, where the rates were not measured (small n):
     * an NTK entry at d = 5 on this project's CPUs takes about as long as 10 flops of dgemm.
     */
    static final double TYPICAL_FLOPS_PER_ENTRY = 10;

    /** What one entry of K costs, in flops of the factorisation: how the Gram and the factor share a progress bar. */
    public double flopsPerEntry() { return flopsPerSecond / gramEntriesPerSecond; }
}
