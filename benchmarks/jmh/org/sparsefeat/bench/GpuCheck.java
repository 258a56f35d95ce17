package org.sparsefeat.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.backend.cuda.CudaBackend;
import org.sparsefeat.backend.cuda.Emulator;
import org.sparsefeat.classify.GradientFlow;
import org.sparsefeat.classify.SoftplusNet;
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
import org.sparsefeat.krr.KrrResources;
import org.sparsefeat.krr.KrrRun;
import org.sparsefeat.krr.MemoryPlan;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NativeThreads;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TiledCholesky;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.util.Bytes;
import org.sparsefeat.util.PhaseTimer;

/**
 * The device check's Java part (benchmarks/gpu/check.sh), written so that a first run on a GPU returns everything
 * it can even when half of it fails: every row is computed on its own, a row that throws becomes an {@code ERROR}
 * row and the next still runs (after a tiny probe says the device still answers), and each row is appended to the
 * table file and flushed as soon as it is made.
 * <p>
 * Two modes: {@code --smoke}, every kernel once at toy sizes against the CPU backend plus the binding's cost per
 * launch (check.sh runs it under CUDA_LAUNCH_BLOCKING=1, once per driver binding); and the timings (default), in the
 * order of what we most need to learn: Cholesky n = 32 768, KRR n = 16 384, GD, the image net's flow, solves, cuBLAS alone, Gram, parity.
 * Each timing is the fastest of a few runs after an untimed one. Where a PyTorch peer times the same operation, the
 * time also goes to stdout as an "ours KEY SECONDS" line: check.sh runs the peers after this program (so that a hung
 * peer cannot take our rows' time) and {@link PeerTable} then sets the two side by side.
 * <p>
 * Usage: {@code GpuCheck [--smoke] [--emulated] [--table FILE]}; --emulated runs on the CPU emulator
 * of the kernels at toy sizes (a dry run of this program, not a measurement): the library -Dsparsefeat.cudaEmulator
 * names, through the FFM driver binding whatever SPARSEFEAT_CUDA_BINDING says. SPARSEFEAT_CHECK_FAIL=section (or
 * a comma-separated list) makes those sections throw, to test that the rest still runs.
 */
public final class GpuCheck {
    /** The sizes of one run: the on a GPU, toy ones on the emulator. */
    /** flowN, flowH, flowDim, flowTrials: the image net's flow (n of each row, neurons, pixels, trials timed). */
    private record Sizes(int parityN, int gramN, int[] choleskyN, int krrN, int krrTest, int gdH, int gdN,
                         int gdTimedSteps, int batch, int blasN, int launches, int repeats, int[] flowN, int flowH,
                         int flowDim, int flowTrials) {}

    private static final Sizes GPU = new Sizes(4096, 16384, new int[] {32768, 16384, 8192}, 16384, 2000, 10_000, 1024,
            1280, 40, 16384, 10_000, 3, new int[] {1024, 10_000}, 1000, 784, 30);
    private static final Sizes EMULATED = new Sizes(300, 256, new int[] {600, 300}, 300, 100, 300, 64, 128, 3, 512,
            200, 2, new int[] {64}, 40, 48, 3);
    /** Toy sizes of the smoke run; n = 300 > 256, so that the Cholesky recursion hands work to cuBLAS. */
    private static final Sizes SMOKE = new Sizes(300, 300, new int[] {}, 300, 100, 300, 64, 0, 3, 0, 10_000, 1,
            new int[] {}, 37, 48, 0);

    private final Table table;
    private final Set<String> forcedFailures;
    private boolean failed;
    private boolean deviceLost;

    private GpuCheck(Table table, Set<String> forcedFailures) {
        this.table = table;
        this.forcedFailures = forcedFailures;
    }

    /** A section of the check: its name (for SPARSEFEAT_CHECK_FAIL and the table) and its rows. */
    private record Section(String name, Runnable rows) {}

    public static void main(String[] args) throws IOException {
        boolean emulated = false, smoke = false;
        Path tableFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--emulated" -> emulated = true;
                case "--smoke" -> smoke = true;
                case "--table" -> tableFile = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: GpuCheck [--smoke] [--emulated] [--table FILE]");
                    System.exit(2);
                }
            }
        }
        String env = System.getenv("SPARSEFEAT_CHECK_FAIL");
        Set<String> forced = env == null || env.isBlank() ? Set.of() : Set.of(env.trim().split("\\s*,\\s*"));
        try (Table table = new Table(tableFile)) {
            GpuCheck check = new GpuCheck(table, forced);
            System.out.println("java " + Runtime.version() + "; CUDA usable: " + CudaBackend.available()
                    + (CudaBackend.available() ? "" : " (" + CudaBackend.whyNot() + ")"));
            if (emulated ? !Emulator.available() : !CudaBackend.available()) {
                table.row("device", "ERROR: no " + (emulated ? "emulator" : "usable GPU") + " ("
                        + (emulated ? Emulator.whyNot() : CudaBackend.whyNot()) + ")",
                        "-", "-", "FAIL");
                System.exit(1);
            }
            int threads = Runtime.getRuntime().availableProcessors();
            Sizes sizes = smoke ? SMOKE : emulated ? EMULATED : GPU;
            CudaBackend gpu;
            try {
                // the emulator is bound through FFM whatever SPARSEFEAT_CUDA_BINDING says: JCuda needs a driver
                gpu = emulated ? Emulator.backend(threads, true) : new CudaBackend(threads);
            } catch (RuntimeException | LinkageError e) {
                table.row("device", "ERROR opening the backend: " + firstLine(e), "-", "-", "FAIL");
                System.exit(1);
                return;
            }
            NativeThreads.setOpenBlasThreads(threads);  // the CPU side's OpenBLAS, as --threads would set it
            try (CpuBackend cpu = new CpuBackend(threads)) {
                check.run(cpu, gpu, sizes, smoke);
            } finally {
                if (!check.deviceLost) {
                    gpu.close();
                }
            }
            System.exit(check.failed ? 1 : 0);
        }
    }

    private void run(CpuBackend cpu, CudaBackend gpu, Sizes s, boolean smoke) {
        String device = gpu.device();
        table.note("device: " + device + "; KRR solves by " + gpu.solvePath());
        if (device.contains("no cuBLAS")) {
            table.row("**cuBLAS ABSENT**", "the Cholesky runs in our kernels alone, the solves too", "-", "-",
                    "timings below are not the design's");
        }
        List<Section> sections = new ArrayList<>();
        if (smoke) {
            sections.add(new Section("parity", () -> parity(cpu, gpu, s)));
            sections.add(new Section("streamed", () -> streamed(gpu, s)));
            sections.add(new Section("launches", () -> launches(gpu, s)));
        } else {
            sections.add(new Section("cholesky", () -> cholesky(gpu, s)));
            sections.add(new Section("krr", () -> krr(gpu, s)));
            sections.add(new Section("streamed", () -> streamed(gpu, s)));
            sections.add(new Section("gd", () -> gradientDescent(gpu, s)));
            sections.add(new Section("flow", () -> imageFlow(gpu, s)));
            sections.add(new Section("solves", () -> solves(gpu, s)));
            sections.add(new Section("blas", () -> blas(gpu, s)));
            sections.add(new Section("gram", () -> gram(gpu, s)));
            sections.add(new Section("parity", () -> parity(cpu, gpu, s)));
        }
        for (Section section : sections) {
            if (deviceLost) {
                table.row(section.name(), "skipped: the device stopped answering", "-", "-", "SKIPPED");
                continue;
            }
            table.note("section " + section.name());
            attempt(gpu, section.name(), () -> {
                if (forcedFailures.contains(section.name())) {
                    throw new IllegalStateException("forced by SPARSEFEAT_CHECK_FAIL=" + section.name());
                }
                section.rows().run();
            });
        }
    }

    /**
     * Runs one row (or a section's start): what it throws becomes an ERROR row; then a probe decides whether the
     * device still answers, and if not every later row is skipped with a row saying so.
     */
    private void attempt(CudaBackend gpu, String what, Runnable work) {
        if (deviceLost) {
            table.row(what, "skipped: the device stopped answering", "-", "-", "SKIPPED");
            return;
        }
        try {
            work.run();
        } catch (Throwable e) {   // an OutOfMemoryError or a LinkageError of a binding is a finding too
            failed = true;
            table.row(what, "ERROR " + e.getClass().getName() + ": " + firstLine(e), "-", "-", "FAIL");
            e.printStackTrace(System.out);
            Optional<String> why = timings(gpu).probe();
            if (why.isPresent()) {
                deviceLost = true;
                table.row("device probe after that error", "the device no longer answers (" + why.get()
                        + "); stopping", "-", "-", "FAIL");
            }
        }
    }

    // ---- the sections

    /** Every kernel at least once against the CPU backend (all kernels of gram, teacher, cholesky, linalg, gd). */
    private void parity(CpuBackend cpu, CudaBackend gpu, Sizes s) {
        Matrix x = Points.sample(PointDistribution.SPHERE, s.parityN(), 5, 1, Philox.STREAM_TRAIN_POINTS);
        Matrix y = Points.sample(PointDistribution.GAUSSIAN, s.parityN() / 2, 5, 2, Philox.STREAM_TEST_POINTS);
        for (KernelType k : KernelType.values()) {
            attempt(gpu, "parity: Gram " + k, () -> {
                double diff = rel(gpu.gram(Kernel.of(k), x, y).data(), cpu.gram(Kernel.of(k), x, y).data());
                double diffL = rel(gpu.gramLower(Kernel.of(k), x).data(), cpu.gramLower(Kernel.of(k), x).data());
                check("parity: Gram " + k + ", rect / lower (rel. diff)", fmt("%.1e / %.1e", diff, diffL),
                        diff < 1e-10 && diffL < 1e-10);
            });
        }
        attempt(gpu, "parity: Gram float32", () -> {
            float[] g = gpu.gramFloat32(Kernel.of(KernelType.NTK), x, y);
            double[] c = cpu.gram(Kernel.of(KernelType.NTK), x, y).data();
            double[] g64 = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                g64[i] = g[i];
            }
            double diff = rel(g64, c);
            check("parity: Gram float32 (NTK) against float64 (rel. diff)", fmt("%.1e", diff), diff < 1e-6);
        });
        attempt(gpu, "parity: teacher", () -> {
            TeacherField f = new TeacherField(3, TeacherActivation.ABS, 1, 1_000_000);
            double dt = rel(gpu.teacher(x, f), cpu.teacher(x, f));
            check("parity: teacher, H = 1e6", fmt("%.1e", dt), dt < 1e-10);
        });
        // every Cholesky path once: both leaves (cuda/cholesky.cu), recursive with cuBLAS and our kernels alone
        for (String leaf : new String[] {"64", "32"}) {
            for (String block : new String[] {null, "all"}) {
                String path = "leaf " + leaf + (block == null ? ", recursive with cuBLAS" : ", our kernels alone");
                attempt(gpu, "parity: Cholesky, " + path, () -> withProperties(Map.of(CudaBackend.CHOLESKY_LEAF, leaf,
                        CudaBackend.CHOLESKY_BLOCK, block == null ? "" : block), () -> {
                    Matrix k = cpu.gramLower(Kernel.of(KernelType.LAPLACE), x);
                    Matrix a = k.copy(), b = k.copy();
                    gpu.cholesky(a, 1e-8);
                    HostLinalg.cholesky(b, 1e-8);
                    a.zeroUpper();
                    b.zeroUpper();
                    double diff = rel(a.data(), b.data());
                    check("parity: Cholesky, n = " + s.parityN() + " (" + gpu.choleskyPath() + ")", fmt("%.1e", diff),
                            diff < 1e-10);
                }));
            }
        }
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 5, s.parityN(), s.krrTest(),
                new Target.Teacher(TeacherActivation.ABS, 1, 100_000), 4), cpu);
        attempt(gpu, "parity: KRR", () -> {
            KrrRun.Outcome g = KrrRun.run(gpu, Kernel.of(KernelType.NTK), 0, ds, new PhaseTimer());
            KrrRun.Outcome c = KrrRun.run(cpu, Kernel.of(KernelType.NTK), 0, ds, new PhaseTimer());
            double de = Math.abs(g.testMse() - c.testMse()) / c.testMse();
            // ridgeless: the training error is rounding (about 1e-25), compared by size, not by ratio
            check("parity: KRR test MSE (rel. diff) / train MSE GPU, CPU, n = " + s.parityN()
                            + " (gram, factor, solve, L L^T c, K c)", fmt("%.1e / %.1e, %.1e", de, g.trainMse(),
                            c.trainMse()), de < 1e-8 && g.trainMse() < 1e-12 * c.testMse());
        });
        for (boolean cublas : new boolean[] {false, true}) {
            attempt(gpu, "parity: solve, " + (cublas ? "cuBLAS DTRSV" : "our kernels"), () -> solveParity(cpu, gpu,
                    ds.xTrain(), cublas));
        }
        attempt(gpu, "parity: singular pivot", () -> {
            Matrix dup = x.copy();
            System.arraycopy(dup.data(), 10 * 5, dup.data(), (s.parityN() - 20) * 5, 5);
            int pg = pivot(() -> gpu.factorGram(Kernel.of(KernelType.NTK), dup, 0, new PhaseTimer()).close());
            int pc = pivot(() -> cpu.factorGram(Kernel.of(KernelType.NTK), dup, 0, new PhaseTimer()).close());
            check("parity: singular matrix, failing pivot GPU / CPU", pg + " / " + pc, pg == pc && pg > 0);
        });
        attempt(gpu, "parity: GD", () -> gdParity(cpu, gpu, s));
        attempt(gpu, "parity: image net flow", () -> flowParity(cpu, gpu, s));
    }

    /** Toy or MNIST-sized "images": n Gaussian points of D pixels at norm sqrt D, labelled by a pixel's sign. */
    private static Object[] images(int n, int dim, long seed) {
        Matrix x = Points.sample(PointDistribution.SPHERE, n, dim, seed, Philox.STREAM_TRAIN_POINTS);
        double[] a = x.data(), y = new double[n];
        for (int k = 0; k < a.length; k++) {
            a[k] *= Math.sqrt(dim);
        }
        for (int i = 0; i < n; i++) {
            y[i] = a[i * dim] + a[i * dim + 1] > 0 ? 1 : -1;
        }
        return new Object[] {x, y};
    }

    /** A flow of 120 accepted steps of the image net at toy sizes on both backends: the same decisions, close parameters. */
    private void flowParity(CpuBackend cpu, CudaBackend gpu, Sizes s) {
        Object[] train = images(45, s.flowDim(), 21), test = images(30, s.flowDim(), 22);
        // alpha 100 and a strict bound on the gradient's turn: some trials rejected, so both kinds of decision compare
        GradientFlow.Options opt = new GradientFlow.Options(100, 20, 1e-7, 0.1, 0.99, 120, 120);
        GradientFlow.Result[] r = new GradientFlow.Result[2];
        double[][] p = new double[2][];
        Backend[] on = {gpu, cpu};
        for (int b = 0; b < 2; b++) {
            SoftplusNet net = new SoftplusNet(on[b], s.flowH(), s.flowDim(), 5, 3);
            r[b] = GradientFlow.train(net, (Matrix) train[0], (double[]) train[1], (Matrix) test[0], (double[]) test[1],
                    opt);
            p[b] = net.params();
        }
        double dp = rel(p[0], p[1]), df = rel(r[0].testF(), r[1].testF());
        check("parity: image net flow, h = " + s.flowH() + ", n = 45, " + r[1].accepted() + " accepted / " + r[1].rejected()
                        + " rejected on the CPU, " + r[0].accepted() + " / " + r[0].rejected() + " on the GPU; parameters,"
                        + " test scores (rel. diff)", fmt("%.1e, %.1e", dp, df),
                r[0].accepted() == r[1].accepted() && r[0].rejected() == r[1].rejected() && dp < 1e-9 && df < 1e-9
                        && gpu.cpuFallbacks().stream().noneMatch(f -> f.startsWith("image net")));
    }

    /**
     * Trials per second of the image net's flow in device memory (cuBLAS DGEMM and cuda/flow.cu) at Fig 1's h and
     * MNIST's D, against PyTorch autograd doing the same trial (benchmarks/gpu/flow_torch.py); the GEMMs' rate beside.
     */
    private void imageFlow(CudaBackend gpu, Sizes s) {
        for (int n : s.flowN()) {
            attempt(gpu, "image net flow, n = " + n, () -> {
                Object[] train = images(n, s.flowDim(), 31), test = images(64, s.flowDim(), 32);
                SoftplusNet net = new SoftplusNet(gpu, s.flowH(), s.flowDim(), 5, 1);
                double best = Double.POSITIVE_INFINITY;
                try (SoftplusFlow flow = gpu.softplusFlow(new SoftplusFlow.Problem(net.params(), s.flowH(), 5,
                        net.normalisation(), (Matrix) train[0], (double[]) train[1], (Matrix) test[0], 1e-6, 20))) {
                    flow.trial(1e-3);  // untimed
                    for (int rep = 0; rep < s.repeats(); rep++) {
                        long t0 = System.nanoTime();
                        for (int t = 0; t < s.flowTrials(); t++) {
                            flow.trial(1e-3);
                        }
                        best = Math.min(best, (System.nanoTime() - t0) * 1e-9 / s.flowTrials());
                    }
                }
                double tflops = 4.0 * n * s.flowH() * s.flowDim() / best / 1e12;
                PeerTable.ours("torch_flow_trial_" + n, best);
                table.row("image net flow trials/s, n = " + n + ", h = " + s.flowH() + ", D = " + s.flowDim()
                                + " (GEMMs at " + fmt("%.1f", tflops) + " TFLOP/s)", fmt("%.0f", 1 / best), "-", "-", "");
            });
        }
    }

    private void solveParity(CpuBackend cpu, CudaBackend gpu, Matrix x, boolean cublas) {
        if (cublas && gpu.device().contains("no cuBLAS")) {
            table.row("parity: solve by cuBLAS DTRSV", "cuBLAS absent", "-", "-", "");
            return;
        }
        double[] b = new double[x.rows()];
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.sin(i);
        }
        String before = System.getProperty("sparsefeat.cuda.solve");
        System.setProperty("sparsefeat.cuda.solve", cublas ? "cublas" : "kernels");
        try (GramFactor g = gpu.factorGram(Kernel.of(KernelType.NTK), x, 1e-8, new PhaseTimer());
             GramFactor c = cpu.factorGram(Kernel.of(KernelType.NTK), x, 1e-8, new PhaseTimer())) {
            double ds = rel(g.solve(b), c.solve(b));
            double dm = rel(g.factorMultiply(b), c.factorMultiply(b));
            check("parity: solve (" + (cublas ? "cuBLAS DTRSV" : "our kernels") + ") / L L^T b", fmt("%.1e / %.1e", ds, dm),
                    ds < 1e-8 && dm < 1e-10);
        } finally {
            if (before == null) {
                System.clearProperty("sparsefeat.cuda.solve");
            } else {
                System.setProperty("sparsefeat.cuda.solve", before);
            }
        }
    }

    /** Runs {@code work} with the given system properties set ("" clears one), then restores them. */
    private static void withProperties(Map<String, String> properties, Runnable work) {
        Map<String, String> before = new HashMap<>();
        properties.keySet().forEach(k -> before.put(k, System.getProperty(k)));
        properties.forEach((k, v) -> {
            if (v.isEmpty()) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        try {
            work.run();
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    /** The device-only timings of this backend (one per backend; they hold no state of their own). */
    private static org.sparsefeat.backend.cuda.DeviceTimings timings(CudaBackend gpu) {
        return new org.sparsefeat.backend.cuda.DeviceTimings(gpu);
    }

    private static int pivot(Runnable factor) {
        try {
            factor.run();
            return -1;
        } catch (NotPositiveDefiniteException e) {
            return e.pivot();
        }
    }

    /**
     * Two nets of different d in one batch for 130 steps (more than the 128 of a CUDA graph) against the CPU; then
     * the same by plain launches, which must give the same bits as the graph.
     */
    private void gdParity(CpuBackend cpu, CudaBackend gpu, Sizes s) {
        List<NetProblem> problems = List.of(featureNet(s.gdN(), s.gdH(), 5, 3), featureNet(s.gdN() / 2, s.gdH() / 2, 3, 4));
        long[] steps = {130, 130};
        double[] never = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] graphW2;
        String how;
        try (NetBatch a = cpu.openNets(problems); NetBatch b = gpu.openNets(problems)) {
            how = b.toString();
            a.advance(steps.clone(), never);
            long[] done = b.advance(steps.clone(), never);
            double dw = Math.max(rel(b.weights(0).w2(), a.weights(0).w2()), rel(b.weights(1).w2(), a.weights(1).w2()));
            double dl = Math.abs(b.trainHalfMse(0) - a.trainHalfMse(0)) / a.trainHalfMse(0);
            double dr = Math.abs(b.regularizer(0) - a.regularizer(0)) / Math.abs(a.regularizer(0));
            check("parity: GD 130 steps, d = 5 and 3 in one batch, w2 / loss / regulariser (" + how + ")",
                    fmt("%.1e / %.1e / %.1e", dw, dl, dr), dw < 1e-9 && dl < 1e-9 && dr < 1e-9 && done[0] == 130);
            graphW2 = b.weights(0).w2();
        }
        System.setProperty(CudaBackend.PLAIN_LAUNCHES, "true");
        try (NetBatch b = gpu.openNets(problems)) {
            b.advance(steps.clone(), never);
            boolean same = Arrays.equals(graphW2, b.weights(0).w2());
            check("parity: GD 130 steps by plain launches = by " + how, same ? "same bits" : fmt("rel. diff %.1e",
                    rel(b.weights(0).w2(), graphW2)), same);
        } finally {
            System.clearProperty(CudaBackend.PLAIN_LAUNCHES);
        }
    }

    /** The binding's own cost per launch: decides which driver binding should be the default. */
    private void launches(CudaBackend gpu, Sizes s) {
        double[] us = timings(gpu).launchMicros(s.launches());
        table.row("launch cost, " + s.launches() + " empty launches (" + binding(gpu) + ")",
                fmt("%.2f us prepared, %.2f us laid out each time", us[0], us[1]), "-", "-", "");
    }

    /** The binding that ran (the emulator's is FFM whatever was asked), and what was asked. */
    private static String binding(CudaBackend gpu) {
        String ran = gpu.device().contains("driver API through FFM") ? "FFM" : "JCuda";
        String b = System.getenv("SPARSEFEAT_CUDA_BINDING");
        return ran + ", " + (b == null || b.isBlank() ? "default binding" : "SPARSEFEAT_CUDA_BINDING=" + b);
    }

    private void cholesky(CudaBackend gpu, Sizes s) {
        for (int n : s.choleskyN()) {
            attempt(gpu, "Cholesky n = " + n, () -> {
                Matrix x = Points.sample(PointDistribution.SPHERE, n, 5, 5, Philox.STREAM_TRAIN_POINTS);
                double seconds = timings(gpu).secondsCholesky(Kernel.of(KernelType.LAPLACE), x, 1e-8, s.repeats());
                double tflops = Math.pow(n, 3) / 3 / seconds / 1e12;
                PeerTable.ours("cusolver_potrf_" + n, seconds);
                table.row("Cholesky n = " + n + " (device only, best of " + s.repeats() + ")",
                        fmt("%.3g s, %.1f TFLOP/s", seconds, tflops), "-", "-", "");
            });
        }
        choleskyLeaves(gpu, s);
    }

    /**
     * The two leaves of our Cholesky kernels (-Dsparsefeat.cuda.choleskyLeaf), recursive with cuBLAS at n = 16 384
     * (the 64 leaf also with blocks of 128: one DTRSM and one DSYRK fewer per 128 rows, our 64-wide chain instead),
     * and our kernels alone (-Dsparsefeat.cuda.choleskyBlock=all, the path of a machine without cuBLAS) at 8192;
     * the emulator's 600 and 300. The second column compares each row with the 32 leaf on the same path.
     */
    private void choleskyLeaves(CudaBackend gpu, Sizes s) {
        String defaultPath = gpu.choleskyPath();
        int withBlas = Arrays.stream(s.choleskyN()).filter(v -> v <= 16384).max().orElse(0);
        int alone = Arrays.stream(s.choleskyN()).filter(v -> v <= 8192).min().orElse(0);
        record Config(int n, int leaf, String block) {}
        List<Config> configs = List.of(new Config(withBlas, 32, ""), new Config(withBlas, 64, ""),
                new Config(withBlas, 64, "128"), new Config(alone, 32, "all"), new Config(alone, 64, "all"));
        Map<Integer, Double> leaf32 = new HashMap<>();   // by n: the 32 leaf's seconds
        for (Config c : configs) {
            if (c.n() == 0) {
                continue;
            }
            Matrix x = Points.sample(PointDistribution.SPHERE, c.n(), 5, 5, Philox.STREAM_TRAIN_POINTS);
            attempt(gpu, "Cholesky n = " + c.n() + ", leaf " + c.leaf() + ", block " + c.block(),
                    () -> withProperties(c.leaf(), c.block(), () -> {
                        String path = gpu.choleskyPath();
                        double t = timings(gpu).secondsCholesky(Kernel.of(KernelType.LAPLACE), x, 1e-8, s.repeats());
                        Double base = c.leaf() == 32 ? null : leaf32.get(c.n());
                        if (c.leaf() == 32) {
                            leaf32.put(c.n(), t);
                        }
                        table.row("Cholesky n = " + c.n() + ", " + path + " (best of " + s.repeats() + ")",
                                fmt("%.3g s, %.1f TFLOP/s", t, Math.pow(c.n(), 3) / 3 / t / 1e12),
                                base == null ? "-" : fmt("leaf 32: %.3g s", base),
                                base == null ? "-" : fmt("%.2fx leaf 32", base / t),
                                path.equals(defaultPath) ? "the default" : "");
                    }));
        }
    }

    /** Runs {@code work} with the Cholesky leaf and block properties set ("": unset), then restores them. */
    private static void withProperties(int leaf, String block, Runnable work) {
        String leafBefore = System.getProperty(CudaBackend.CHOLESKY_LEAF);
        String blockBefore = System.getProperty(CudaBackend.CHOLESKY_BLOCK);
        System.setProperty(CudaBackend.CHOLESKY_LEAF, Integer.toString(leaf));
        if (block.isEmpty()) {
            System.clearProperty(CudaBackend.CHOLESKY_BLOCK);
        } else {
            System.setProperty(CudaBackend.CHOLESKY_BLOCK, block);
        }
        try {
            work.run();
        } finally {
            restore(CudaBackend.CHOLESKY_LEAF, leafBefore);
            restore(CudaBackend.CHOLESKY_BLOCK, blockBefore);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
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
        KrrRun.run(gpu, Kernel.of(KernelType.NTK), 1e-10, ds, new PhaseTimer());  // untimed: modules, allocator
        double best = Double.POSITIVE_INFINITY;
        KrrRun.Outcome fastest = null;
        for (int r = 0; r < s.repeats(); r++) {
            long t0 = System.nanoTime();
            KrrRun.Outcome o = KrrRun.run(gpu, Kernel.of(KernelType.NTK), 1e-10, ds, new PhaseTimer());
            double seconds = (System.nanoTime() - t0) * 1e-9;
            if (seconds < best) {
                best = seconds;
                fastest = o;
            }
        }
        PeerTable.ours("torch_krr_" + s.krrN(), best);
        String phases = fastest.seconds().entrySet().stream().map(e -> e.getKey() + " " + fmt("%.3f", e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("");
        table.row("KRR end to end, n = " + s.krrN() + ", " + s.krrTest() + " test points, best of " + s.repeats()
                        + " (" + phases + "; solves by " + gpu.solvePath() + ")", fmt("%.3g s", best), "-", "-", "");
    }

    /**
     * KRR's streamed tiles (README, 'Memory'): the same fit with a device budget of a quarter of K, so that the tiles
     * live in host memory and pass through the device panel by panel, against K whole in device memory.
     */
    private void streamed(CudaBackend gpu, Sizes s) {
        int n = s.krrN(), tile = Math.max(32, Math.min(2048, n / 16));
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 5, 7, Philox.STREAM_TRAIN_POINTS);
        Matrix test = Points.sample(PointDistribution.SPHERE, s.krrTest(), 5, 7, Philox.STREAM_TEST_POINTS);
        double[] y = new double[n], yt = new double[test.rows()];
        for (int i = 0; i < n; i++) {
            y[i] = Math.abs(x.get(i, 0));
        }
        for (int i = 0; i < yt.length; i++) {
            yt[i] = Math.abs(test.get(i, 0));
        }
        Dataset ds = new Dataset(x, y, test, yt);
        long t0 = System.nanoTime();
        KrrRun.Outcome whole = KrrRun.run(gpu, Kernel.of(KernelType.NTK), 1e-10, ds, new PhaseTimer());
        double wholeSeconds = (System.nanoTime() - t0) * 1e-9;
        // a quarter of K, or a little more than the plan's least where a quarter cannot hold a column and its buffers
        TileGrid grid = new TileGrid(n, tile);
        long least = 0;
        for (int c = 0; c < grid.count(); c++) {
            least = Math.max(least, TiledCholesky.streamedPanelElements(grid, c, c + 1) * 8);
        }
        long budget = Math.max((long) n * n * 8 / 4, least + least / 5);
        for (String copies : new String[] {"sync", "overlap"}) {
            attempt(gpu, "streamed, " + copies + " copies", () -> withProperties(Map.of(CudaBackend.STREAM_COPIES, copies),
                    () -> streamedRow(gpu, ds, n, tile, budget, copies, whole, wholeSeconds)));
        }
    }

    private void streamedRow(CudaBackend gpu, Dataset ds, int n, int tile, long budget, String copies,
            KrrRun.Outcome whole, double wholeSeconds) {
        List<MemoryPlan> plans = new ArrayList<>();
        long t0 = System.nanoTime();
        KrrRun.Outcome streamed = KrrRun.run(gpu, Kernel.of(KernelType.NTK), 1e-10, ds, new PhaseTimer(),
                new KrrResources(null, null, tile, Monitor.NONE, plans::add, budget));
        double seconds = (System.nanoTime() - t0) * 1e-9;
        MemoryPlan plan = plans.getFirst();
        double de = Math.abs(streamed.testMse() - whole.testMse()) / whole.testMse();
        String phases = streamed.seconds().entrySet().stream().map(e -> e.getKey() + " " + fmt("%.2f", e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("");
        boolean ok = plan.streamed() && plan.panels() > 1 && de < 1e-8 && gpu.cpuFallbacks().stream()
                .noneMatch(f -> f.startsWith("cholesky"));
        if (!ok) {
            failed = true;
        }
        table.row("KRR streamed tiles, " + copies + " copies, n = " + n + ", tile " + tile + ", device budget "
                        + Bytes.format(budget) + " (K " + Bytes.format((long) n * n * 8) + "), " + plan.panels() + " panels (" + phases + "); test MSE rel. diff "
                        + fmt("%.1e", de), fmt("%.3g s", seconds), fmt("K in device memory %.3g s", wholeSeconds),
                fmt("%.2fx the in-memory time", seconds / wholeSeconds), ok ? "ok" : "FAIL: " + plan.line());
    }

    private void gradientDescent(CudaBackend gpu, Sizes s) {
        double[] single = new double[1];
        attempt(gpu, "GD, one net, CUDA graph", () -> {
            Timed t = stepsPerSecond(gpu, 1, s, false);
            single[0] = t.perSecond();
            PeerTable.ours("torch_gd_step", 1 / t.perSecond());
            table.row("GD steps/s, one net, h = " + s.gdH() + ", n = " + s.gdN() + ", d = 5, by " + t.how(),
                    fmt("%.0f", t.perSecond()), "-", "-", "");
        });
        attempt(gpu, "GD, one net, v1 kernels", () -> {  // the oracle against the default (v2): cuda/gd.cu
            System.setProperty(CudaBackend.GD_KERNELS, "v1");
            Timed t;
            try {
                t = stepsPerSecond(gpu, 1, s, false);
            } finally {
                System.clearProperty(CudaBackend.GD_KERNELS);
            }
            table.row("GD steps/s, one net, by " + t.how(), fmt("%.0f", t.perSecond()),
                    single[0] > 0 ? fmt("default kernels: %.0f", single[0]) : "-",
                    single[0] > 0 ? fmt("default %.2fx v1", single[0] / t.perSecond()) : "-", "");
        });
        attempt(gpu, "GD, one net, plain launches", () -> {
            Timed t = stepsPerSecond(gpu, 1, s, true);
            table.row("GD steps/s, one net, by " + t.how(), fmt("%.0f", t.perSecond()),
                    single[0] > 0 ? fmt("by a graph: %.0f", single[0]) : "-",
                    single[0] > 0 ? fmt("%.2fx the graph", t.perSecond() / single[0]) : "-", "");
        });
        attempt(gpu, "GD, " + s.batch() + " nets batched", () -> {
            Timed t = stepsPerSecond(gpu, s.batch(), s, false);
            table.row("GD net-steps/s, " + s.batch() + " nets batched, by " + t.how(),
                    fmt("%.0f", t.perSecond() * s.batch()), single[0] > 0 ? fmt("one net: %.0f", single[0]) : "-",
                    single[0] > 0 ? fmt("%.1fx per net", t.perSecond() * s.batch() / single[0]) : "-", "");
        });
    }

    private record Timed(double perSecond, String how) {}

    /**
     * Steps per second of a batch of {@code nets} nets: 256 untimed steps first (so that a CUDA graph is
     * instantiated and uploaded), then the best of a few runs of a multiple of 128 steps (whole graphs).
     */
    private static Timed stepsPerSecond(CudaBackend gpu, int nets, Sizes s, boolean plain) {
        List<NetProblem> problems = new ArrayList<>();
        for (int b = 0; b < nets; b++) {
            problems.add(featureNet(s.gdN(), s.gdH(), 5, 10 + b));
        }
        long[] warm = new long[nets], steps = new long[nets];
        double[] never = new double[nets];
        Arrays.fill(warm, 256);
        Arrays.fill(steps, s.gdTimedSteps());
        Arrays.fill(never, Double.NEGATIVE_INFINITY);
        if (plain) {
            System.setProperty(CudaBackend.PLAIN_LAUNCHES, "true");
        }
        try (NetBatch batch = gpu.openNets(problems)) {
            batch.advance(warm.clone(), never);
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < s.repeats(); r++) {
                long t0 = System.nanoTime();
                long[] done = batch.advance(steps.clone(), never);
                batch.trainHalfMse(0);
                best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
                if (done[0] != s.gdTimedSteps()) {
                    throw new IllegalStateException("the batch made " + done[0] + " of " + s.gdTimedSteps() + " steps");
                }
            }
            String how = batch.toString();
            return new Timed(s.gdTimedSteps() / best, how.substring(how.indexOf(" by ") + 4, how.length() - 1));
        } finally {
            System.clearProperty(CudaBackend.PLAIN_LAUNCHES);
        }
    }

    /** The two solve paths at the KRR size: our kernels and cuBLAS DTRSV. */
    private void solves(CudaBackend gpu, Sizes s) {
        Matrix x = Points.sample(PointDistribution.SPHERE, s.krrN(), 5, 7, Philox.STREAM_TRAIN_POINTS);
        double ours = timings(gpu).secondsSolve(Kernel.of(KernelType.LAPLACE), x, 1e-8, false, s.repeats());
        double floor = (double) s.krrN() * s.krrN() * 8 / timings(gpu).copyBandwidth(1L << 30) * 2;  // L read once per pass
        if (gpu.device().contains("no cuBLAS")) {
            table.row("Cholesky solve (L L^T)^-1 b, n = " + s.krrN() + ", our kernels", fmt("%.3g s", ours),
                    "cuBLAS absent", fmt("%.1fx the read floor %.3g s", ours / floor, floor), "");
            return;
        }
        double cublas = timings(gpu).secondsSolve(Kernel.of(KernelType.LAPLACE), x, 1e-8, true, s.repeats());
        table.row("Cholesky solve (L L^T)^-1 b, n = " + s.krrN() + ", our kernels (best of " + s.repeats() + ")",
                fmt("%.3g s", ours), fmt("cuBLAS DTRSV x 2: %.3g s (read floor %.3g s)", cublas, floor),
                fmt("%.2fx", cublas / ours), "default: " + gpu.solvePath());
    }

    /** cuBLAS's DTRSM and DSYRK alone at the sizes of our recursion's top level. */
    private void blas(CudaBackend gpu, Sizes s) {
        if (gpu.device().contains("no cuBLAS")) {
            table.row("cuBLAS alone", "cuBLAS absent", "-", "-", "");
            return;
        }
        int n = s.blasN();
        double[] t = timings(gpu).secondsBlasLevel3(n, s.repeats());
        double flops = Math.pow(n / 2.0, 3);
        table.row("cuBLAS alone at n = " + n + ": DTRSM n/2 x n/2 / rank-n/2 DSYRK", fmt("%.3g s / %.3g s", t[0], t[1]),
                fmt("%.1f / %.1f TFLOP/s", flops / t[0] / 1e12, flops / t[1] / 1e12), "-", "");
    }

    private void gram(CudaBackend gpu, Sizes s) {
        int n = s.gramN();
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 5, 3, Philox.STREAM_TRAIN_POINTS);
        double seconds = timings(gpu).secondsGramLower(Kernel.of(KernelType.NTK), x, s.repeats());
        double bandwidth = timings(gpu).copyBandwidth(Math.min(1L << 31, (long) n * n * 8));
        double floor = (double) n * (n + 1) / 2 * 8 / (bandwidth / 2);  // writing the triangle at the copy's write rate
        table.row("NTK Gram, lower, n = " + n + ", d = 5 (device only, best of " + s.repeats() + ")",
                fmt("%.3g s", seconds), fmt("%.3g s (writes at %.0f GB/s)", floor, bandwidth / 2e9),
                fmt("%.2fx the floor", seconds / floor), "");
    }

    /** The feature regime of the paper: mean field, w1 on the sphere, L1, w2 small. */
    private static NetProblem featureNet(int n, int h, int d, long seed) {
        Matrix x = Points.sample(PointDistribution.SPHERE, n, d, seed, Philox.STREAM_TRAIN_POINTS);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.abs(x.get(i, 0));
        }
        TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, h, d, seed), null,
                NetInit.w2(NetInit.W2.parse("1e-3"), h, seed), Scale.MEAN_FIELD);
        return new NetProblem(x, y, init, GdRule.featureL1(1, 1e-4));
    }

    private void check(String what, String value, boolean ok) {
        failed |= !ok;
        table.row(what, value, "CPU backend", "-", ok ? "ok" : "FAIL");
    }

    private static String firstLine(Throwable e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("").replace('|', '/');
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

    /**
     * The markdown table, printed and appended to a file as each row is made (flushed and forced to disk), so a
     * run killed at its deadline still leaves every finished row.
     */
    private static final class Table implements AutoCloseable {
        private final PrintStream file;

        Table(Path path) throws IOException {
            file = path == null ? null : new PrintStream(Files.newOutputStream(path, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND), true, StandardCharsets.UTF_8);
            String header = "| check | sparsefeat | peer or bound | ratio | verdict |\n|---|---|---|---|---|";
            System.out.println(header);
            if (file != null) {
                file.println(header);
            }
        }

        void row(String what, String value, String peer, String ratio, String verdict) {
            String line = "| " + what + " | " + value + " | " + peer + " | " + ratio + " | " + verdict + " |";
            System.out.println(line);
            if (file != null) {
                file.println(line);
                file.flush();
            }
        }

        /** A line beside the table (stdout only: check.sh keeps it in check.log). */
        void note(String line) {
            System.out.println("# " + line);
            System.out.flush();
        }

        @Override
        public void close() {
            if (file != null) {
                file.close();
            }
        }
    }
}
