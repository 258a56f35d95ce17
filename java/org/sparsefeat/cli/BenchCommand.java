package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.perf.BenchFiles;
import org.sparsefeat.perf.BenchRun;
import org.sparsefeat.perf.Machine;
import org.sparsefeat.perf.Row;
import org.sparsefeat.perf.Suite;
import org.sparsefeat.util.Durations;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = BenchCompareCommand.class,
        description = {"Benchmarks this machine: its ceilings (float64 GEMM through the engine's BLAS, memory bandwidth;"
                + " on a GPU also cuBLAS's GEMM and the host-device copies),"
                + " then ladders of sizes for each hot path (Gram, Cholesky in core and tiled, KRR, the GD step, the image"
                + " net's flow step; out of core KRR in --suite full), with the peers on the same data (numpy/scipy and PyTorch on the"
                + " CPU; PyTorch and CuPy on a GPU).",
                "Writes bench.json, bench.csv and report.html to --out (README, 'Benchmarking a machine')."})
final class BenchCommand implements Callable<Integer> {
    /** The system property that names the CUDA emulator's library: bench then runs toy sizes (a dry run). */
    static final String EMULATOR_PROPERTY = "sparsefeat.cudaEmulator";

    @Option(names = "--suite", defaultValue = "quick", paramLabel = "quick|standard|full|toy",
            description = "How much to measure (default: ${DEFAULT-VALUE}, under 3 minutes on 2 cores; standard is what"
                    + " to report for a machine; full adds larger sizes and the out of core factorisation; toy, seconds,"
                    + " only checks that the tool and its peers work).")
    String suite;

    @Option(names = "--no-peers", description = "Skip the peers (python3 benchmarks/bench_peers.py).")
    boolean noPeers;

    @Option(names = "--out", defaultValue = "bench-out", paramLabel = "DIR",
            description = "Directory for bench.json, bench.csv, report.html and its plots (default: ${DEFAULT-VALUE};"
                    + " created if missing).")
    Path out;

    @Mixin
    BackendOptions backendOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static Suite suite(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "quick" -> Suite.QUICK;
            case "standard" -> Suite.STANDARD;
            case "full" -> Suite.FULL;
            case "toy" -> Suite.TOY;
            default -> throw new org.sparsefeat.util.InvalidInputException("--suite " + text
                    + " is not one of quick, standard, full or toy");
        };
    }

    @Override
    public Integer call() throws Exception {
        Suite chosen = suite(suite);
        backendOptions.check();
        OutputFile.checkDirectory("--out", out);
        OutputFiles.check(spec, OutputFile.named("--out", out.resolve(BenchFiles.JSON_FILE)),
                OutputFile.named("--out", out.resolve(BenchFiles.CSV_FILE)),
                OutputFile.named("--out", out.resolve(BenchFiles.HTML_FILE)));
        PrintWriter err = spec.commandLine().getErr();
        Path work = Files.createTempDirectory("sparsefeat-bench");
        BenchFiles.prepareGraphics(work);
        try (Backend backend = open();
                StopOnSignal signal = StopOnSignal.install(err, () -> "interrupted; the rows that finished are in " + out)) {
            boolean emulated = emulated();
            Suite run = emulated ? Suite.TOY : chosen;
            if (emulated) {
                err.println("bench: on the CUDA emulator (" + EMULATOR_PROPERTY + "): suite toy whatever --suite says: a dry"
                        + " run of the kernels, not a measurement");
            }
            Map<String, Object> machine = Machine.fingerprint(backend, Version.VERSION);
            err.println("bench: suite " + run.name().toLowerCase(Locale.ROOT) + " on " + BackendOptions.ranOn(backend));
            err.flush();
            long start = System.nanoTime();
            signal.working(true);
            BenchRun.Result result;
            try {
                result = new BenchRun(backend, run, !noPeers, work, signal::requested,
                        (row, done, planned) -> progress(err, row, done, planned, (System.nanoTime() - start) * 1e-9))
                        .run();
                machine.put("load_average_at_end", Machine.loadAverage());
                machine.put("seconds", (System.nanoTime() - start) * 1e-9);
                BenchFiles.write(out, machine, run.name().toLowerCase(Locale.ROOT), result.rows(), result.stopped());
            } finally {
                signal.working(false);
            }
            if (result.stopped()) {
                signal.stopped();
                return SweepCommand.EXIT_INTERRUPTED;
            }
            var w = OutputFiles.messages(spec);
            w.printf(Locale.ROOT, "bench: %d rows in %s; wrote %s, %s and %s in %s%n", result.rows().size(),
                    Durations.format((System.nanoTime() - start) * 1e-9), BenchFiles.JSON_FILE, BenchFiles.CSV_FILE,
                    BenchFiles.HTML_FILE, out);
            w.flush();
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    private boolean emulated() {
        return System.getProperty(EMULATOR_PROPERTY) != null && backendOptions.backend.trim().equalsIgnoreCase("cuda");
    }

    /**
     * The backend; with --backend cuda and {@value #EMULATOR_PROPERTY} set, the CUDA backend over the emulator, so that
     * the device check's dry run exercises the same command on a machine without a GPU. The emulator's Java entry
     * (cuda/emu/java) is compiled only into the tests and the -Pbench build, never the product: hence reflection.
     */
    private Backend open() {
        if (!emulated()) {
            return backendOptions.open();
        }
        int threads = backendOptions.threads();
        try {
            Class<?> emulator = Class.forName("org.sparsefeat.backend.cuda.Emulator");
            if (!(boolean) emulator.getMethod("available").invoke(null)) {
                throw new org.sparsefeat.util.InvalidInputException("--backend cuda: no CUDA emulator ("
                        + emulator.getMethod("whyNot").invoke(null) + ")");
            }
            Backend b = (Backend) emulator.getMethod("backend", int.class, boolean.class).invoke(null, threads, true);
            org.sparsefeat.linalg.NativeThreads.setOpenBlasThreads(threads);
            return b;
        } catch (ClassNotFoundException e) {
            throw new org.sparsefeat.util.InvalidInputException("--backend cuda: " + EMULATOR_PROPERTY + " is set but this"
                    + " build has no CUDA emulator (it comes with the tests and the -Pbench build)");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the CUDA emulator's entry point changed", e);
        }
    }

    /** One line per finished row: the count, what ran, its time and rate, elapsed and an ETA from the pace so far. */
    static void progress(PrintWriter err, Row r, int done, int planned, double elapsed) {
        String what = r.ran()
                ? String.format(Locale.ROOT, "%.4g s (median %.4g s), %.3g %s%s", r.min(), r.median(), r.rate(), r.unit(),
                        Double.isFinite(r.fractionOfCeiling())
                                ? String.format(Locale.ROOT, ", %.0f%% of GEMM", 100 * r.fractionOfCeiling()) : "")
                : "not run: " + r.note();
        double eta = elapsed / done * Math.max(0, planned - done);
        err.printf(Locale.ROOT, "bench [%d/%d] %s %s %s: %s; elapsed %s, ETA %s%n", done, planned, r.path(), r.impl(),
                r.shape(), what, Durations.format(elapsed), done < planned ? Durations.format(eta) : "0 s");
        err.flush();
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (java.io.IOException e) {
            // a temporary directory left behind is no reason to fail a finished run
        }
    }
}
