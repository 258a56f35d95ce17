package org.sparsefeat.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sparsefeat.backend.cpu.GdNetField;
import org.sparsefeat.backend.cpu.NativeLayout;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;

/**
 * Nets trained on the GPU (cuda/gd.cu): data and weights stay on the device; a step of the whole batch is three
 * launches (per input dimension present), prepared once, and the device itself counts steps and applies the
 * stopping rules, so the host enqueues {@link #SYNC_EVERY} steps at once (a CUDA graph) and then reads the batch's
 * state (a few hundred bytes per net). Results agree
 * with the CPU backend's to rounding, not bit for bit (other summation orders). NOT YET RUN ON A GPU (the tests
 * run it on the emulator of cuda/emu).
 */
final class CudaNetBatch implements NetBatch {
    // the launch geometry of cuda/gd.cu, as libsparsefeat reports it (native/include/sf_launch.h)
    static final int CHUNK = NativeLayout.constant("SF_GD_CHUNK");
    static final int FINISH_THREADS = NativeLayout.constant("SF_GD_FINISH");
    static final int NEURONS = NativeLayout.constant("SF_GD_NEURONS"), SLICES = NativeLayout.constant("SF_GD_SLICES");
    static final int REG_THREADS = NativeLayout.constant("SF_GD_REG_THREADS");
    static final int SUM_THREADS = NativeLayout.constant("SF_GD_SUM_THREADS");
    static final int PAD = NativeLayout.constant("SF_GD_PAD");
    /** The input dimensions the kernels are compiled for (SF_GD_DIMENSIONS in sf_launch.h). */
    static final Set<Integer> DIMENSIONS = dimensions(NativeLayout.value("SF_GD_DIMENSION_MASK"));
    /** Steps launched between two reads of the batch's state. */
    static final int SYNC_EVERY = 128;
    /** A system property: true enqueues the steps as plain launches, never a CUDA graph (the device check times both). */
    static final String PLAIN_LAUNCHES = "sparsefeat.cuda.plainLaunches";
    /** A system property: which kernels make a step, v1 or v2 (the default); see {@link StepKernels}. */
    static final String GD_KERNELS = "sparsefeat.cuda.gdKernels";

    /**
     * The two sets of step kernels of cuda/gd.cu. v1: one point per thread in the forward kernel, one neuron per
     * thread group in the neuron kernel; the simple version, kept as the oracle and the fallback. v2: register-blocked
     * (2 points, 2 neurons per thread; 128-thread blocks). Both do the same arithmetic in the same orders, so they
     * give the same bits; both cover 32 neurons per neuron block and CHUNK points per forward block, so the grids are
     * the same and only the blocks differ.
     */
    enum StepKernels {
        V1("sf_gd_neurons_d", "sf_gd_partial_d", new Device.Dim(NEURONS, SLICES, 1), new Device.Dim(CHUNK, 1, 1)),
        // lanes x slices threads (x SF_GD2_PER_THREAD neurons each), SF_GD2_THREADS (x SF_GD2_POINTS points each)
        V2("sf_gd_neurons2_d", "sf_gd_partial2_d", new Device.Dim(NativeLayout.constant("SF_GD2_LANES"),
                NativeLayout.constant("SF_GD2_SLICES"), 1), new Device.Dim(NativeLayout.constant("SF_GD2_THREADS"), 1, 1));

        final String neuronsPrefix, partialPrefix;
        final Device.Dim neuronBlock, partialBlock;

        StepKernels(String neuronsPrefix, String partialPrefix, Device.Dim neuronBlock, Device.Dim partialBlock) {
            this.neuronsPrefix = neuronsPrefix;
            this.partialPrefix = partialPrefix;
            this.neuronBlock = neuronBlock;
            this.partialBlock = partialBlock;
        }

        /** The set that -Dsparsefeat.cuda.gdKernels names (v1 or v2; v2 when unset). */
        static StepKernels fromProperty() {
            String v = System.getProperty(GD_KERNELS, "v2").trim();
            return switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "v1" -> V1;
                case "v2" -> V2;
                default -> throw new org.sparsefeat.util.InvalidInputException("-D" + GD_KERNELS + " must be v1 or v2, got '" + v + "'");
            };
        }

        @Override
        public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** struct sf_gd_net (native/include/sf_net.h) as 8-byte words: the host writes net b's at b * WORDS. */
    private static final int WORDS = GdNetField.WORDS;
    /** The size of struct sf_gd_net as the host lays it out. */
    static final int DESCRIPTOR_BYTES = Math.toIntExact(GdNetField.BYTES);

    private static Set<Integer> dimensions(long mask) {
        java.util.SortedSet<Integer> ds = new java.util.TreeSet<>();
        for (int d = 0; d < Long.SIZE; d++) {
            if ((mask >>> d & 1) != 0) {
                ds.add(d);
            }
        }
        return java.util.Collections.unmodifiableSortedSet(ds);
    }

    /**
     * The kernels of cuda/gd.cu: the per-neuron and forward kernels of each set ({@link StepKernels}) for each input
     * dimension, keyed "set/d".
     */
    record Kernels(java.util.Map<String, Device.Kernel> neurons, java.util.Map<String, Device.Kernel> partial,
                   Device.Kernel finish, Device.Kernel reg, Device.Kernel sum) {
        static Kernels load(Device dev) {
            java.util.Map<String, Device.Kernel> neurons = new java.util.TreeMap<>(), partial = new java.util.TreeMap<>();
            for (StepKernels set : StepKernels.values()) {
                for (int d : DIMENSIONS) {
                    neurons.put(key(set, d), dev.kernel("gd", set.neuronsPrefix + d));
                    partial.put(key(set, d), dev.kernel("gd", set.partialPrefix + d));
                }
            }
            checkLayout(dev, dev.kernel("gd", "sf_layout_values"));
            return new Kernels(neurons, partial, dev.kernel("gd", "sf_gd_finish"), dev.kernel("gd", "sf_gd_reg"),
                    dev.kernel("gd", "sf_gd_sum"));
        }

        /**
         * The layout table as the device compiler laid it out (nvcc; g++ for the emulator) against libsparsefeat's
         * (gcc), entry by entry: the host writes sf_gd_net at gcc's offsets for kernels compiled by another compiler.
         */
        static void checkLayout(Device dev, Device.Kernel values) {
            java.util.List<java.util.Map.Entry<String, Long>> host = List.copyOf(NativeLayout.table().entrySet());
            long[] device = deviceLayout(dev, values, host.size());
            for (int i = 0; i < host.size(); i++) {
                if (device[i] != host.get(i).getValue()) {
                    throw new IllegalStateException("the GPU kernels (cuda/gd.cu) and libsparsefeat disagree on "
                            + host.get(i).getKey() + ": " + device[i] + " on the device, " + host.get(i).getValue()
                            + " in the library (native/include/sf_layout.h); rebuild both from the same headers");
                }
            }
        }

        /** The values sf_layout_values writes, in the order of NativeLayout.table(). */
        static long[] deviceLayout(Device dev, Device.Kernel values, int count) {
            try (DeviceArray out = DeviceArray.allocate(dev, "the layout table", count)) {
                dev.launch(values, Device.Dim.of(1), new Device.Dim(1, 1, 1), KernelArgs.of().ptr(out));
                long[] v = new long[count];
                dev.copyToHost(v, out.address());
                return v;
            }
        }

        static String key(StepKernels set, int d) { return set + "/" + d; }
    }

    private final Device dev;
    private final Kernels k;
    private final StepKernels stepKernels = StepKernels.fromProperty();
    private final List<Net> nets = new ArrayList<>();
    /** The host's copy of every net's sf_gd_net, net b at b * WORDS. */
    private long[] state;
    private DeviceArray deviceState;
    private int maxH, maxNp, maxChunks;
    /** One step of the whole batch: the neuron and forward kernels of each d present, then sf_gd_finish. */
    private final List<Device.Launch> step = new ArrayList<>();
    /** SYNC_EVERY steps as one unit (a CUDA graph on a GPU). */
    private Device.Repeat repeated;

    /** One net's device buffers. */
    private static final class Net implements AutoCloseable {
        final NetProblem problem;
        final int n, np, d, h, chunks;
        final List<DeviceArray> owned = new ArrayList<>();
        DeviceArray xt, y, f0, f, w1, b, w2, r, partial, scratch, scalar;

        Net(Device dev, NetProblem p) {
            problem = p;
            TwoLayerNet init = p.init();
            n = p.x().rows();
            np = (n + PAD - 1) / PAD * PAD;
            d = p.x().cols();
            h = init.h();
            chunks = (h + CHUNK - 1) / CHUNK;
            try {
                xt = keep(DeviceArray.upload(dev, "training points", p.x().transposePadded(np).data()));
                y = keep(DeviceArray.upload(dev, "targets", p.y()));
                f = keep(DeviceArray.allocate(dev, "outputs", np));
                f0 = p.rule().minusF0() ? keep(DeviceArray.allocate(dev, "initial outputs", np)) : null;
                w1 = keep(DeviceArray.upload(dev, "first-layer weights", init.w1().data()));
                b = init.hasBias() ? keep(DeviceArray.upload(dev, "biases", init.b())) : null;
                w2 = keep(DeviceArray.upload(dev, "second-layer weights", init.w2()));
                r = keep(DeviceArray.allocate(dev, "residuals", np));
                partial = keep(DeviceArray.allocate(dev, "partial outputs (" + chunks + " x " + np + ")", (long) chunks * np));
                scratch = keep(DeviceArray.allocate(dev, "regulariser terms", h));
                scalar = keep(DeviceArray.allocate(dev, "a scalar", 1));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private DeviceArray keep(DeviceArray a) {
            owned.add(a);
            return a;
        }

        /** This net's sf_gd_net into state at offset o. */
        void describe(long[] state, int o) {
            GdRule rule = problem.rule();
            long[] v = new long[WORDS];
            v[GdNetField.N.word()] = n;
            v[GdNetField.NP.word()] = np;
            v[GdNetField.D.word()] = d;
            v[GdNetField.H.word()] = h;
            v[GdNetField.CHUNKS.word()] = chunks;
            v[GdNetField.XT.word()] = xt.address();
            v[GdNetField.Y.word()] = y.address();
            v[GdNetField.F0.word()] = f0 == null ? 0 : f0.address();
            v[GdNetField.F.word()] = f.address();
            v[GdNetField.R.word()] = r.address();
            v[GdNetField.PARTIAL.word()] = partial.address();
            v[GdNetField.W1.word()] = w1.address();
            v[GdNetField.B.word()] = b == null ? 0 : b.address();
            v[GdNetField.W2.word()] = w2.address();
            v[GdNetField.SCALE.word()] = bits(problem.init().scale().factor(h));
            v[GdNetField.ALPHA.word()] = bits(rule.alpha());
            v[GdNetField.LAMBDA.word()] = bits(rule.lambda());
            v[GdNetField.LAMBDA_POWER.word()] = bits(rule.schedulePower());
            v[GdNetField.LR.word()] = bits(rule.lr());
            v[GdNetField.LOSS_STOP.word()] = bits(rule.lossStop());
            v[GdNetField.STOP_BELOW.word()] = bits(Double.NEGATIVE_INFINITY);
            v[GdNetField.REG.word()] = rule.reg().id();
            v[GdNetField.SCHEDULE.word()] = rule.schedule().id();
            v[GdNetField.SPHERE.word()] = rule.sphereW1() ? 1 : 0;
            v[GdNetField.CONIC.word()] = rule.conic() ? 1 : 0;
            v[GdNetField.CONIC_FROM_START.word()] = rule.conicFromStart() ? 1 : 0;
            v[GdNetField.QUIRKS.word()] = rule.referenceQuirks() ? 1 : 0;
            v[GdNetField.LOSS.word()] = bits(Double.NaN);
            System.arraycopy(v, 0, state, o, WORDS);
        }

        @Override
        public void close() {
            for (DeviceArray a : owned) {
                a.close();
            }
            owned.clear();
        }
    }

    private static long bits(double v) { return Double.doubleToRawLongBits(v); }

    CudaNetBatch(Device dev, Kernels kernels, List<NetProblem> problems) {
        this.dev = dev;
        this.k = kernels;
        try {
            for (NetProblem p : problems) {
                if (!DIMENSIONS.contains(p.x().cols())) {
                    throw new IllegalArgumentException("the GPU trains nets with d in " + DIMENSIONS + ", got d = "
                            + p.x().cols());
                }
                nets.add(new Net(dev, p));
            }
            state = new long[Math.max(1, nets.size()) * WORDS];
            for (int b = 0; b < nets.size(); b++) {
                Net net = nets.get(b);
                net.describe(state, b * WORDS);
                maxH = Math.max(maxH, net.h);
                maxNp = Math.max(maxNp, net.np);
                maxChunks = Math.max(maxChunks, net.chunks);
            }
            deviceState = DeviceArray.allocate(dev, "the batch's state (" + nets.size() + " nets)", state.length);
            dev.copyToDevice(deviceState.address(), state);
            if (!nets.isEmpty()) {
                initialForward();
                java.util.SortedSet<Integer> ds = new java.util.TreeSet<>();
                nets.forEach(net -> ds.add(net.d));
                for (int d : ds) {
                    step.add(dev.prepare(k.neurons().get(Kernels.key(stepKernels, d)), Device.Dim.of(
                            Device.Dim.cover(maxH, NEURONS), nets.size()), stepKernels.neuronBlock,
                            KernelArgs.of().ptr(deviceState)));
                }
                for (int d : ds) {
                    step.add(partialLaunch(d, false));
                }
                step.add(finishLaunch(false, true, true));
                repeated = Boolean.getBoolean(PLAIN_LAUNCHES) ? Device.plainRepeat(step, SYNC_EVERY, "launches (-D"
                        + PLAIN_LAUNCHES + ")") : dev.repeat(step, SYNC_EVERY);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** f at the initial weights, kept as f0 where the rule subtracts it, then the initial loss. */
    private void initialForward() {
        nets.stream().map(net -> net.d).distinct().forEach(d -> partialLaunch(d, true).run());
        finishLaunch(true, false, false).run();
        for (Net net : nets) {
            if (net.f0 != null) {
                dev.copyOnDevice(net.f0.address(), net.f.address(), (long) net.np * DeviceArray.BYTES);
            }
        }
        finishLaunch(true, true, false).run();
        dev.copyToHost(state, deviceState.address());
    }

    private Device.Launch partialLaunch(int d, boolean all) {
        return dev.prepare(k.partial().get(Kernels.key(stepKernels, d)), Device.Dim.of(Device.Dim.cover(maxNp, CHUNK),
                maxChunks, nets.size()), stepKernels.partialBlock, KernelArgs.of().ptr(deviceState).i32(all));
    }

    private Device.Launch finishLaunch(boolean all, boolean useF0, boolean advance) {
        return dev.prepare(k.finish(), Device.Dim.of(nets.size()), new Device.Dim(FINISH_THREADS, 1, 1),
                KernelArgs.of().ptr(deviceState).i32(all).i32(useF0).i32(advance));
    }

    private long get(int b, GdNetField f) { return state[b * WORDS + f.word()]; }

    private void set(int b, GdNetField f, long v) { state[b * WORDS + f.word()] = v; }

    @Override
    public int size() { return nets.size(); }

    @Override
    public long[] advance(long[] steps, double[] stopBelow) {
        if (steps.length != nets.size() || stopBelow.length != nets.size()) {
            throw new IllegalArgumentException("advance: " + steps.length + " step counts and " + stopBelow.length
                    + " floors for " + nets.size() + " nets");
        }
        long[] before = new long[nets.size()];
        for (int b = 0; b < nets.size(); b++) {
            before[b] = get(b, GdNetField.STEP);
            set(b, GdNetField.LIMIT, before[b] + Math.max(0, steps[b]));
            set(b, GdNetField.STOP_BELOW, bits(stopBelow[b]));
            set(b, GdNetField.STOPPED, 0);
        }
        dev.copyToDevice(deviceState.address(), state);
        for (long left = remaining(); left > 0; ) {
            long[] stepsBefore = steps();
            if (left >= SYNC_EVERY) {
                repeated.run();
            } else {
                for (long t = left; t > 0; t--) {
                    step.forEach(Device.Launch::run);
                }
            }
            dev.copyToHost(state, deviceState.address());
            left = remaining();
            if (left > 0 && java.util.Arrays.equals(stepsBefore, steps())) {
                // the kernels ran (or claimed to) and no net moved: looping on would spin until someone kills us
                throw new IllegalStateException("GPU gradient descent made no progress: no net's step counter advanced"
                        + " after " + Math.min(left, SYNC_EVERY) + " steps were enqueued (steps " + java.util.Arrays.toString(
                        stepsBefore) + "); the kernels did not run or did not write the batch's state");
            }
        }
        long[] done = new long[nets.size()];
        for (int b = 0; b < nets.size(); b++) {
            done[b] = get(b, GdNetField.STEP) - before[b];
        }
        return done;
    }

    /** Every net's step counter, as last read from the device. */
    private long[] steps() {
        long[] s = new long[nets.size()];
        for (int b = 0; b < s.length; b++) {
            s[b] = get(b, GdNetField.STEP);
        }
        return s;
    }

    /** The most steps a net of the batch still has to make. */
    private long remaining() {
        long most = 0;
        for (int b = 0; b < nets.size(); b++) {
            if (get(b, GdNetField.STOPPED) == 0) {
                most = Math.max(most, get(b, GdNetField.LIMIT) - get(b, GdNetField.STEP));
            }
        }
        return most;
    }

    @Override
    public long step(int b) { return get(b, GdNetField.STEP); }

    @Override
    public double trainHalfMse(int b) { return Double.longBitsToDouble(get(b, GdNetField.LOSS)); }

    @Override
    public double regularizer(int b) {
        Net net = nets.get(b);
        // the rule at the net's step, from its sf_gd_net on the device (as the step kernels read it)
        dev.launch(k.reg(), Device.Dim.of(Device.Dim.cover(net.h, REG_THREADS)), new Device.Dim(REG_THREADS, 1, 1),
                KernelArgs.of().ptr(deviceState).i32(b).ptr(net.scratch));
        dev.launch(k.sum(), Device.Dim.of(1), new Device.Dim(SUM_THREADS, 1, 1),
                KernelArgs.of().i64(net.h).ptr(net.scratch).f64(1.0).ptr(net.scalar));
        return net.scalar.download()[0];
    }

    @Override
    public TwoLayerNet weights(int b) {
        Net net = nets.get(b);
        double[] bias = net.b == null ? null : net.b.download();
        return new TwoLayerNet(new Matrix(net.h, net.d, net.w1.download()), bias, net.w2.download(),
                net.problem.init().scale());
    }

    @Override
    public void restore(List<TwoLayerNet> weights, long[] steps, double[] trainHalfMse) {
        if (weights.size() != nets.size() || steps.length != nets.size() || trainHalfMse.length != nets.size()) {
            throw new IllegalArgumentException("restore: expected the state of " + nets.size() + " nets");
        }
        for (int b = 0; b < nets.size(); b++) {
            Net net = nets.get(b);
            TwoLayerNet w = weights.get(b);
            if (w.h() != net.h || w.d() != net.d || w.hasBias() != (net.b != null)) {
                throw new IllegalArgumentException("restore: a saved net of h = " + w.h() + ", d = " + w.d()
                        + " does not fit net " + b + " (h = " + net.h + ", d = " + net.d + ")");
            }
            dev.copyToDevice(net.w1.address(), w.w1().data(), 0, net.h * net.d);
            if (net.b != null) {
                dev.copyToDevice(net.b.address(), w.b(), 0, net.h);
            }
            dev.copyToDevice(net.w2.address(), w.w2(), 0, net.h);
            set(b, GdNetField.STEP, steps[b]);
        }
        dev.copyToDevice(deviceState.address(), state);
        // f, the residuals and the loss by the kernels a step ends with (the same sums, so the same bits)
        nets.stream().map(net -> net.d).distinct().forEach(d -> partialLaunch(d, true).run());
        finishLaunch(true, true, false).run();
        dev.copyToHost(state, deviceState.address());
        for (int b = 0; b < nets.size(); b++) {
            set(b, GdNetField.LOSS, bits(trainHalfMse[b]));
        }
    }

    /** The batch, how its steps are enqueued (a CUDA graph or launches) and by which kernels, for the device check. */
    @Override
    public String toString() {
        return "CudaNetBatch[" + nets.size() + " nets, steps " + SYNC_EVERY + " at a time by "
                + (repeated == null ? "launches" : repeated.how()) + ", kernels " + stepKernels + "]";
    }

    @Override
    public void close() {
        if (repeated != null) {
            repeated.close();
            repeated = null;
        }
        for (Net n : nets) {
            n.close();
        }
        nets.clear();
        if (deviceState != null) {
            deviceState.close();
            deviceState = null;
        }
    }
}
