package org.sparsefeat.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.sparsefeat.ffm.Native;
import org.sparsefeat.ffm.NativeLibraries;

/** FFM bindings of libsparsefeat (native/include/sparsefeat.h). */
public final class NativeKernels {
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout A = ValueLayout.ADDRESS;

    private static final MethodHandle GRAM_BLOCK;
    private static final MethodHandle GRAM_TIMES;
    private static final MethodHandle KERNEL_VALUE;
    private static final MethodHandle MIRROR_LOWER;
    private static final MethodHandle KERNEL_APPLY;
    private static final MethodHandle SOFTPLUS_ACT;
    private static final MethodHandle TEACHER_BLOCK;
    private static final MethodHandle TEACHER_NEURON;
    private static final MethodHandle PHILOX_WORDS;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = NativeLibraries.sparsefeat();
        Linker.Option critical = Linker.Option.critical(true);
        GRAM_BLOCK = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_gram_block"),
                FunctionDescriptor.of(I, I, D, I, A, A, J, J, A, A, J, J, J, I, I, A, J), critical);
        GRAM_TIMES = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_gram_times"),
                FunctionDescriptor.of(I, I, D, I, A, A, J, J, A, A, A, J, I, A), critical);
        MIRROR_LOWER = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_mirror_lower"),
                FunctionDescriptor.ofVoid(A, J, J, J), critical);
        KERNEL_APPLY = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_kernel_apply"),
                FunctionDescriptor.of(I, I, D, I, A, J, J, J, A, A, I, I), critical);
        SOFTPLUS_ACT = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_softplus_act"),
                FunctionDescriptor.ofVoid(A, J, D, D, A, A), critical);
        KERNEL_VALUE = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_kernel_value"),
                FunctionDescriptor.of(D, I, D, D, D, D, I), critical);
        TEACHER_BLOCK = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_teacher_block"),
                FunctionDescriptor.of(I, J, I, I, D, J, J, A, J, A), critical);
        TEACHER_NEURON = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_teacher_neuron_weights"),
                FunctionDescriptor.ofVoid(J, I, J, A), critical);
        PHILOX_WORDS = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_philox_words"),
                FunctionDescriptor.ofVoid(I, I, I, I, I, I, A), critical);
    }

    private NativeKernels() {}

    /** sf_gram_block: rows [i0, i1) x columns [j0, j1) of K (row-major, leading dimension ldk); same: X is Y. */
    static void gramBlock(int kernelId, double param, int d, double[] x, double[] xNorms, long i0, long i1,
                          double[] yT, double[] yNorms, long m, long j0, long j1, boolean lower, boolean same,
                          double[] k, long ldk) {
        int rc;
        rc = Native.call(() -> (int) GRAM_BLOCK.invokeExact(kernelId, param, d, MemorySegment.ofArray(x),
                MemorySegment.ofArray(xNorms), i0, i1, MemorySegment.ofArray(yT), MemorySegment.ofArray(yNorms),
                m, j0, j1, lower ? 1 : 0, same ? 1 : 0, MemorySegment.ofArray(k), ldk));
        if (rc != 0) {
            throw new IllegalArgumentException("native Gram builder does not know kernel id " + kernelId);
        }
    }

    /**
     * sf_gram_times: f[i] = sum_j k(x_i, y_j) c_j for rows [i0, i1) of x, written into f at the same indices,
     * without storing K; same: X is Y.
     */
    static void gramTimes(int kernelId, double param, int d, double[] x, double[] xNorms, long i0, long i1,
                          double[] yT, double[] yNorms, double[] c, long m, boolean same, double[] f) {
        int rc;
        rc = Native.call(() -> (int) GRAM_TIMES.invokeExact(kernelId, param, d, MemorySegment.ofArray(x),
                MemorySegment.ofArray(xNorms), i0, i1, MemorySegment.ofArray(yT), MemorySegment.ofArray(yNorms),
                MemorySegment.ofArray(c), m, same ? 1 : 0, MemorySegment.ofArray(f)));
        if (rc != 0) {
            throw new IllegalArgumentException("native Gram builder does not know kernel id " + kernelId);
        }
    }

    /** As {@link #gramBlock} into native memory (a tile): the threads' writes are its first touch. */
    static void gramBlock(int kernelId, double param, int d, double[] x, double[] xNorms, long i0, long i1,
                          double[] yT, double[] yNorms, long m, long j0, long j1, boolean lower, boolean same,
                          MemorySegment k, long ldk) {
        int rc;
        rc = Native.call(() -> (int) GRAM_BLOCK.invokeExact(kernelId, param, d, MemorySegment.ofArray(x),
                MemorySegment.ofArray(xNorms), i0, i1, MemorySegment.ofArray(yT), MemorySegment.ofArray(yNorms),
                m, j0, j1, lower ? 1 : 0, same ? 1 : 0, k, ldk));
        if (rc != 0) {
            throw new IllegalArgumentException("native Gram builder does not know kernel id " + kernelId);
        }
    }

    /** sf_mirror_lower: rows [i0, i1) of the upper triangle of the n x n matrix {@code a} from its lower triangle. */
    static void mirrorLower(MemorySegment a, long n, long i0, long i1) {
        Native.run(() -> { MIRROR_LOWER.invokeExact(a, n, i0, i1); });
    }

    /** sf_kernel_apply: rows [i0, i1) of the dot products in g (m columns) become kernel values in place. */
    static void kernelApply(int kernelId, double param, int d, double[] g, long i0, long i1, long m, double[] xNorms,
                            double[] yNorms, boolean lower, boolean same) {
        int rc;
        rc = Native.call(() -> (int) KERNEL_APPLY.invokeExact(kernelId, param, d, MemorySegment.ofArray(g), i0, i1, m,
                MemorySegment.ofArray(xNorms), MemorySegment.ofArray(yNorms), lower ? 1 : 0, same ? 1 : 0));
        if (rc != 0) {
            throw new IllegalArgumentException("native Gram builder does not know kernel id " + kernelId);
        }
    }

    /** a = c softplus(beta z) / beta and da = c sigmoid(beta z), elementwise (native/include/sf_act.h). */
    public static void softplusAct(double[] z, double beta, double c, double[] a, double[] da) {
        softplusAct(z, 0, z.length, beta, c, a, da);
    }

    /** As above on entries [from, to) of each array ({@code a} may be {@code z}). */
    static void softplusAct(double[] z, int from, int to, double beta, double c, double[] a, double[] da) {
        long off = from * 8L, bytes = (to - from) * 8L;
        Native.run(() -> { SOFTPLUS_ACT.invokeExact(MemorySegment.ofArray(z).asSlice(off, bytes), (long) (to - from),
                beta, c, MemorySegment.ofArray(a).asSlice(off, bytes), MemorySegment.ofArray(da).asSlice(off, bytes)); });
    }

    /** One kernel value from t = x.y and the norms, through the same code as the Gram tiles. */
    public static double kernelValue(int kernelId, double t, double nx, double ny, double param, int d) {
        return Native.call(() -> (double) KERNEL_VALUE.invokeExact(kernelId, t, nx, ny, param, d));
    }

    /** sf_teacher_block: out[i] = sum over neurons [j0, j1) of s_j act(theta_j . x_i)^power. */
    static void teacherBlock(long seed, int d, int act, double power, long j0, long j1, double[] x, long m,
                             double[] out) {
        int rc;
        rc = Native.call(() -> (int) TEACHER_BLOCK.invokeExact(seed, d, act, power, j0, j1, MemorySegment.ofArray(x), m,
                MemorySegment.ofArray(out)));
        if (rc != 0) {
            throw new OutOfMemoryError("native teacher block of " + (j1 - j0) + " neurons could not allocate");
        }
    }

    /** theta_j (d values) then s_j, as the native teacher draws them. */
    public static double[] teacherNeuron(long seed, int d, long j) {
        double[] out = new double[d + 1];
        Native.run(() -> { TEACHER_NEURON.invokeExact(seed, d, j, MemorySegment.ofArray(out)); });
        return out;
    }

    /** The native Philox4x32-10 words, to check them against the Java generator. */
    public static int[] philoxWords(int c0, int c1, int c2, int c3, int k0, int k1) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(I, 4);
            Native.run(() -> { PHILOX_WORDS.invokeExact(c0, c1, c2, c3, k0, k1, out); });
            return out.toArray(I);
        }
    }

}
