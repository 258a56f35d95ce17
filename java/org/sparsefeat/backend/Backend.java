package org.sparsefeat.backend;

import java.util.List;
import java.util.Optional;
import org.sparsefeat.data.TargetEvaluator;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.tiled.TileEngine;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.util.PhaseTimer;

/**
 * Where the hot paths run. Algorithms (KRR, training, sweeps) talk only to this interface, so the CPU and
 * CUDA backends are interchangeable and pass the same tests. The Gram's lower triangle and the teacher come from
 * {@link TargetEvaluator}, which the data generators take. Matrices are row-major float64. Linear algebra on host
 * matrices is not a backend's: it is {@link HostLinalg}'s, the same whichever backend runs.
 */
public interface Backend extends TargetEvaluator, AutoCloseable {
    /** "cpu" or "cuda". */
    String name();

    /** What runs the work, for result files: the CPU model or the GPU. */
    String device();

    /** Host threads used. */
    int threads();

    /**
     * The parts of the work so far that this backend handed to the CPU although it names another device, one line
     * each ("teacher: d = 20 > 16"), first seen first, without repeats: what result files record as
     * "cpu_fallbacks". Empty on the CPU backend.
     */
    default List<String> cpuFallbacks() { return List.of(); }

    /** A position in the record of {@link #cpuFallbacks}, for {@link #cpuFallbacksSince}. */
    default long fallbackMark() { return 0; }

    /** The fallbacks met (again or for the first time) after {@code mark}: those of one sweep point's work. */
    default List<String> cpuFallbacksSince(long mark) { return List.of(); }

    /**
     * Records that part of the work ran on the CPU although this backend names another device (see
     * {@link #cpuFallbacks}); nothing on the CPU backend.
     */
    default void recordCpuFallback(String reason) {}

    /**
     * Whether {@link #factorGram} factors in the backend's own device memory (the GPU), which then bounds n, rather
     * than in host memory, where KRR's memory plan decides.
     */
    default boolean factorsOnDevice() { return false; }

    /** Free bytes of the device's memory now, or -1 for a backend without one. */
    default long deviceMemoryFree() { return -1; }

    /**
     * The engine of a tiled factorisation streamed through the device, for a kernel matrix larger than its memory
     * (KRR's memory plan decides); empty where there is none (the CPU backend, a GPU without cuBLAS).
     */
    default Optional<TileEngine<?>> tileEngine() { return Optional.empty(); }

    /** Fails, naming both, when X and Y are points of different dimensions. */
    static void requireSameDimension(Matrix x, Matrix y) {
        if (x.cols() != y.cols()) {
            throw new org.sparsefeat.util.InvalidInputException("points of different dimension: d = " + x.cols() + " and d = " + y.cols());
        }
    }

    /** K(X, Y), every entry. */
    Matrix gram(Kernel kernel, Matrix x, Matrix y);

    /**
     * K(X, Y) into {@code out} (x.rows() x y.rows()), every entry overwritten: for callers that reuse one buffer
     * block after block rather than leave the garbage collector a new one each time (the Java heap then stays small
     * beside a large fit's native memory).
     */
    default void gramInto(Kernel kernel, Matrix x, Matrix y, Matrix out) {
        requireShape(out, x.rows(), y.rows());
        Matrix k = gram(kernel, x, y);
        System.arraycopy(k.data(), 0, out.data(), 0, k.data().length);
    }

    /**
     * K(X, Y) into native memory, row-major (x.rows() x y.rows() doubles, every entry overwritten): a tile of the
     * tiled kernel matrix, written where it lies, so that its pages are first touched by the threads that compute
     * it. {@code x == y} (the same object) gives K(X, X) with a point's angle with itself exactly 0, symmetric.
     */
    default void gramInto(Kernel kernel, Matrix x, Matrix y, java.lang.foreign.MemorySegment out) {
        Matrix k = x == y ? gramLower(kernel, x) : gram(kernel, x, y);
        if (x == y) {
            k.mirrorLowerToUpper();
        }
        java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofArray(k.data()), 0, out, 0,
                (long) k.data().length * 8);
    }

    /** Fails unless {@code out} is rows x cols. */
    static void requireShape(Matrix out, int rows, int cols) {
        if (out.rows() != rows || out.cols() != cols) {
            throw new IllegalArgumentException("output " + out + " for a " + rows + " x " + cols + " Gram");
        }
    }

    /**
     * K(X, Y) as float32, row-major: each entry computed in float64 and rounded once. Half the memory of
     * {@link #gram}; the GPU also writes half the bytes.
     */
    default float[] gramFloat32(Kernel kernel, Matrix x, Matrix y) {
        double[] k = gram(kernel, x, y).data();
        float[] f = new float[k.length];
        for (int i = 0; i < k.length; i++) {
            f[i] = (float) k[i];
        }
        return f;
    }

    /**
     * The Cholesky factor of K(X, X) + ridge I, kept by this backend (the GPU keeps it in device memory); phases
     * "gram" and "cholesky" are timed into {@code timer}.
     *
     * @throws org.sparsefeat.linalg.NotPositiveDefiniteException as {@link HostLinalg#cholesky}
     */
    default GramFactor factorGram(Kernel kernel, Matrix x, double ridge, PhaseTimer timer) {
        Matrix k = timer.time("gram", () -> gramLower(kernel, x));
        timer.time("cholesky", () -> HostLinalg.cholesky(k, ridge));
        return new HostGramFactor(k);
    }

    /**
     * K(X, C) c without keeping K: the kernel expansion with centres C and coefficients c at every row of X. This
     * default stores blocks of K of up to {@link #GRAM_TIMES_ROWS} rows; the backends override it with a
     * matrix-free kernel that stores none (sf_gram_times in native/src/gram.c and cuda/gram.cu).
     */
    default double[] gramTimes(Kernel kernel, Matrix x, Matrix centres, double[] c) {
        if (x.cols() != centres.cols()) {
            throw new org.sparsefeat.util.InvalidInputException("points have d = " + x.cols() + " but the centres d = " + centres.cols());
        }
        double[] f = new double[x.rows()];
        int rows = gramTimesRows(centres.rows());
        Matrix k = null;  // one block buffer for all blocks but a shorter last one
        for (int r0 = 0; r0 < x.rows(); r0 += rows) {
            int r1 = Math.min(x.rows(), r0 + rows);
            Matrix block = r0 == 0 && r1 == x.rows() ? x : x.rowRange(r0, r1);
            if (k == null || k.rows() != r1 - r0) {
                k = Matrix.zeros(r1 - r0, centres.rows());
            }
            gramInto(kernel, block, centres, k);
            double[] part = HostLinalg.multiply(k, c);
            System.arraycopy(part, 0, f, r0, part.length);
        }
        return f;
    }

    /** The most rows of K per block in {@link #gramTimes}. */
    int GRAM_TIMES_ROWS = 2048;

    /** Bytes of one block of {@link #gramTimes} at most (many centres: fewer rows), whatever the number of centres. */
    long GRAM_TIMES_BYTES = 128L << 20;

    /** Rows per block of {@link #gramTimes} for this many centres: at most {@link #GRAM_TIMES_BYTES} per block. */
    static int gramTimesRows(int centres) {
        return (int) Math.clamp(GRAM_TIMES_BYTES / 8 / Math.max(1, centres), 1, GRAM_TIMES_ROWS);
    }

    /**
     * How many nets a sweep should train in one batch: on the CPU enough to keep the cores busy, on a GPU enough to
     * fill it (one net of h = 1e4 is launch-bound there).
     */
    default int netBatchSize() { return 16; }

    /** Uploads nets to train together; see {@link NetBatch}. */
    NetBatch openNets(List<NetProblem> problems);

    /** The net's output f(x) = s sum_h w2_h relu(w1_h . x + b_h) at every row of x (no alpha, no f0). */
    double[] netOutputs(TwoLayerNet net, Matrix x);

    // ---- the image experiments' softplus net (docs/method.md, 'Image experiments')

    /**
     * a = c softplus(beta z) / beta and da = c sigmoid(beta z), elementwise (native/include/sf_act.h), in host
     * memory: for host-side work such as the activation's normalisation, on the CPU whichever the backend.
     */
    void softplus(double[] z, double beta, double c, double[] a, double[] da);

    /**
     * The softplus net's outputs at parameters p (W0, h x D row-major, then W1, h) on the rows of x (D columns):
     * f(x) = (1/h) sum_j W1_j act(W0_j . x / sqrt(D)), act(z) = c softplus(beta z) / beta.
     */
    double[] softplusOutputs(double[] p, int h, double beta, double c, Matrix x);

    /** The net's gradient flow, its data and state placed where this backend computes; see {@link SoftplusFlow}. */
    SoftplusFlow softplusFlow(SoftplusFlow.Problem problem);

    @Override
    void close();
}
