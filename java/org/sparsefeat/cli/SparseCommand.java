package org.sparsefeat.cli;

import static org.sparsefeat.util.OutputFile.named;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.sparsefeat.analysis.Stability;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.Backends;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.sparse.LpSolver;
import org.sparsefeat.sparse.MinL1Interpolant;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.Numbers;
import org.sparsefeat.util.PhaseTimer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sparse", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The feature regime's lambda -> 0+ limit: the minimum-L1 ReLU interpolant min sum_h |w_h| s.t."
                + " sum_h w_h relu(theta_h.x_i (+ b_h)) = y_i, theta on the sphere, by column generation over an LP"
                + " (an interior point and a simplex through OpenBLAS, or COIN-OR Clp; docs/method.md, 'The sparse limit')."})
final class SparseCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Option(names = "--bias", description = "Neurons with a bias: (theta, b) on S^d, as train --bias.")
    boolean bias;

    @Option(names = "--tolerance", defaultValue = "" + MinL1Interpolant.Options.DEFAULT_TOLERANCE, paramLabel = "T",
            description = "Stop when no atom violates the dual constraint |sum_i alpha_i relu(theta.x_i)| <= 1 by more"
                    + " than T (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--max-iterations", defaultValue = "" + MinL1Interpolant.Options.DEFAULT_MAX_ITERATIONS,
            paramLabel = "K", description = "LP solves at most (default ${DEFAULT-VALUE}).")
    int maxIterations;

    @Option(names = "--lp", defaultValue = "barrier", paramLabel = "SOLVER", description = "The restricted LP's solver:"
            + " barrier (an interior point, then a simplex to a vertex), simplex (a dense revised simplex), both through"
            + " OpenBLAS with nothing to install, or clp (COIN-OR Clp, apt-get install coinor-libclp1: a second opinion,"
            + " slower from n = 256 on; BENCHMARKS.md 14.3; default ${DEFAULT-VALUE}).")
    String lp;

    @Option(names = "--grid", paramLabel = "M", description = "Starting points of the dual oracle's ascent on the"
            + " sphere (default max(4096, 8n)).")
    Integer grid;

    @Option(names = "--rotation-angle", defaultValue = "10", paramLabel = "DEG", converter = RotationAngle.class,
            description = "Angle in degrees, 0 < DEG <= 180, of the rotation-stability measure on the test points"
                    + " (docs/method.md, 'Stability'; default ${DEFAULT-VALUE}).")
    double rotationAngle;

    @Mixin
    ProgressOption progress;

    @Option(names = "--out", paramLabel = "run.json", description = "Write the result as JSON (atoms included).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new InvalidInputException("--tolerance must be a number > 0, got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new InvalidInputException("--max-iterations must be >= 1, got " + maxIterations);
        }
        LpSolver solver = LpSolver.parse(lp);
        if (solver == null) {
            throw new InvalidInputException("--lp must be barrier, simplex or clp, got '" + lp + "'");
        }
        if (grid != null && grid < 1) {
            throw new InvalidInputException("--grid must be >= 1, got " + grid);
        }
        progress.check();
        if (!data.fromFiles()) {
            data.spec();
        }
        OutputFiles.check(spec, data.inputs(), named("--out", out));
        PrintWriter err = spec.commandLine().getErr();
        String missing = solver.missing();
        if (missing != null) {  // the environment, not the command line: exit 1 as a missing native library
            err.println(spec.qualifiedName() + ": " + missing);
            return Main.EXIT_FAILURE;
        }
        PrintWriter w = OutputFiles.messages(spec, out);
        PhaseTimer timer = new PhaseTimer();
        AtomicInteger done = new AtomicInteger();
        try (Backend backend = Backends.open("cpu", Backends.defaultThreads());
             StepProgress steps = new StepProgress("sparse", "sparse", maxIterations, progress, err);
             StopOnSignal signal = StopOnSignal.install(err, () -> {
                 steps.close();
                 return "interrupted at LP " + done.get() + "; nothing is written (the solve restarts from scratch)";
             })) {
            Dataset ds = timer.time("data", () -> data.load(backend, true));
            MinL1Interpolant.Options options = MinL1Interpolant.Options.defaults(ds.n(), seed(), bias);
            options = new MinL1Interpolant.Options(tolerance, maxIterations, grid != null ? grid : options.grid(),
                    options.seed(), bias, solver);
            MinL1Interpolant.Options o = options;
            signal.working(true);
            MinL1Interpolant.Result r;
            try {
                r = timer.time("solve", () -> MinL1Interpolant.solve(ds.xTrain(), ds.yTrain(), o,
                        new MinL1Interpolant.Progress() {
                            @Override
                            public void iteration(int it, int max, double objective, double violation, int columns) {
                                done.set(it);
                                steps.update(it, String.format(Locale.ROOT, "sum|w| %.6e max dual %.6f atoms tried %d",
                                        objective, violation, columns));
                            }

                            @Override
                            public boolean stop() { return signal.requested(); }
                        }));
            } catch (MinL1Interpolant.Stopped e) {
                steps.close();
                signal.stopped();
                return SweepCommand.EXIT_INTERRUPTED;
            } finally {
                signal.working(false);
            }
            steps.finish(r.iterations(), r.converged() ? "converged (no atom violates the dual constraint)"
                    : "not converged (--max-iterations reached, or 20 LPs without progress); the duality gap says how far it got");
            double trainMse = r.mse(ds.xTrain(), ds.yTrain());
            double testMse = r.mse(ds.xTest(), ds.yTest());
            double rotation = timer.time("stability", () -> Stability.rotation(r::predict, ds.xTest(), rotationAngle, 0));
            w.printf(Locale.ROOT, "sparse n=%d d=%d%s: %s after %d LPs, test_mse=%s train_mse=%.3e, atoms %d, sum|w|=%.9e,"
                            + " duality gap %.1e (relative), residual %.1e, %.1f s%n", ds.n(), ds.d(), bias ? " bias" : "",
                    r.converged() ? "converged" : "not converged", r.iterations(), Double.isFinite(testMse)
                            ? String.format(Locale.ROOT, "%.6e", testMse) : "not a number", trainMse, r.atoms(),
                    r.objective(), r.relativeGap(), r.residual(), timer.total());
            if (out != null) {
                OutputFiles.writeJson(out, describe(ds, r, trainMse, testMse, rotation, timer));
                w.println("wrote " + out);
            }
            return 0;
        }
    }

    private long seed() { return data.generated.seed == null ? 0 : data.generated.seed; }

    private Map<String, Object> describe(Dataset ds, MinL1Interpolant.Result r, double trainMse, double testMse,
                                         double rotation, PhaseTimer timer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "sparse");
        m.put("version", Version.VERSION);
        m.put("n", ds.n());
        m.put("n_test", ds.nTest());
        m.put("d", ds.d());
        m.put("bias", bias);
        m.put("status", r.converged() ? "converged" : "max_iterations");
        m.put("train_mse", Numbers.finiteOrNull(trainMse));
        m.put("test_mse", Numbers.finiteOrNull(testMse));
        m.put("mse", "train_mse/test_mse: full, mean (f - y)^2");
        m.put("objective", r.objective());
        m.put("lower_bound", r.lowerBound());
        m.put("duality_gap", r.relativeGap());
        m.put("max_dual_violation", r.maxViolation());
        m.put("residual", r.residual());
        m.put("iterations", r.iterations());
        m.put("columns", r.columns());
        m.put("lp_atoms", r.lpAtoms());
        m.put("tolerance", tolerance);
        m.put("lp", lp);
        Map<String, Object> atoms = new LinkedHashMap<>();
        atoms.put("count", r.atoms());
        List<double[]> theta = new ArrayList<>();
        for (int h = 0; h < r.atoms(); h++) {
            theta.add(r.theta().row(h));
        }
        atoms.put("theta", theta);
        atoms.put("w", r.w());
        m.put("atoms", atoms);
        m.put("rotation_stability", Map.of("angle_degrees", rotationAngle, "value", Numbers.finiteOrNull(rotation)));
        m.put("data", data.describe());
        Map<String, Double> seconds = new LinkedHashMap<>(timer.seconds());
        seconds.put("total", timer.total());
        m.put("seconds", seconds);
        return m;
    }
}
