package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.distributed.Cluster;
import org.sparsefeat.distributed.Launcher;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.krr.KrrOptions;
import org.sparsefeat.krr.KrrResources;
import org.sparsefeat.krr.MemoryPlan;
import org.sparsefeat.krr.KrrRun;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.util.Bytes;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.MachineMemory;
import org.sparsefeat.util.OutputFile;
import org.sparsefeat.util.PhaseTimer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "krr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Exact kernel ridge(less) regression: Cholesky of K + ridge I, solve, predict; float64.",
                "Reports the full test MSE, mean (f - y)^2, and seconds per phase."})
final class KrrCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--ridge", defaultValue = "0", paramLabel = "L",
            description = "Ridge lambda >= 0 added to K's diagonal (default 0: ridgeless interpolation).")
    double ridge;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--rotation-angle", paramLabel = "DEG", converter = RotationAngle.class,
            description = "Also measure the predictor's stability to rotations by this angle in degrees, 0 < DEG <= 180,"
                    + " on the test points (docs/method.md, 'Stability'; default: not measured; train's is 10).")
    Double rotationAngle;

    @Option(names = "--out", paramLabel = "result.json", description = "Write the result as JSON.")
    Path out;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory budget for the kernel matrix and its work space, e.g. 8g (default: 80%% of what the"
                    + " machine has available; at most its memory). Where K does not fit it goes to a scratch file (README,"
                    + " 'Memory'). On a distributed run, per rank.")
    String memory;

    @Option(names = "--scratch", paramLabel = "DIR",
            description = "Keep the factor in a scratch file under DIR (out of core, journaled: rerunning the same"
                    + " command resumes a stopped run); created if missing. Default: the system's temporary directory when K"
                    + " does not fit. Distributed: where every rank journals its part (README, 'Beyond one machine').")
    Path scratch;

    @Option(names = "--device-memory", paramLabel = "SIZE",
            description = "With --backend cuda: device memory the factorisation may use (default: 90%% of what is free; at most"
                    + " what is free)."
                    + " Where K does not fit it is factored in tiles streamed from host memory (README, 'Memory').")
    String deviceMemory;

    @Option(names = "--tile", paramLabel = "B", defaultValue = "0",
            description = "Side B of the square tiles K's lower triangle is stored and factored in (a tiled Cholesky;"
                    + " out of core a tile column, B x n, is the unit of disk traffic and of resuming). Default 0: 2048,"
                    + " or smaller when --memory cannot hold a tile column. Fixing it fixes the result's last bits"
                    + " across machines and takes the tiled path at small n too (README, 'Memory').")
    int tile;

    @Option(names = "--distributed",
            description = "Run on the processes of an MPI job even when the launcher started only one (a launcher's"
                    + " several processes - mpirun, srun - make the run distributed anyway): K factored over them by"
                    + " ScaLAPACK (README, 'Beyond one machine').")
    boolean distributed;

    @Option(names = "--grid", paramLabel = "RxC",
            description = "Distributed: the process grid, ROWSxCOLS = the ranks started (default: the most nearly square).")
    String grid;

    @Option(names = "--block", paramLabel = "B", defaultValue = "0",
            description = "Distributed: the side of the blocks of K dealt round the process grid (default 0: "
                    + org.sparsefeat.distributed.ProcessGrid.DEFAULT_BLOCK + ").")
    int block;

    static final double DEFAULT_CHECKPOINT_MINUTES = 10;

    @Option(names = "--checkpoint-every", defaultValue = "10", paramLabel = "MINUTES",
            description = "Distributed, with --scratch: how often every rank journals its part of the factorisation"
                    + " (default ${DEFAULT-VALUE}; 0: after every panel); the same command, rerun, resumes from there.")
    double checkpointMinutes;

    @Mixin
    ProgressOption progress;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PhaseTimer timer = new PhaseTimer();  // "total" is the command's wall-clock time from here to its result
        Map<String, Object> given = kernelOptions.values();
        given.put("ridge", ridge);
        KrrOptions options = KrrOptions.of(given);
        Kernel kernel = options.kernel();
        if (!data.fromFiles()) {
            data.spec();  // option errors before any work
        }
        OutputFiles.check(spec, data.inputs(), OutputFile.named("--out", out));
        progress.check();
        if (tile < 0) {
            throw new InvalidInputException("--tile must be >= 1 (or 0 for the default), got " + tile);
        }
        Long budget = memory == null ? null : MachineMemory.budget(memory, "--memory");
        Long deviceBudget = deviceMemory == null ? null : Bytes.parse(deviceMemory, "--device-memory");
        backendOptions.check();
        backendOptions.requireGpuFor("--device-memory", deviceMemory);
        if (scratch != null) {
            OutputFile.checkDirectory("--scratch", scratch);
        }
        boolean onRanks = Launcher.distributed(distributed, System.getenv());
        if (!onRanks && (grid != null || block != 0)) {
            throw new InvalidInputException((grid != null ? "--grid" : "--block") + " applies to a distributed run:"
                    + " start sparsefeat with mpirun or srun, or give --distributed");
        }
        if (block < 0) {
            throw new InvalidInputException("--block must be >= 1 (or 0 for the default), got " + block);
        }
        if (onRanks && (deviceMemory != null || rotationAngle != null)) {
            throw new InvalidInputException((deviceMemory != null ? "--device-memory" : "--rotation-angle")
                    + " is not supported on a distributed run yet (README, 'Beyond one machine')");
        }
        if (!(checkpointMinutes >= 0) || Double.isInfinite(checkpointMinutes)) {
            throw new InvalidInputException("--checkpoint-every must be a number of minutes >= 0, got "
                    + checkpointMinutes);
        }
        if (!onRanks && checkpointMinutes != DEFAULT_CHECKPOINT_MINUTES) {
            throw new InvalidInputException("--checkpoint-every applies to a distributed run (one process journals"
                    + " every tile column out of core)");
        }
        try (Cluster cluster = onRanks ? Cluster.open(grid, block) : null) {
            return run(cluster, options, kernel, budget, deviceBudget, timer);
        }
    }

    private Integer run(Cluster cluster, KrrOptions options, Kernel kernel, Long budget, Long deviceBudget,
            PhaseTimer timer) throws Exception {
        boolean speaks = cluster == null || cluster.rank() == 0;  // one voice: rank 0 prints and writes
        PrintWriter err = speaks ? spec.commandLine().getErr() : new PrintWriter(java.io.Writer.nullWriter());
        AtomicReference<MemoryPlan> planned = new AtomicReference<>();
        Supplier<String> stopped = () -> planned.get() != null && planned.get().scratch() != null
                ? "interrupted; run the same command again to resume from the journal in " + planned.get().scratch()
                : "interrupted";
        try (Backend backend = timer.time("startup", backendOptions::open); StopOnSignal signal = StopOnSignal.install(err, stopped);
                WorkProgress monitor = new WorkProgress("krr", progress, err, signal::requested)) {
            if (deviceBudget != null && !backend.factorsOnDevice()) {  // --backend auto without a usable GPU
                err.println("krr: --device-memory " + deviceMemory + " is not used: " + backend.name() + " ("
                        + backend.device() + ") does not factor on a GPU");
                err.flush();
            } else if (deviceBudget != null) {
                org.sparsefeat.util.MachineMemory.requireDeviceBudget(deviceBudget, deviceMemory,
                        backend.deviceMemoryFree(), backend.device(), "--device-memory");
            }
            Dataset ds = timer.time("data", () -> data.load(backend, true));
            KrrResources resources = new KrrResources(budget, scratch, tile, monitor, plan -> {
                planned.set(plan);
                monitor.expect(plan.factorSeconds());
                err.println("krr: " + plan.line());
                err.flush();
            }, deviceBudget);
            KrrRun.Outcome r;
            signal.working(true);
            try {
                r = KrrRun.run(backend, kernel, ridge, ds, timer, resources, cluster, checkpointMinutes);
            } catch (Monitor.Stopped e) {
                return stopped(monitor, signal);
            } finally {
                signal.working(false);
            }
            if (signal.requested()) {
                return stopped(monitor, signal);  // the signal came after the last check: still no result
            }
            if (!Double.isFinite(r.testMse()) || !Double.isFinite(r.trainMse())) {
                throw new NonFiniteResultException("the KRR result is not finite (test MSE " + r.testMse()
                        + ", train MSE " + r.trainMse() + "); nothing was written. Check the inputs' scale, add a"
                        + " ridge (--ridge), and keep float64.");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("command", "krr");
            result.put("version", Version.VERSION);
            result.putAll(options.toMap());
            result.put("n", ds.n());
            result.put("n_test", ds.nTest());
            result.put("d", ds.d());
            result.put("test_mse", r.testMse());
            result.put("train_mse", r.trainMse());
            result.put("mse", "full: mean over points of (f(x) - y)^2");
            if (rotationAngle != null) {
                double s = timer.time("stability", () -> org.sparsefeat.analysis.Stability.rotation(
                        x -> r.model().predict(backend, x), ds.xTest(), rotationAngle, 0));
                result.put("rotation_stability", Map.of("angle_degrees", rotationAngle, "value", s));
                if (signal.requested()) {
                    return stopped(monitor, signal);
                }
            }
            result.put("memory_plan", r.plan().toMap());
            if (cluster != null) {
                result.put("distributed", Map.of("ranks", cluster.size(), "grid", cluster.grid().label(), "block",
                        cluster.grid().block()));
            }
            result.put("data", data.describe());
            Map<String, Double> seconds = new LinkedHashMap<>(r.seconds());
            seconds.put("total", timer.elapsed());
            result.put("seconds", seconds);
            result.put("backend", backend.name());
            result.put("device", backend.device());
            result.put("cpu_fallbacks", backend.cpuFallbacks());
            result.put("threads", backend.threads());
            if (!speaks) {
                return 0;
            }
            var w = OutputFiles.messages(spec, out);
            w.printf("krr %s n=%d n_test=%d d=%d ridge=%g: test_mse=%.6e train_mse=%.3e (%.2f s: gram %.2f, cholesky"
                            + " %.2f, solve %.2f, predict %.2f) on %s%s%n", kernel, ds.n(), ds.nTest(), ds.d(), ridge,
                    r.testMse(), r.trainMse(), seconds.get("total"), seconds.get("gram"), seconds.get("cholesky"),
                    seconds.get("solve"), seconds.get("predict"), BackendOptions.ranOn(backend), cluster == null ? ""
                            : " x " + cluster.size() + " ranks (grid " + cluster.grid().label() + ", block "
                            + cluster.grid().block() + ")");
            if (out != null) {
                OutputFiles.writeJson(out, result);
                w.println("wrote " + out);
            }
        }
        return 0;
    }

    /** The work stopped at a signal: the bar's line ends before the message says how to resume; no result. */
    private static int stopped(WorkProgress monitor, StopOnSignal signal) {
        monitor.close();
        signal.stopped();
        return SweepCommand.EXIT_INTERRUPTED;
    }
}
