package org.sparsefeat.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetLoss;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;

/**
 * Nets trained together on the CPU. With at least as many nets as threads, each thread runs whole nets,
 * many steps per native call; with fewer, every step spreads each net's neuron blocks over the threads.
 * Both give the same bits (see native/src/gd.c).
 */
final class CpuNetBatch implements NetBatch {
    private final List<NativeNet> nets = new ArrayList<>();
    private final List<NetProblem> problems;
    private final ForkJoinPool pool;
    private final int threads;

    CpuNetBatch(List<NetProblem> problems, ForkJoinPool pool, int threads) {
        this.problems = List.copyOf(problems);
        this.pool = pool;
        this.threads = threads;
        try {
            for (NetProblem p : problems) {
                nets.add(new NativeNet(p.x(), p.y(), p.init(), p.rule()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public int size() { return nets.size(); }

    @Override
    public long[] advance(long[] steps, double[] stopBelow) {
        if (steps.length != nets.size() || stopBelow.length != nets.size()) {
            throw new IllegalArgumentException("advance: expected " + nets.size() + " step counts and stop levels");
        }
        long[] done = new long[nets.size()];
        int[] active = IntStream.range(0, nets.size()).filter(b -> steps[b] > 0).toArray();
        for (int b : active) {
            nets.get(b).stopBelow(stopBelow[b]);
        }
        if (active.length >= threads || threads == 1) {
            pool.submit(() -> IntStream.of(active).parallel().forEach(b -> done[b] = nets.get(b).steps(steps[b]))).join();
            return done;
        }
        List<Integer> running = new ArrayList<>();
        for (int b : active) {
            running.add(b);
        }
        while (!running.isEmpty()) {
            for (int b : running) {
                nets.get(b).begin();
            }
            List<int[]> tasks = new ArrayList<>();
            for (int b : running) {
                int blocks = nets.get(b).blocks(), chunk = Math.max(1, (blocks + threads - 1) / threads);
                for (int b0 = 0; b0 < blocks; b0 += chunk) {
                    tasks.add(new int[] {b, b0, Math.min(blocks, b0 + chunk)});
                }
            }
            pool.submit(() -> tasks.parallelStream().forEach(t -> nets.get(t[0]).runBlocks(t[1], t[2]))).join();
            List<Integer> still = new ArrayList<>();
            for (int b : running) {
                NativeNet net = nets.get(b);
                net.end();  // its NaN flag is NetLoss.stops' first test
                done[b]++;
                if (!NetLoss.stops(net.loss(), problems.get(b).rule().lossStop(), stopBelow[b])
                        && done[b] < steps[b]) {
                    still.add(b);
                }
            }
            running = still;
        }
        return done;
    }

    @Override
    public long step(int b) { return nets.get(b).step(); }

    @Override
    public double trainHalfMse(int b) { return nets.get(b).loss(); }

    @Override
    public double regularizer(int b) { return nets.get(b).regularizer(); }

    @Override
    public TwoLayerNet weights(int b) { return nets.get(b).weights(problems.get(b).init().scale()); }

    @Override
    public void restore(List<TwoLayerNet> weights, long[] steps, double[] trainHalfMse) {
        if (weights.size() != nets.size() || steps.length != nets.size() || trainHalfMse.length != nets.size()) {
            throw new IllegalArgumentException("restore: expected the state of " + nets.size() + " nets");
        }
        for (int b = 0; b < nets.size(); b++) {
            nets.get(b).restore(weights.get(b), steps[b], trainHalfMse[b]);
        }
    }

    @Override
    public void close() {
        for (NativeNet n : nets) {
            n.close();
        }
        nets.clear();
    }
}
