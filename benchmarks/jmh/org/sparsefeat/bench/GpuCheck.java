package org.sparsefeat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.backend.cuda.CudaBackend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.krr.KrrRun;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.util.PhaseTimer;

/**
 * The device check's Java part (benchmarks/gpu/check.sh): parity of the CUDA backend with the CPU backend, then
 * the timings beside their peers, as one markdown table. The peers (PyTorch, cuSOLVER) run first in
 * check.sh and leave "key seconds" lines in a file given with --peers. Usage:
 * {@code GpuCheck [--emulated] [--peers FILE]}; --emulated runs everything at toy sizes on the CPU emulator of
 * the kernels (a dry run of this program, not a measurement).
 */
public final class GpuCheck {
    /** The sizes of one run: the on a GPU, toy ones on the emulator. */
    private record Sizes(int parityN, int gramN, int[] choleskyN, int krrN, int krrTest, int gdH, int gdN, int gdSteps,
                         int batch, int batchSteps) {}

    private static final Sizes GPU = new Sizes(4096, 16384, new int[] {8192, 16384, 32768}, 16384, 2000, 10_000, 1024,
            200, 40, 100);
    private static final Sizes EMULATED = new Sizes(200, 256, new int[] {300, 600}, 300, 100, 300, 64, 5, 40, 2);

    private final List<String> rows = new ArrayList<>();
    private final Map<String, Double> peers;
    private boolean failed;

    private GpuCheck(Map<String, Double> peers) { this.peers = peers; }

    public static void main(String[] args) throws IOException {
        boolean emulated = false;
        Map<String, Double> peers = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--emulated" -> emulated = true;
                case "--peers" -> peers = readPeers(Path.of(args[++i]));
                default -> {
                    System.err.println("usage: GpuCheck [--emulated] [--peers FILE]");
                    System.exit(2);
                }
            }
        }
        System.out.println("java " + Runtime.version() + "; CUDA usable: " + CudaBackend.available()
                + (CudaBackend.available() ? "" : " (" + CudaBackend.whyNot() + ")"));
        if (emulated ? !CudaBackend.emulatorAvailable() : !CudaBackend.available()) {
            System.exit(1);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        GpuCheck check = new GpuCheck(peers);
        try (CpuBackend cpu = new CpuBackend(threads);
             CudaBackend gpu = emulated ? CudaBackend.emulated(threads, true) : new CudaBackend(threads)) {
            System.out.println("device: " + gpu.device());
            check.run(cpu, gpu, emulated ? EMULATED : GPU);
        }
        System.out.println("| check | sparsefeat | peer or bound | ratio | verdict |");
        System.out.println("|---|---|---|---|---|");
        check.rows.forEach(System.out::println);
        System.exit(check.failed ? 1 : 0);
    }

    /** Lines "key value" (the python peers' output); other lines are ignored. */
    private static Map<String, Double> readPeers(Path file) throws IOException {
        Map<String, Double> m = new HashMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    m.put(kv[0], Double.parseDouble(kv[1]));
                } catch (NumberFormatException ignored) {
                    // a line of prose
                }
            }
        }
        return m;
    }

    private void run(CpuBackend cpu, CudaBackend gpu, Sizes s) {
        parity(cpu, gpu, s);
        gram(gpu, s);
        cholesky(gpu, s);
        solves(gpu, s);
        krr(gpu, s);
        gradientDescent(gpu, s);
    }

    private void parity(CpuBackend cpu, CudaBackend gpu, Sizes s) {
        Matrix x = Points.sample(PointDistribution.SPHERE, s.parityN(), 5, 1, Philox.STREAM_TRAIN_POINTS);
        Matrix y = Points.sample(PointDistribution.GAUSSIAN, s.parityN() / 2, 5, 2, Philox.STREAM_TEST_POINTS);
        for (KernelType k : KernelType.values()) {
            double diff = rel(gpu.gram(Kernel.of(k), x, y).data(), cpu.gram(Kernel.of(k), x, y).data());
            double diffL = rel(gpu.gramLower(Kernel.of(k), x).data(), cpu.gramLower(Kernel.of(k), x).data());
            check("parity: Gram " + k + ", rect / lower (rel. diff)", fmt("%.1e / %.1e", diff, diffL), diff < 1e-10 && diffL < 1e-10);
        }
        TeacherField f = new TeacherField(3, TeacherActivation.ABS, 1, 1_000_000);
        double dt = rel(gpu.teacher(x, f), cpu.teacher(x, f));
        check("parity: teacher, H = 1e6", fmt("%.1e", dt), dt < 1e-10);
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 5, s.parityN(), s.krrTest(),
                new Target.Teacher(TeacherActivation.ABS, 1, 100_000), 4), cpu);
        KrrRun.Outcome g = KrrRun.run(gpu, Kernel.of(KernelType.NTK), 0, ds, new PhaseTimer());
        KrrRun.Outcome c = KrrRun.run(cpu, Kernel.of(KernelType.NTK), 0, ds, new PhaseTimer());
        double de = Math.abs(g.testMse() - c.testMse()) / c.testMse();
        check("parity: KRR test MSE, n = " + s.parityN(), fmt("%.1e", de), de < 1e-10);
        NetProblem p = featureNet(s.gdN(), s.gdH(), 5);
        try (NetBatch a = cpu.openNets(List.of(p)); NetBatch b = gpu.openNets(List.of(p))) {
            long[] steps = {100};
            double[] never = {Double.NEGATIVE_INFINITY};
            a.advance(steps, never);
            b.advance(steps, never);
            double dw = rel(b.weights(0).w2(), a.weights(0).w2());
            double dl = Math.abs(b.trainHalfMse(0) - a.trainHalfMse(0)) / a.trainHalfMse(0);
            check("parity: GD 100 steps, h = " + s.gdH() + ", n = " + s.gdN() + ", w2 / loss", fmt("%.1e / %.1e", dw, dl),
                    dw < 1e-9 && dl < 1e-9);
        }
    }

    private void gram(CudaBackend gpu, Sizes s) {
        int n = s.gramN();
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 5, 3, Philox.STREAM_TRAIN_POINTS);
        double seconds = gpu.secondsGramLower(Kernel.of(KernelType.NTK), x);
        double bandwidth = gpu.copyBandwidth(Math.min(1L << 31, (long) n * n * 8));
        double floor = (double) n * (n + 1) / 2 * 8 / (bandwidth / 2);  // writing the triangle at the copy's write rate
        row("NTK Gram, lower, n = " + n + ", d = 5 (device only)", fmt("%.4f s", seconds),
                fmt("%.4f s (writes at %.0f GB/s)", floor, bandwidth / 2e9), fmt("%.2fx the floor", seconds / floor), "");
    }

    private void cholesky(CudaBackend gpu, Sizes s) {
        for (int n : s.choleskyN()) {
            Matrix x = Points.sample(PointDistribution.SPHERE, n, 5, 5, Philox.STREAM_TRAIN_POINTS);
            double seconds = gpu.secondsCholesky(Kernel.of(KernelType.LAPLACE), x, 1e-8);
            double tflops = Math.pow(n, 3) / 3 / seconds / 1e12;
            Double peer = peers.get("cusolver_potrf_" + n);
            String ratio = peer == null ? "-" : fmt("%.2fx cuSOLVER", peer / seconds);
            String verdict = peer == null || n != 32768 ? "" : (peer / seconds >= 0.8 ? "goal met (>= 0.8x)" : "below goal (0.8x)");
            row("Cholesky n = " + n + " (device only)", fmt("%.3f s, %.1f TFLOP/s", seconds, tflops),
                    peer == null ? "-" : fmt("cuSOLVER dpotrf %.3f s", peer), ratio, verdict);
        }
    }

    /** The two solve paths at the KRR size: our kernels (the default) and cuBLAS DTRSV. */
    private void solves(CudaBackend gpu, Sizes s) {
        Matrix x = Points.sample(PointDistribution.SPHERE, s.krrN(), 5, 7, Philox.STREAM_TRAIN_POINTS);
        double ours = gpu.secondsSolve(Kernel.of(KernelType.LAPLACE), x, 1e-8);
        System.setProperty("sparsefeat.cuda.solve", "cublas");
        try {
            double cublas = gpu.secondsSolve(Kernel.of(KernelType.LAPLACE), x, 1e-8);
            row("Cholesky solve (L L^T)^-1 b, n = " + s.krrN() + ", our kernels", fmt("%.4f s", ours),
                    fmt("cuBLAS DTRSV x 2: %.4f s", cublas), fmt("%.2fx", cublas / ours), "");
        } finally {
            System.clearProperty("sparsefeat.cuda.solve");
        }
    }

    private void krr(CudaBackend gpu, Sizes s) {
        Matrix x = Points.sample(PointDistribution.SPHERE, s.krrN(), 5, 6, Philox.STREAM_TRAIN_POINTS);
        Matrix test = Points.sample(PointDistribution.SPHERE, s.krrTest(), 5, 6, Philox.STREAM_TEST_POINTS);
        double[] y = new double[x.rows()], yt = new double[test.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.abs(x.get(i, 0));
        }
        Dataset ds = new Dataset(x, y, test, yt);
        KrrRun.run(gpu, Kernel.of(KernelType.NTK), 1e-10, ds, new PhaseTimer());  // warm-up: modules, allocator
        long t0 = System.nanoTime();
        KrrRun.Outcome r = KrrRun.run(gpu, Kernel.of(KernelType.NTK), 1e-10, ds, new PhaseTimer());
        double seconds = (System.nanoTime() - t0) * 1e-9;
        Double peer = peers.get("torch_krr_" + s.krrN());
        String phases = r.seconds().entrySet().stream().map(e -> e.getKey() + " " + fmt("%.3f", e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("");
        row("KRR end to end, n = " + s.krrN() + ", " + s.krrTest() + " test points (" + phases + ")",
                fmt("%.3f s", seconds), peer == null ? "-" : fmt("PyTorch Gram + solve %.3f s", peer),
                peer == null ? "-" : fmt("%.2fx faster", peer / seconds),
                peer == null ? "" : (peer / seconds >= 3 ? "goal met (>= 3x)" : "below goal (3x)"));
    }

    private void gradientDescent(CudaBackend gpu, Sizes s) {
        try (NetBatch probe = gpu.openNets(List.of(featureNet(s.gdN(), s.gdH(), 9)))) {
            System.out.println("GD batches: " + probe);
        }
        double single = stepsPerSecond(gpu, 1, s);
        Double peer = peers.get("torch_gd_step");
        row("GD steps/s, one net, h = " + s.gdH() + ", n = " + s.gdN() + ", d = 5", fmt("%.0f", single),
                peer == null ? "-" : fmt("PyTorch autograd %.0f", 1 / peer), peer == null ? "-" : fmt("%.1fx", single * peer),
                peer == null ? "" : (single * peer >= 10 ? "goal met (>= 10x)" : "below goal (10x)"));
        double batched = stepsPerSecond(gpu, s.batch(), s);
        row("GD net-steps/s, " + s.batch() + " nets batched", fmt("%.0f", batched * s.batch()),
                fmt("one net: %.0f", single), fmt("%.1fx per net", batched * s.batch() / single), "");
    }

    /** Steps per second of a batch of {@code nets} nets, after a warm-up. */
    private static double stepsPerSecond(CudaBackend gpu, int nets, Sizes s) {
        List<NetProblem> problems = new ArrayList<>();
        for (int b = 0; b < nets; b++) {
            problems.add(featureNet(s.gdN(), s.gdH(), 10 + b));
        }
        long[] warm = new long[nets], steps = new long[nets];
        double[] never = new double[nets];
        java.util.Arrays.fill(warm, 3);
        java.util.Arrays.fill(steps, nets == 1 ? s.gdSteps() : s.batchSteps());
        java.util.Arrays.fill(never, Double.NEGATIVE_INFINITY);
        try (NetBatch batch = gpu.openNets(problems)) {
            batch.advance(warm, never);
            long t0 = System.nanoTime();
            batch.advance(steps, never);
            batch.trainHalfMse(0);
            return steps[0] / ((System.nanoTime() - t0) * 1e-9);
        }
    }

    /** The feature regime of the paper: mean field, w1 on the sphere, L1, w2 small. */
    private static NetProblem featureNet(int n, int h, long seed) {
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 5, seed, Philox.STREAM_TRAIN_POINTS);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.abs(x.get(i, 0));
        }
        TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, h, 5, seed), null,
                NetInit.w2(NetInit.W2.parse("1e-3"), h, seed), Scale.MEAN_FIELD);
        return new NetProblem(x, y, init, GdRule.featureL1(1, 1e-4));
    }

    private void check(String what, String value, boolean ok) {
        failed |= !ok;
        row(what, value, "CPU backend", "-", ok ? "ok" : "FAIL");
    }

    private void row(String what, String value, String peer, String ratio, String verdict) {
        rows.add("| " + what + " | " + value + " | " + peer + " | " + ratio + " | " + verdict + " |");
    }

    private static String fmt(String format, Object... args) { return String.format(Locale.ROOT, format, args); }

    private static double rel(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }
}
