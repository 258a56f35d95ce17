package org.sparsefeat.curve;

import java.util.HashMap;
import java.util.Map;
import org.sparsefeat.backend.Backend;

/**
 * How long the points of a sweep take: a model of each point's work (kernels ~ n^3, nets ~ steps n h),
 * in seconds on 2 CPU cores, scaled to the backend, then calibrated per kind of method ("krr", "net", "svm")
 * on the points that finished: once some have, the estimate of the rest of that kind is the model times
 * (seconds they took / seconds the model gave them).
 */
final class CostModel {
    /**
     * How much faster than 2 CPU cores a GPU is taken to be before any point has finished there: a guess
     * (nothing has been timed on a GPU yet) that the first finished points replace.
     */
    static final double GPU_NETS = 30, GPU_KERNELS = 5;

    private final SweepSpec spec;
    private final double cpuCores;
    private final boolean gpu;
    /** Per kind: {seconds taken, model seconds} of the finished points. */
    private final Map<String, double[]> finished = new HashMap<>();

    CostModel(SweepSpec spec, Backend backend) {
        this.spec = spec;
        this.cpuCores = Math.max(1, backend.threads());
        this.gpu = backend.name().equals("cuda");
    }

    String kind(SweepPoint p) { return spec.methods().get(p.method()).kind(); }

    /**
     * The model's seconds for a point on this backend, before calibration: about 1.3 ns per neuron, point and
     * step for nets at d = 3 on 2 cores; a Cholesky, Gram entries and a fixed overhead for kernels.
     */
    double model(SweepPoint p) {
        MethodSpec m = spec.methods().get(p.method());
        double twoCores;
        if (m instanceof MethodSpec.ImageNet net) {  // a few thousand flow steps of 3 GEMMs
            twoCores = 2000 * 3 * 2.0 * p.n() * net.h() * 800 / 50e9;
        } else if (m instanceof MethodSpec.Net net) {
            twoCores = 1.3e-9 * net.maxSteps() * net.h() * Math.max(p.n(), 8) * (p.d() + 3) / 6.0;
        } else {
            twoCores = (Math.pow(p.n(), 3) / 3 + 30.0 * p.n() * (p.n() + spec.nTest())) / 50e9 + 0.03;
        }
        double speedup = gpu ? (m instanceof MethodSpec.Net ? GPU_NETS : GPU_KERNELS) : cpuCores / 2;
        return twoCores / speedup;
    }

    /** A finished point (or points of one kind): the model's seconds for them and the seconds they took. */
    void finished(String kind, double modelSeconds, double seconds) {
        if (modelSeconds > 0 && seconds >= 0 && Double.isFinite(seconds)) {
            double[] f = finished.computeIfAbsent(kind, k -> new double[2]);
            f[0] += seconds;
            f[1] += modelSeconds;
        }
    }

    boolean calibrated(String kind) { return finished.containsKey(kind); }

    /**
     * Seconds per model second for a kind, counting also {@code seconds} spent on {@code modelSeconds} of
     * work in flight (a batch of nets half done).
     */
    double rate(String kind, double modelSeconds, double seconds) {
        double[] f = finished.getOrDefault(kind, new double[2]);
        double s = f[0] + seconds, m = f[1] + modelSeconds;
        return m > 0 && s > 0 ? s / m : 1;
    }
}
