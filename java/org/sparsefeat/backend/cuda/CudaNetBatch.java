package org.sparsefeat.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;

/**
 * Nets trained on the GPU (cuda/gd.cu): data and weights stay on the device; a step is four launches per net and
 * the loss (one double) comes back after each, for the stopping rules. Results agree with the CPU backend's to
 * rounding, not bit for bit (other summation orders). NOT YET RUN ON A GPU (the tests run it on the emulator).
 */
final class CudaNetBatch implements NetBatch {
    static final int CHUNK = 256;   // SF_GD_CHUNK
    /** The input dimensions the kernels are compiled for (SF_GD_DIMENSIONS in cuda/gd.cu). */
    static final java.util.Set<Integer> DIMENSIONS = java.util.Set.of(2, 3, 4, 5, 6, 8, 10, 16);
    static final int PAD = 8;

    private final Device dev;
    private final CudaBackend.GdKernels k;
    private final List<Net> nets = new ArrayList<>();

    /** One net's device buffers and host-side state. */
    private static final class Net implements AutoCloseable {
        final NetProblem problem;
        final int n, np, d, h, chunks;
        final DeviceArray xt, y, f0, f, w1, b, w2, r, partial, e2, scratch, scalar;
        long step;
        double loss;

        Net(Device dev, NetProblem p) {
            problem = p;
            TwoLayerNet init = p.init();
            n = p.x().rows();
            np = (n + PAD - 1) / PAD * PAD;
            d = p.x().cols();
            h = init.h();
            chunks = (h + CHUNK - 1) / CHUNK;
            xt = DeviceArray.upload(dev, "training points", p.x().transposePadded(np).data());
            y = DeviceArray.upload(dev, "targets", p.y());
            f = DeviceArray.allocate(dev, "outputs", np);
            f0 = p.rule().minusF0() ? DeviceArray.allocate(dev, "initial outputs", np) : null;
            w1 = DeviceArray.upload(dev, "first-layer weights", init.w1().data());
            b = init.hasBias() ? DeviceArray.upload(dev, "biases", init.b()) : null;
            w2 = DeviceArray.upload(dev, "second-layer weights", init.w2());
            r = DeviceArray.allocate(dev, "residuals", np);
            partial = DeviceArray.allocate(dev, "partial outputs (" + chunks + " x " + np + ")", (long) chunks * np);
            e2 = DeviceArray.allocate(dev, "squared errors", np);
            scratch = DeviceArray.allocate(dev, "regulariser terms", h);
            scalar = DeviceArray.allocate(dev, "loss", 1);
        }

        @Override
        public void close() {
            for (DeviceArray a : new DeviceArray[] {xt, y, f0, f, w1, b, w2, r, partial, e2, scratch,
                    scalar}) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    CudaNetBatch(Device dev, CudaBackend.GdKernels kernels, List<NetProblem> problems) {
        this.dev = dev;
        this.k = kernels;
        try {
            for (NetProblem p : problems) {
                if (!DIMENSIONS.contains(p.x().cols())) {
                    throw new IllegalArgumentException("the GPU trains nets with d in " + DIMENSIONS + ", got d = "
                            + p.x().cols());
                }
                Net net = new Net(dev, p);
                nets.add(net);
                forward(net, null);  // f at the initial weights
                if (net.f0 != null) {
                    dev.copyOnDevice(net.f0.address(), net.f.address(), (long) net.np * DeviceArray.BYTES);
                }
                forward(net, net.f0);
                net.loss = readScalar(net);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** f, residuals and squared errors at the current weights. */
    private void forward(Net net, DeviceArray f0) {
        double scale = net.problem.init().scale().factor(net.h);
        dev.launch(k.partial(), Device.Dim.of(Device.Dim.cover(net.np, CHUNK), net.chunks), new Device.Dim(CHUNK, 1, 1),
                KernelArgs.of().i64(net.n).i64(net.np).i32(net.d).i32(net.h).ptr(net.xt).ptr(net.w1).ptr(net.b)
                        .ptr(net.w2).f64(scale).ptr(net.partial));
        dev.launch(k.outputs(), Device.Dim.of(Device.Dim.cover(net.np, 256)), new Device.Dim(256, 1, 1),
                KernelArgs.of().i64(net.n).i64(net.np).i32(net.chunks).ptr(net.partial).ptr(net.y).ptr(f0)
                        .f64(net.problem.rule().alpha()).ptr(net.f).ptr(net.r).ptr(net.e2));
        sum(net.np, net.e2, 1.0 / (2.0 * net.n), net.scalar);
    }

    /** result := factor * sum of v[0..count), in a fixed order. */
    private void sum(long count, DeviceArray v, double factor, DeviceArray result) {
        dev.launch(k.sum(), Device.Dim.of(1), new Device.Dim(256, 1, 1),
                KernelArgs.of().i64(count).ptr(v).f64(factor).ptr(result));
    }

    private double readScalar(Net net) {
        double[] v = new double[1];
        dev.copyToHost(v, 0, 1, net.scalar.address());
        return v[0];
    }

    @Override
    public int size() { return nets.size(); }

    @Override
    public long[] advance(long[] steps, double[] stopBelow) {
        long[] done = new long[nets.size()];
        for (int b = 0; b < nets.size(); b++) {
            Net net = nets.get(b);
            GdRule rule = net.problem.rule();
            for (long t = 0; t < steps[b]; t++) {
                dev.launch(k.neurons(), Device.Dim.of(Device.Dim.cover(net.h, 128)), new Device.Dim(128, 1, 1), KernelArgs.of()
                        .i64(net.n).i64(net.np).i32(net.d).i32(net.h).ptr(net.xt).ptr(net.r).ptr(net.w1).ptr(net.b)
                        .ptr(net.w2).f64(net.problem.init().scale().factor(net.h)).i32(rule.reg().id()).f64(rule.lambda())
                        .i32(rule.schedule().id()).f64(rule.schedulePower()).i64(net.step).i32(rule.sphereW1())
                        .i32(rule.conic()).i32(rule.conicFromStart()).i32(rule.referenceQuirks()).f64(rule.lr() * net.h));
                forward(net, net.f0);
                net.step++;
                done[b]++;
                net.loss = readScalar(net);
                if (Double.isNaN(net.loss) || net.loss < rule.lossStop() || net.loss <= stopBelow[b]) {
                    break;
                }
            }
        }
        return done;
    }

    @Override
    public long step(int b) { return nets.get(b).step; }

    @Override
    public double trainHalfMse(int b) { return nets.get(b).loss; }

    @Override
    public double regularizer(int b) {
        Net net = nets.get(b);
        GdRule rule = net.problem.rule();
        dev.launch(k.reg(), Device.Dim.of(Device.Dim.cover(net.h, 128)), new Device.Dim(128, 1, 1), KernelArgs.of()
                .i32(net.d).i32(net.h).i64(net.n).ptr(net.w1).ptr(net.b).ptr(net.w2).i32(rule.reg().id()).f64(rule.lambda())
                .i32(rule.schedule().id()).f64(rule.schedulePower()).i64(net.step).i32(rule.sphereW1())
                .i32(rule.referenceQuirks()).ptr(net.scratch));
        sum(net.h, net.scratch, 1.0, net.scalar);
        return readScalar(net);  // the scalar buffer now holds R(w); the loss itself is kept on the host
    }

    @Override
    public TwoLayerNet weights(int b) {
        Net net = nets.get(b);
        double[] bias = net.b == null ? null : net.b.download();
        return new TwoLayerNet(new Matrix(net.h, net.d, net.w1.download()), bias, net.w2.download(),
                net.problem.init().scale());
    }

    @Override
    public void close() {
        for (Net n : nets) {
            n.close();
        }
        nets.clear();
    }
}
