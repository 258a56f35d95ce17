package org.sparsefeat.backend.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NativeThreads;
import org.sparsefeat.linalg.OpenBlas;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.util.InvalidInputException;

/**
 * The CPU backend: Gram tiles and the teacher in libsparsefeat (C, vectorised), spread over a fork-join pool
 * of {@code threads} workers; the Cholesky factor of a Gram matrix and its solves in OpenBLAS
 * ({@link org.sparsefeat.linalg.HostLinalg}). Everything runs on the CPU, so it records no {@link #cpuFallbacks}.
 * {@code threads} is this backend's pool only: OpenBLAS's count is the process's, set apart (see
 * {@link org.sparsefeat.linalg.NativeThreads}), so constructing a backend changes nothing global.
 */
public final class CpuBackend implements Backend {
    /** Rows per Gram task: small enough to balance a triangle over the threads, large enough to amortise a call. */
    private static final int GRAM_ROWS = 32;
    /** Columns per Gram task: a row strip of this width stays in L2 while the kernel function is applied. */
    private static final int GRAM_COLS = 2048;
    /** Teacher neurons per native call: d x 4096 weights fit in L2. */
    private static final int TEACHER_BLOCK = 4096;

    private final int threads;
    private final ForkJoinPool pool;

    public CpuBackend(int threads) {
        if (threads < 1) {
            throw new InvalidInputException("{threads} must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = new ForkJoinPool(threads);
    }

    /** A backend with one thread per available processor. */
    public CpuBackend() { this(Runtime.getRuntime().availableProcessors()); }

    @Override
    public String name() { return "cpu"; }

    @Override
    public String device() {
        return CpuInfo.modelName() + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ", OpenBLAS ("
                + NativeThreads.openBlasThreads() + "), "
                + switch (NativeNet.selectIsa(-1)) {
                    case 4 -> "AVX-512";
                    case 1 -> "generic x86-64";
                    default -> "AVX2";
                };
    }

    @Override
    public int threads() { return threads; }

    @Override
    public Matrix gram(Kernel kernel, Matrix x, Matrix y) {
        Backend.requireSameDimension(x, y);
        Matrix k = Matrix.zeros(x.rows(), y.rows());
        fillGram(kernel, x, y, k, false);
        return k;
    }

    @Override
    public void gramInto(Kernel kernel, Matrix x, Matrix y, Matrix out) {
        Backend.requireSameDimension(x, y);
        Backend.requireShape(out, x.rows(), y.rows());
        fillGram(kernel, x, y, out, false);
    }

    /**
     * Straight into the tile for d below {@link #GEMM_FROM_DIMENSION}: the row tasks write their rows where they
     * lie, so the tile's fresh pages are faulted in by all threads at once, and no heap buffer is copied.
     */
    @Override
    public void gramInto(Kernel kernel, Matrix x, Matrix y, java.lang.foreign.MemorySegment out) {
        Backend.requireSameDimension(x, y);
        int n = x.rows(), m = y.rows(), d = x.cols();
        if (out.byteSize() < 8L * n * m) {
            throw new IllegalArgumentException("output of " + out.byteSize() + " bytes for a " + n + " x " + m + " Gram");
        }
        if (d >= GEMM_FROM_DIMENSION || n == 0 || m == 0) {
            Backend.super.gramInto(kernel, x, y, out);
            return;
        }
        double[] xn = x.rowNorms();
        boolean same = x == y;
        double[] yn = same ? xn : y.rowNorms();
        double[] yT = y.transpose().data();
        // K(X, X): the lower triangle computed, the upper mirrored (half the kernel values; the same bits as the
        // full square, which the native builder gives exactly symmetric)
        List<long[]> tiles = tasks(n, m, same);
        int id = kernel.type().id();
        double param = kernel.param();
        parallelFor(tiles.size(), t -> {
            long[] tile = tiles.get(t);
            NativeKernels.gramBlock(id, param, d, x.data(), xn, tile[0], tile[1], yT, yn, m, tile[2], tile[3], same,
                    same, out, m);
        });
        if (same) {
            int rows = Math.max(1, GRAM_ROWS * 4);
            parallelFor((n + rows - 1) / rows, t -> NativeKernels.mirrorLower(out, n, (long) t * rows,
                    Math.min(n, (long) (t + 1) * rows)));
        }
    }

    /** The tasks of a Gram: rows [i0, i1) x columns [j0, j1), {@link #GRAM_ROWS} x {@link #GRAM_COLS} at most. */
    private static List<long[]> tasks(int n, int m, boolean lower) {
        List<long[]> tiles = new ArrayList<>();
        for (int i0 = 0; i0 < n; i0 += GRAM_ROWS) {
            int i1 = Math.min(n, i0 + GRAM_ROWS);
            int colEnd = lower ? i1 : m;
            for (int j0 = 0; j0 < colEnd; j0 += GRAM_COLS) {
                tiles.add(new long[] {i0, i1, j0, Math.min(colEnd, j0 + GRAM_COLS)});
            }
        }
        return tiles;
    }

    @Override
    public Matrix gramLower(Kernel kernel, Matrix x) {
        Matrix k = Matrix.zeros(x.rows(), x.rows());
        fillGram(kernel, x, x, k, true);
        return k;
    }

    /**
     * K(X, C) c matrix-free for d below {@link #GEMM_FROM_DIMENSION}: rows of X go to the threads in tasks, each
     * reduced against c tile by tile in native code (sf_gram_times), so no block of K is ever stored and the
     * result has the same bits whatever the thread count. Image-sized d keeps the blocks of K from a GEMM
     * ({@link Backend#gramTimes}): there the dot products, not the kernel function, are the work.
     */
    @Override
    public double[] gramTimes(Kernel kernel, Matrix x, Matrix centres, double[] c) {
        if (x.cols() != centres.cols()) {
            throw new InvalidInputException("points have d = " + x.cols() + " but the centres d = " + centres.cols());
        }
        if (c.length != centres.rows()) {
            throw new IllegalArgumentException(c.length + " coefficients for " + centres.rows() + " centres");
        }
        int n = x.rows(), m = centres.rows(), d = x.cols();
        if (d >= GEMM_FROM_DIMENSION) {
            return Backend.super.gramTimes(kernel, x, centres, c);
        }
        double[] f = new double[n];
        if (n == 0 || m == 0) {
            return f;
        }
        double[] xn = x.rowNorms();
        boolean same = x == centres;
        double[] yn = same ? xn : centres.rowNorms();
        double[] yT = centres.transpose().data();
        int id = kernel.type().id();
        double param = kernel.param();
        int tasks = (n + GRAM_ROWS - 1) / GRAM_ROWS;
        parallelFor(tasks, t -> NativeKernels.gramTimes(id, param, d, x.data(), xn, (long) t * GRAM_ROWS,
                Math.min(n, (long) (t + 1) * GRAM_ROWS), yT, yn, c, m, same, f));
        return f;
    }

    /** From this input dimension on, the dot products come from a GEMM (images: d = 784, 3072). */
    static final int GEMM_FROM_DIMENSION = 48;

    private void fillGram(Kernel kernel, Matrix x, Matrix y, Matrix k, boolean lower) {
        int n = x.rows(), m = y.rows(), d = x.cols();
        if (n == 0 || m == 0) {
            return;
        }
        if (d >= GEMM_FROM_DIMENSION) {
            fillGramByGemm(kernel, x, y, k, lower);
            return;
        }
        double[] xn = x.rowNorms();
        boolean same = x == y;
        double[] yn = same ? xn : y.rowNorms();
        double[] yT = y.transpose().data();
        List<long[]> tiles = tasks(n, m, lower);
        int id = kernel.type().id();
        double param = kernel.param();
        parallelFor(tiles.size(), t -> {
            long[] tile = tiles.get(t);
            NativeKernels.gramBlock(id, param, d, x.data(), xn, tile[0], tile[1], yT, yn, m, tile[2], tile[3], lower,
                    same, k.data(), m);
        });
    }

    /** Dot products by OpenBLAS, then the kernel function on all cores, in place. */
    private void fillGramByGemm(Kernel kernel, Matrix x, Matrix y, Matrix k, boolean lower) {
        int n = x.rows(), m = y.rows();
        boolean same = x == y;
        double[] xn = x.rowNorms();
        double[] yn = same ? xn : y.rowNorms();
        OpenBlas.gemm(false, true, 1.0, x, y, 0.0, k);
        int rows = Math.max(1, Math.min(GRAM_ROWS * 4, (n + threads * 4 - 1) / (threads * 4)));
        int tasks = (n + rows - 1) / rows;
        int id = kernel.type().id();
        parallelFor(tasks, t -> NativeKernels.kernelApply(id, kernel.param(), x.cols(), k.data(), (long) t * rows,
                Math.min(n, (long) (t + 1) * rows), m, xn, yn, lower, same));
    }

    /**
     * Neuron blocks go to the threads in waves; each block's partial sums are added in block order, so the
     * result has the same bits whatever the thread count. Memory: waves x m doubles, independent of H.
     */
    @Override
    public double[] teacher(Matrix x, TeacherField field) {
        int m = x.rows(), d = x.cols();
        double[] sum = new double[m];
        long blocks = (field.width() + TEACHER_BLOCK - 1) / TEACHER_BLOCK;
        int wave = 2 * threads;
        double[][] partial = new double[wave][m];
        for (long b0 = 0; b0 < blocks; b0 += wave) {
            long first = b0;
            int count = (int) Math.min(wave, blocks - b0);
            parallelFor(count, w -> {
                long j0 = (first + w) * TEACHER_BLOCK;
                long j1 = Math.min(field.width(), j0 + TEACHER_BLOCK);
                NativeKernels.teacherBlock(field.seed(), d, field.activation().id(), field.power(), j0, j1, x.data(), m,
                        partial[w]);
            });
            for (int w = 0; w < count; w++) {
                double[] p = partial[w];
                for (int i = 0; i < m; i++) {
                    sum[i] += p[i];
                }
            }
        }
        double scale = 1.0 / Math.sqrt((double) field.width());
        for (int i = 0; i < m; i++) {
            sum[i] *= scale;
        }
        return sum;
    }

    @Override
    public NetBatch openNets(List<NetProblem> problems) { return new CpuNetBatch(problems, pool, threads); }

    /**
     * Chooses the vector instructions of the native loops (Gram tiles, teacher, gradient descent) for the whole
     * process: 4 = AVX-512 where the CPU has it, 3 = AVX2, 1 = baseline x86-64 (the slow path benchmarks/guard.sh
     * forces), 0 = the default (AVX-512 unless the environment says SPARSEFEAT_ISA=v3 or generic). Returns the one
     * in use. The two agree to about 1e-16 relative (the lane sums differ).
     */
    public static int selectInstructionSet(int want) { return NativeNet.selectIsa(want); }

    /** Points are independent, so chunks of rows go to the threads; each point's sum has one fixed order. */
    @Override
    public double[] netOutputs(TwoLayerNet net, Matrix x) {
        if (x.cols() != net.d()) {
            throw new IllegalArgumentException("points have d = " + x.cols() + " but the net has d = " + net.d());
        }
        int n = x.rows();
        int chunk = Math.max(256, (n / threads + 3) / 4 * 4);
        int parts = (n + chunk - 1) / chunk;
        double[] out = new double[n];
        parallelFor(parts, p -> {
            int r0 = p * chunk, r1 = Math.min(n, r0 + chunk);
            double[] f = NativeNet.outputs(net, x.rowRange(r0, r1));
            System.arraycopy(f, 0, out, r0, f.length);
        });
        return out;
    }

    @Override
    public void softplus(double[] z, double beta, double c, double[] a, double[] da) {
        if (z.length < ACT_CHUNK) {
            NativeKernels.softplusAct(z, beta, c, a, da);
            return;
        }
        // the elementwise pass costs a few ns an entry (an exp and a log1p): over the n x h activations, the threads
        int chunks = (z.length + ACT_CHUNK - 1) / ACT_CHUNK;
        parallelFor(chunks, k -> NativeKernels.softplusAct(z, k * ACT_CHUNK, Math.min(z.length, (k + 1) * ACT_CHUNK),
                beta, c, a, da));
    }

    /** Entries per task of the elementwise pass: about a millisecond each. */
    private static final int ACT_CHUNK = 1 << 17;

    @Override
    public double[] softplusOutputs(double[] p, int h, double beta, double c, Matrix x) {
        return CpuSoftplusFlow.forward(this, p, h, beta, c, x).f();
    }

    @Override
    public SoftplusFlow softplusFlow(SoftplusFlow.Problem problem) { return new CpuSoftplusFlow(this, problem); }

    private void parallelFor(int count, IntConsumer body) {
        if (threads == 1 || count == 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        pool.submit(() -> IntStream.range(0, count).parallel().forEach(body)).join();
    }

    @Override
    public void close() { pool.shutdown(); }
}
