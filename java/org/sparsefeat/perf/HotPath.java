package org.sparsefeat.perf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.IntFunction;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.classify.SoftplusNet;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.krr.KernelRidge;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.tiled.MemoryTiles;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TileSource;
import org.sparsefeat.linalg.tiled.TiledCholesky;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.util.PhaseTimer;

/**
 * A hot path of the engine and how to time it at one size of its ladder: the stated work count behind its GFLOP/s,
 * the cost exponent its ladder should show, and the numpy/scipy peer that does the same operation
 * (benchmarks/bench_peers.py; null: none).
 *
 * @param name     the row's path
 * @param workModel the flop count as stated in the rows and the README
 * @param expected the cost exponent over the ladder the flop count implies
 * @param peer     bench_peers.py's PATH for the same operation, or null
 * @param cpuOnly  runs on the host whatever the backend (the tiled factorisation's host engine)
 */
record HotPath(String name, String workModel, double expected, String peer, boolean cpuOnly, int[] ladder, Work work,
               Shape shape, Opener opener) {
    /** Points on the sphere, the seeds fixed, so that every run and every peer sees the same data. */
    static final long SEED = 0;
    static final int D = 5;
    static final int IMAGE_D = 784;
    static final double RIDGE = 1e-6;

    interface Work { double at(int n); }

    interface Shape { String at(int n); }

    interface Opener { Case open(Backend backend, int n); }

    /** One size, ready to time; closing frees what it holds. */
    interface Case extends Timing.Trial, AutoCloseable {
        @Override
        default void close() {}

        /** The points the peer gets (written to an NPY file), or null. */
        default Matrix points() { return null; }

        /** bench_peers.py's extra settings at this size, key=value. */
        default List<String> peerArguments() { return List.of(); }
    }

    static Matrix points(int n, int d) {
        return Points.sample(PointDistribution.SPHERE, n, d, SEED, Philox.STREAM_TRAIN_POINTS);
    }

    static double[] targets(int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.sin(i);
        }
        return y;
    }

    static final Kernel NTK = Kernel.of(KernelType.NTK);

    /** The paths in the order a run measures them, with the suite's sizes; {@code full} adds the out of core one. */
    static List<HotPath> all(Suite s) {
        int gdN = s.gdN, flowH = s.flowH;
        return List.of(
                new HotPath("gram", "2 n^2 d flops (the inner products; the kernel function of each entry is not counted)",
                        2, "gram", false, s.gram, n -> 2.0 * n * n * D, n -> "n=" + n + " d=" + D,
                        (b, n) -> gram(b, points(n, D))),
                new HotPath("gram_images", "2 n^2 D flops (the inner products)", 2, "gram_images", false,
                        s.gramImages, n -> 2.0 * n * n * IMAGE_D, n -> "n=" + n + " D=" + IMAGE_D,
                        (b, n) -> gram(b, points(n, IMAGE_D))),
                new HotPath("cholesky", "n^3/3 flops", 3, "cholesky", false, s.cholesky, n -> (double) n * n * n / 3,
                        n -> "n=" + n, HotPath::cholesky),
                new HotPath("cholesky_tiled", "n^3/3 flops", 3, null, true, s.cholesky, n -> (double) n * n * n / 3,
                        n -> "n=" + n + " tile=" + tile(n), HotPath::tiled),
                new HotPath("krr", "n^3/3 flops (the factorisation; Gram, solves and prediction at n/4 points not counted)",
                        3, "krr", false, s.krr, n -> (double) n * n * n / 3, n -> "n=" + n + " n_test=" + n / 4 + " d=" + D,
                        HotPath::krr),
                new HotPath("gd_step", "6 n h d flops (forward and backward products)", 1, "gd", false, s.gdWidths,
                        h -> 6.0 * gdN * h * D, h -> "h=" + h + " n=" + gdN + " d=" + D,
                        (b, h) -> gdStep(b, h, gdN, s.gdMaxSteps)),
                new HotPath("flow_step", "4 n h D flops (its two GEMMs)", 1, null, false, s.flow,
                        n -> 4.0 * n * flowH * IMAGE_D, n -> "n=" + n + " h=" + flowH + " D=" + IMAGE_D,
                        (b, n) -> flowStep(b, n, flowH)),
                new HotPath("krr_out_of_core", "n^3/3 flops", 3, null, true, s.outOfCore, n -> (double) n * n * n / 3,
                        n -> "n=" + n + " tile=" + tile(n) + " scratch, half in memory", OutOfCore::open));
    }

    static int tile(int n) { return n >= 4096 ? 1024 : Math.max(32, n / 4); }

    /** K(X, X) into a matrix allocated once: the row times the Gram, not the allocation of n^2 fresh doubles. */
    private static Case gram(Backend b, Matrix x) {
        Matrix k = Matrix.zeros(x.rows(), x.rows());
        return new Case() {
            @Override public void run() { b.gramInto(NTK, x, x, k); }
            @Override public Matrix points() { return x; }
        };
    }

    /** In core: LAPACK's dpotrf on the host, or the backend's factorisation on a GPU (timed by its own phase). */
    private static Case cholesky(Backend b, int n) {
        Matrix x = points(n, D);
        if (b.factorsOnDevice()) {
            return new Case() {
                @Override public void run() { timedRun(); }
                @Override public double timedRun() {
                    PhaseTimer t = new PhaseTimer();
                    try (GramFactor f = b.factorGram(NTK, x, RIDGE, t)) {
                        return t.seconds().get("cholesky");
                    }
                }
                @Override public Matrix points() { return x; }
            };
        }
        Matrix k = b.gramLower(NTK, x);
        k.mirrorLowerToUpper();
        Matrix work = Matrix.zeros(n, n);
        return new Case() {
            @Override public void prepare() { System.arraycopy(k.data(), 0, work.data(), 0, k.data().length); }
            @Override public void run() { HostLinalg.cholesky(work, RIDGE); }
            @Override public Matrix points() { return x; }
        };
    }

    /** The tiled factorisation of the host engine, tiles in memory, from the same Gram. */
    private static Case tiled(Backend b, int n) {
        Matrix k = b.gramLower(NTK, points(n, D));
        k.mirrorLowerToUpper();
        TileSource source = source(k);
        TileGrid grid = new TileGrid(n, tile(n));
        return () -> {
            try (MemoryTiles store = new MemoryTiles(grid)) {
                TiledCholesky.factor(store, source, RIDGE, List.of(new int[] {0, grid.count()}), Monitor.NONE);
            }
        };
    }

    /** Tiles filled from a dense symmetric matrix (column-major tiles). */
    static TileSource source(Matrix k) {
        int n = k.rows();
        return new TileSource() {
            @Override
            public void fill(TileGrid grid, int i, int j, MemorySegment t) {
                int rows = grid.size(i);
                for (int c = 0; c < grid.size(j); c++) {
                    MemorySegment.copy(k.data(), (grid.start(j) + c) * n + grid.start(i), t, ValueLayout.JAVA_DOUBLE,
                            (long) c * rows * 8, rows);
                }
            }

            @Override public double maxDiagonal() { return 1; }

            @Override public double flopsPerEntry() { return 1; }
        };
    }

    private static Case krr(Backend b, int n) {
        Matrix x = points(n, D);
        Matrix test = x.rowRange(0, Math.max(1, n / 4));
        double[] y = targets(n);
        return new Case() {
            @Override public void run() { KernelRidge.fit(b, NTK, RIDGE, x, y).predict(b, test); }
            @Override public Matrix points() { return x; }
        };
    }

    /** Steps per trial: about 5e7 neuron-points per trial (at most {@code max}), so that a small h is not timer noise. */
    static int gdSteps(int n, int h, int max) { return (int) Math.clamp(50_000_000 / ((long) n * h), 1, max); }

    /** numpy's GD step is one to two hundred times slower: its trials make that many times fewer steps. */
    static final int PEER_GD_SLOWER = 100;

    private static Case gdStep(Backend b, int h, int n, int maxSteps) {
        Matrix x = points(n, D);
        TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, h, D, SEED), null,
                NetInit.w2(NetInit.W2.parse("1e-3"), h, SEED), Scale.MEAN_FIELD);
        NetBatch nets = b.openNets(List.of(new NetProblem(x, targets(n), init, GdRule.featureL1(1, 1e-4))));
        int steps = gdSteps(n, h, maxSteps);
        long[] count = {steps};
        double[] never = {Double.NEGATIVE_INFINITY};
        return new Case() {
            @Override public void run() { nets.advance(count, never); }
            @Override public double perRun() { return steps; }
            @Override public Matrix points() { return x; }
            @Override public List<String> peerArguments() {
                return List.of("h=" + h, "steps=" + Math.max(1, steps / PEER_GD_SLOWER));
            }
            @Override public void close() { nets.close(); }
        };
    }

    private static Case flowStep(Backend b, int n, int h) {
        Matrix x = points(n, IMAGE_D);
        double r = Math.sqrt(IMAGE_D);  // centred, normalised images have norm sqrt(D); the cost ignores the values
        double[] a = x.data();
        for (int k = 0; k < a.length; k++) {
            a[k] *= r;
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = a[i * IMAGE_D] > 0 ? 1 : -1;
        }
        SoftplusNet net = new SoftplusNet(b, h, IMAGE_D, 5, SEED);
        SoftplusFlow flow = b.softplusFlow(new SoftplusFlow.Problem(net.params(), net.params(), h, 5,
                net.normalisation(), x, y, x.rowRange(0, Math.min(8, n)), 1e-6, 20));
        return new Case() {
            @Override public void run() { flow.trial(1e-3); }
            @Override public void close() { flow.close(); }
        };
    }
}
