package org.sparsefeat.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.ffm.Native;
import org.sparsefeat.ffm.NativeLibraries;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.TwoLayerNet;

/**
 * One net's gradient-descent state in native memory: the sf_gd_net struct of native/include/sf_net.h (written at
 * the offsets libsparsefeat reports: {@link GdNetField}) and the arrays it points to. Not thread-safe by itself: CpuNetBatch decides who
 * calls what.
 */
final class NativeNet implements AutoCloseable {
    static final int BLOCK = NativeLayout.constant("SF_GD_BLOCK");
    static final int PAD = NativeLayout.constant("SF_GD_PAD");

    private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final MethodHandle BEGIN, BLOCKS, END, STEPS, REGULARIZER, FORWARD, SELECT_ISA, HALF_MSE;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = NativeLibraries.sparsefeat();
        ValueLayout a = ValueLayout.ADDRESS;
        BEGIN = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_gd_begin"), FunctionDescriptor.ofVoid(a));
        BLOCKS = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_gd_blocks"), FunctionDescriptor.ofVoid(a, J, J));
        END = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_gd_end"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, a));
        STEPS = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_gd_steps"), FunctionDescriptor.of(J, a, J));
        REGULARIZER = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_gd_regularizer"), FunctionDescriptor.of(D, a));
        HALF_MSE = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_half_mse"), FunctionDescriptor.of(D, a));
        SELECT_ISA = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_select_isa"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        FORWARD = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_net_forward"),
                FunctionDescriptor.ofVoid(a, a, a, J, J, D, a, J, a, a));
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment s;
    private final int n, np, d, h, blocks;
    private final boolean bias;
    private final MemorySegment w1, b, w2, f;

    NativeNet(Matrix x, double[] y, TwoLayerNet init, GdRule rule) {
        n = x.rows();
        np = padded(n);
        d = x.cols();
        h = init.h();
        blocks = blocksOf(h);
        bias = init.hasBias();
        s = arena.allocate(GdNetField.BYTES, 8);  // zeroed: the GPU-only fields stay 0
        MemorySegment xt = pointsTransposed(arena, x);
        w1 = copy(arena, init.w1().data());
        b = bias ? copy(arena, init.b()) : MemorySegment.NULL;
        w2 = copy(arena, init.w2());
        f = arena.allocate(8L * np, 64);
        MemorySegment partial = arena.allocate(8L * np * blocks, 64);
        forward(w1, b, w2, h, d, init.scale().factor(h), xt, n, f, partial);
        MemorySegment f0 = MemorySegment.NULL;
        if (rule.minusF0()) {
            f0 = arena.allocate(8L * np, 64);
            f0.copyFrom(f);
        }
        setLong(GdNetField.N, n);
        setLong(GdNetField.NP, np);
        setLong(GdNetField.D, d);
        setLong(GdNetField.H, h);
        setAddress(GdNetField.XT, xt);
        setAddress(GdNetField.Y, copy(arena, y));
        setAddress(GdNetField.F0, f0);
        setAddress(GdNetField.F, f);
        setAddress(GdNetField.W1, w1);
        setAddress(GdNetField.B, b);
        setAddress(GdNetField.W2, w2);
        setAddress(GdNetField.R, arena.allocate(8L * np, 64));
        setAddress(GdNetField.PARTIAL, partial);
        setDouble(GdNetField.ALPHA, rule.alpha());
        setDouble(GdNetField.SCALE, init.scale().factor(h));
        setDouble(GdNetField.LR, rule.lr());
        setDouble(GdNetField.LAMBDA, rule.lambda());
        setDouble(GdNetField.LAMBDA_POWER, rule.schedulePower());
        setDouble(GdNetField.LOSS_STOP, rule.lossStop());
        setDouble(GdNetField.STOP_BELOW, Double.NEGATIVE_INFINITY);
        setLong(GdNetField.REG, rule.reg().id());
        setLong(GdNetField.SCHEDULE, rule.schedule().id());
        setLong(GdNetField.SPHERE, rule.sphereW1() ? 1 : 0);
        setLong(GdNetField.CONIC, rule.conic() ? 1 : 0);
        setLong(GdNetField.CONIC_FROM_START, rule.conicFromStart() ? 1 : 0);
        setLong(GdNetField.QUIRKS, rule.referenceQuirks() ? 1 : 0);
        setLong(GdNetField.STEP, 0);
        setDouble(GdNetField.LOSS, halfMse());  // sf_gd_end computes it after every step; before the first, here
    }

    /**
     * The instruction set of the native GD loops: 4 (AVX-512 where the CPU has it), 3 (AVX2), 1 (baseline
     * x86-64), 0 (the default: AVX-512 unless SPARSEFEAT_ISA=v3 or generic). Returns the one in use.
     */
    static int selectIsa(int want) {
        return Native.call(() -> (int) SELECT_ISA.invokeExact(want));
    }

    int blocks() { return blocks; }

    long step() { return s.get(J, GdNetField.STEP.offset); }

    double loss() { return s.get(D, GdNetField.LOSS.offset); }

    void stopBelow(double v) { setDouble(GdNetField.STOP_BELOW, v); }

    void begin() { invoke(BEGIN, s); }

    void runBlocks(long b0, long b1) {
        Native.run(() -> { BLOCKS.invokeExact(s, b0, b1); });
    }

    /** Returns true when the loss became NaN. */
    boolean end() {
        return Native.call(() -> (int) END.invokeExact(s) != 0);
    }

    long steps(long k) {
        return Native.call(() -> (long) STEPS.invokeExact(s, k));
    }

    double regularizer() {
        return Native.call(() -> (double) REGULARIZER.invokeExact(s));
    }

    TwoLayerNet weights(org.sparsefeat.net.Scale scale) {
        return new TwoLayerNet(new Matrix(h, d, w1.toArray(D)), bias ? b.toArray(D) : null, w2.toArray(D), scale);
    }

    /**
     * Back to a saved state: the weights, the step, the loss as it was (not recomputed here: the native loss
     * may group its sum differently); f by the forward pass that has a step's order.
     */
    void restore(TwoLayerNet w, long step, double loss) {
        if (w.h() != h || w.d() != d || w.hasBias() != bias) {
            throw new IllegalArgumentException("restore: a saved net of h = " + w.h() + ", d = " + w.d()
                    + " does not fit this net (h = " + h + ", d = " + d + ")");
        }
        MemorySegment.copy(w.w1().data(), 0, w1, D, 0, h * d);
        if (bias) {
            MemorySegment.copy(w.b(), 0, b, D, 0, h);
        }
        MemorySegment.copy(w.w2(), 0, w2, D, 0, h);
        MemorySegment xt = s.get(ValueLayout.ADDRESS, GdNetField.XT.offset).reinterpret(8L * np * d);
        MemorySegment partial = s.get(ValueLayout.ADDRESS, GdNetField.PARTIAL.offset).reinterpret(8L * np * blocks);
        forward(w1, b, w2, h, d, s.get(D, GdNetField.SCALE.offset), xt, n, f, partial);
        setLong(GdNetField.STEP, step);
        setDouble(GdNetField.LOSS, loss);
    }

    private double halfMse() {
        return Native.call(() -> (double) HALF_MSE.invokeExact(s));
    }

    /** f at every row of x for the given weights (native forward, one thread). */
    static double[] outputs(TwoLayerNet net, Matrix x) {
        try (Arena a = Arena.ofConfined()) {
            int n = x.rows(), np = padded(n);
            MemorySegment out = a.allocate(8L * np, 64);
            forward(copy(a, net.w1().data()), net.hasBias() ? copy(a, net.b()) : MemorySegment.NULL, copy(a, net.w2()),
                    net.h(), net.d(), net.scale().factor(net.h()), pointsTransposed(a, x), n, out,
                    a.allocate(8L * np * blocksOf(net.h()), 64));
            return out.asSlice(0, 8L * n).toArray(D);
        }
    }

    private static void forward(MemorySegment w1, MemorySegment b, MemorySegment w2, long h, long d, double scale,
                                MemorySegment xt, long n, MemorySegment out, MemorySegment partial) {
        Native.run(() -> { FORWARD.invokeExact(w1, b, w2, h, d, scale, xt, n, out, partial); });
    }

    /** d x np, zero-padded: the layout the native loops read a vector of points at a time. */
    private static MemorySegment pointsTransposed(Arena a, Matrix x) {
        return copy(a, x.transposePadded(padded(x.rows())).data());
    }

    private static MemorySegment copy(Arena a, double[] v) {
        MemorySegment m = a.allocate(8L * Math.max(1, v.length), 64);
        MemorySegment.copy(v, 0, m, D, 0, v.length);
        return m;
    }

    static int padded(int n) { return (n + PAD - 1) / PAD * PAD; }

    static int blocksOf(int h) { return (h + BLOCK - 1) / BLOCK; }

    private void setLong(GdNetField field, long v) { s.set(J, field.offset, v); }

    private void setDouble(GdNetField field, double v) { s.set(D, field.offset, v); }

    private void setAddress(GdNetField field, MemorySegment v) { s.set(ValueLayout.ADDRESS, field.offset, v); }

    private static void invoke(MethodHandle mh, MemorySegment s) {
        Native.run(() -> { mh.invokeExact(s); });
    }


    @Override
    public void close() { arena.close(); }
}
