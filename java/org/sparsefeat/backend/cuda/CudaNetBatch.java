package org.sparsefeat.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;

/**
 * Nets trained on the GPU (cuda/gd.cu): data and weights stay on the device; a step is four launches per net and
 * the loss (one double) comes back after each, for the stopping rules. Results agree with the CPU backend's to
 * rounding, not bit for bit (other summation orders). NOT YET RUN ON A GPU; CudaBackend uses it only when
 * SPARSEFEAT_CUDA_GD=1, until the device check has compared it with the CPU.
 */
final class CudaNetBatch implements NetBatch {
    static final int CHUNK = 256;   // SF_GD_CHUNK
    /** The input dimensions the kernels are compiled for (SF_GD_DIMENSIONS in cuda/gd.cu). */
    static final java.util.Set<Integer> DIMENSIONS = java.util.Set.of(2, 3, 4, 5, 6, 8, 10, 16);
    static final int PAD = 8;

    private final CUcontext context;
    private final CUfunction neurons, partialFn, outputs, regFn, sum;
    private final List<Net> nets = new ArrayList<>();

    /** One net's device buffers and host-side state. */
    private static final class Net implements AutoCloseable {
        final NetProblem problem;
        final int n, np, d, h, chunks;
        final CudaBackend.DeviceArray xt, y, f0, f, w1, b, w2, r, partial, e2, scratch, scalar;
        long step;
        double loss;

        Net(NetProblem p) {
            problem = p;
            TwoLayerNet init = p.init();
            n = p.x().rows();
            np = (n + PAD - 1) / PAD * PAD;
            d = p.x().cols();
            h = init.h();
            chunks = (h + CHUNK - 1) / CHUNK;
            xt = upload("training points", p.x().transposePadded(np).data());
            y = upload("targets", p.y());
            f = CudaBackend.DeviceArray.allocate("outputs", np);
            f0 = p.rule().minusF0() ? CudaBackend.DeviceArray.allocate("initial outputs", np) : null;
            w1 = upload("first-layer weights", init.w1().data());
            b = init.hasBias() ? upload("biases", init.b()) : null;
            w2 = upload("second-layer weights", init.w2());
            r = CudaBackend.DeviceArray.allocate("residuals", np);
            partial = CudaBackend.DeviceArray.allocate("partial outputs (" + chunks + " x " + np + ")", (long) chunks * np);
            e2 = CudaBackend.DeviceArray.allocate("squared errors", np);
            scratch = CudaBackend.DeviceArray.allocate("regulariser terms", h);
            scalar = CudaBackend.DeviceArray.allocate("loss", 1);
        }

        static CudaBackend.DeviceArray upload(String what, double[] v) {
            CudaBackend.DeviceArray a = CudaBackend.DeviceArray.allocate(what + " (" + v.length + " float64)", v.length);
            cuMemcpyHtoD(a.ptr(), Pointer.to(v), (long) v.length * Sizeof.DOUBLE);
            return a;
        }

        @Override
        public void close() {
            for (CudaBackend.DeviceArray a : new CudaBackend.DeviceArray[] {xt, y, f0, f, w1, b, w2, r, partial, e2, scratch,
                    scalar}) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    CudaNetBatch(CUcontext context, CUfunction neurons, CUfunction partial, CUfunction outputs, CUfunction reg,
                 CUfunction sum, List<NetProblem> problems) {
        this.context = context;
        this.neurons = neurons;
        this.partialFn = partial;
        this.outputs = outputs;
        this.regFn = reg;
        this.sum = sum;
        cuCtxSetCurrent(context);
        try {
            for (NetProblem p : problems) {
                if (!DIMENSIONS.contains(p.x().cols())) {
                    throw new IllegalArgumentException("the GPU trains nets with d in " + DIMENSIONS + ", got d = "
                            + p.x().cols());
                }
                Net net = new Net(p);
                nets.add(net);
                forward(net, null);  // f at the initial weights
                if (net.f0 != null) {
                    cuMemcpyDtoD(net.f0.ptr(), net.f.ptr(), (long) net.np * Sizeof.DOUBLE);
                }
                forward(net, net.f0);
                net.loss = readLoss(net);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** f, residuals and squared errors at the current weights. */
    private void forward(Net net, CudaBackend.DeviceArray f0) {
        double scale = net.problem.init().scale().factor(net.h);
        cuLaunchKernel(partialFn, (net.np + CHUNK - 1) / CHUNK, net.chunks, 1, CHUNK, 1, 1, 0, null,
                Pointer.to(Pointer.to(new long[] {net.n}), Pointer.to(new long[] {net.np}), Pointer.to(new int[] {net.d}),
                        Pointer.to(new int[] {net.h}), Pointer.to(net.xt.ptr()), Pointer.to(net.w1.ptr()), ptr(net.b),
                        Pointer.to(net.w2.ptr()), Pointer.to(new double[] {scale}), Pointer.to(net.partial.ptr())), null);
        cuLaunchKernel(outputs, (net.np + 255) / 256, 1, 1, 256, 1, 1, 0, null,
                Pointer.to(Pointer.to(new long[] {net.n}), Pointer.to(new long[] {net.np}),
                        Pointer.to(new int[] {net.chunks}), Pointer.to(net.partial.ptr()), Pointer.to(net.y.ptr()),
                        ptr(f0), Pointer.to(new double[] {net.problem.rule().alpha()}), Pointer.to(net.f.ptr()),
                        Pointer.to(net.r.ptr()), Pointer.to(net.e2.ptr())), null);
        cuLaunchKernel(sum, 1, 1, 1, 256, 1, 1, 0, null, Pointer.to(Pointer.to(new long[] {net.np}),
                Pointer.to(net.e2.ptr()), Pointer.to(new double[] {1.0 / (2.0 * net.n)}), Pointer.to(net.scalar.ptr())), null);
    }

    private static Pointer ptr(CudaBackend.DeviceArray a) {
        return a == null ? Pointer.to(new CUdeviceptr()) : Pointer.to(a.ptr());
    }

    private static double readLoss(Net net) {
        double[] v = new double[1];
        cuMemcpyDtoH(Pointer.to(v), net.scalar.ptr(), Sizeof.DOUBLE);
        return v[0];
    }

    @Override
    public int size() { return nets.size(); }

    @Override
    public long[] advance(long[] steps, double[] stopBelow) {
        cuCtxSetCurrent(context);
        long[] done = new long[nets.size()];
        for (int k = 0; k < nets.size(); k++) {
            Net net = nets.get(k);
            GdRule rule = net.problem.rule();
            for (long t = 0; t < steps[k]; t++) {
                cuLaunchKernel(neurons, (net.h + 127) / 128, 1, 1, 128, 1, 1, 0, null, Pointer.to(
                        Pointer.to(new long[] {net.n}), Pointer.to(new long[] {net.np}), Pointer.to(new int[] {net.d}),
                        Pointer.to(new int[] {net.h}), Pointer.to(net.xt.ptr()), Pointer.to(net.r.ptr()),
                        Pointer.to(net.w1.ptr()), ptr(net.b), Pointer.to(net.w2.ptr()),
                        Pointer.to(new double[] {net.problem.init().scale().factor(net.h)}),
                        Pointer.to(new int[] {rule.reg().id()}), Pointer.to(new double[] {rule.lambda()}),
                        Pointer.to(new int[] {rule.schedule().id()}), Pointer.to(new double[] {rule.schedulePower()}),
                        Pointer.to(new long[] {net.step}), Pointer.to(new int[] {rule.sphereW1() ? 1 : 0}),
                        Pointer.to(new int[] {rule.conic() ? 1 : 0}), Pointer.to(new int[] {rule.conicFromStart() ? 1 : 0}),
                        Pointer.to(new int[] {rule.referenceQuirks() ? 1 : 0}),
                        Pointer.to(new double[] {rule.lr() * net.h})), null);
                forward(net, net.f0);
                net.step++;
                done[k]++;
                net.loss = readLoss(net);
                if (Double.isNaN(net.loss) || net.loss < rule.lossStop() || net.loss <= stopBelow[k]) {
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
        cuCtxSetCurrent(context);
        Net net = nets.get(b);
        GdRule rule = net.problem.rule();
        cuLaunchKernel(regFn, (net.h + 127) / 128, 1, 1, 128, 1, 1, 0, null, Pointer.to(Pointer.to(new int[] {net.d}),
                Pointer.to(new int[] {net.h}), Pointer.to(new long[] {net.n}), Pointer.to(net.w1.ptr()), ptr(net.b),
                Pointer.to(net.w2.ptr()), Pointer.to(new int[] {rule.reg().id()}), Pointer.to(new double[] {rule.lambda()}),
                Pointer.to(new int[] {rule.schedule().id()}), Pointer.to(new double[] {rule.schedulePower()}),
                Pointer.to(new long[] {net.step}), Pointer.to(new int[] {rule.sphereW1() ? 1 : 0}),
                Pointer.to(new int[] {rule.referenceQuirks() ? 1 : 0}), Pointer.to(net.scratch.ptr())), null);
        cuLaunchKernel(sum, 1, 1, 1, 256, 1, 1, 0, null, Pointer.to(Pointer.to(new long[] {net.h}),
                Pointer.to(net.scratch.ptr()), Pointer.to(new double[] {1.0}), Pointer.to(net.scalar.ptr())), null);
        return readLoss(net);  // the scalar buffer now holds R(w); the loss itself is kept on the host
    }

    @Override
    public TwoLayerNet weights(int b) {
        cuCtxSetCurrent(context);
        Net net = nets.get(b);
        double[] w1 = new double[net.h * net.d], w2 = new double[net.h];
        cuMemcpyDtoH(Pointer.to(w1), net.w1.ptr(), (long) w1.length * Sizeof.DOUBLE);
        cuMemcpyDtoH(Pointer.to(w2), net.w2.ptr(), (long) w2.length * Sizeof.DOUBLE);
        double[] bias = null;
        if (net.b != null) {
            bias = new double[net.h];
            cuMemcpyDtoH(Pointer.to(bias), net.b.ptr(), (long) bias.length * Sizeof.DOUBLE);
        }
        return new TwoLayerNet(new Matrix(net.h, net.d, w1), bias, w2, net.problem.init().scale());
    }

    @Override
    public void close() {
        for (Net n : nets) {
            n.close();
        }
        nets.clear();
    }
}
