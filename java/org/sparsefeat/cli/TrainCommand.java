package org.sparsefeat.cli;

import static org.sparsefeat.util.OutputFile.named;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.sparsefeat.analysis.Stability;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Npy;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.LambdaSchedule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetLoss;
import org.sparsefeat.net.Regularizer;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.train.Trainer;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.Numbers;
import org.sparsefeat.util.OutputFile;
import org.sparsefeat.util.PhaseTimer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a wide two-layer ReLU net by full-batch gradient descent (lazy or feature regime).",
                "f(x) = s sum_h w2_h relu(w1_h.x + b_h); predictor alpha f or alpha (f - f0); loss"
                        + " (1/n) sum (F - y)^2 / (2 alpha) + R(w); step lr*h."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Option(names = "--h", paramLabel = "H", description = "Neurons (default 1000; taken from --init-w1/--init-w2 files).")
    Integer h;

    @Option(names = "--scale", defaultValue = "mean-field", paramLabel = "mean-field|ntk",
            description = "Output prefactor 1/h (mean-field, the reference's) or 1/sqrt(h) (default ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--bias", description = "Give each neuron a bias (initialised to 0; unused in the paper).")
    boolean bias;

    @Option(names = "--init-w1", defaultValue = "normal", paramLabel = "KIND|W1.npy",
            description = "normal (iid N(0,1)), unitary (rows on the sphere), fibonacci, or a float64 .npy of shape (h, d)"
                    + " (default ${DEFAULT-VALUE}).")
    String initW1;

    @Option(names = "--init-w2", defaultValue = "normal", paramLabel = "KIND|w2.npy",
            description = "normal, zero, one (random +-1), a number s (s N(0,1)), or a .npy of shape (h,) (default ${DEFAULT-VALUE}).")
    String initW2;

    @Option(names = "--net-seed", paramLabel = "S", description = "Seed of the initial weights (default: --seed).")
    Long netSeed;

    @Option(names = "--alpha", defaultValue = "1", paramLabel = "A", description = "The alpha-trick's scale (default ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--minus-f0", description = "Predict alpha (f - f0), f0 the frozen initial net (required for alpha > 1).")
    boolean minusF0;

    @Option(names = "--lr", defaultValue = "1", paramLabel = "LR", description = "Learning rate; the step is lr*h (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--reg", defaultValue = "none", paramLabel = "none|l1|l2",
            description = "Regulariser: l1 = (lambda/h) sum |w1_h||w2_h| (path norm), or (lambda/h) sum |w2_h| with --sphere-w1;"
                    + " l2 = (lambda/2h) sum p^2 (default ${DEFAULT-VALUE}).")
    String reg;

    @Option(names = "--lambda", defaultValue = "0", paramLabel = "L", description = "Regularisation strength (default ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--lambda-schedule", defaultValue = "none", paramLabel = "none|pow_law|exp|pl_exp",
            description = "lambda(t) (default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--lambda-power", defaultValue = "1", paramLabel = "P", description = "The p of pow_law and exp (default ${DEFAULT-VALUE}).")
    double schedulePower;

    @Option(names = "--sphere-w1", description = "Keep every row of w1 on the unit sphere.")
    boolean sphereW1;

    @Option(names = "--conic", description = "Conic gradient descent (Chizat and Bach).")
    boolean conic;

    @Option(names = "--reference-quirks", description = "Reproduce the reference's quirks for step-by-step comparison:"
            + " the step-0 regulariser with lambda = 0.5, conic GD's signed division, the atom-norm indexing.")
    boolean quirks;

    @Option(names = "--max-steps", defaultValue = "10000", paramLabel = "T",
            description = "Step limit, e.g. 1e6 (default ${DEFAULT-VALUE}).")
    long maxSteps;

    @Option(names = "--loss-stop", defaultValue = "1e-30", paramLabel = "E",
            description = "Stop when the training half MSE falls below this (default ${DEFAULT-VALUE}).")
    double lossStop;

    @Option(names = "--save-freq", defaultValue = "10000", paramLabel = "S",
            description = "Checkpoints: log-spaced up to S steps, then every S (default ${DEFAULT-VALUE}).")
    long saveFreq;

    @Option(names = "--atoms-every-checkpoint", description = "Count atoms at every checkpoint (always at the end).")
    boolean atomsEveryCheckpoint;

    @Option(names = "--atom-epsilon", defaultValue = "1e-3", paramLabel = "E",
            description = "Relative threshold of the robust atom count (default ${DEFAULT-VALUE}).")
    double atomEpsilon;

    @Option(names = "--rotation-angle", defaultValue = "10", paramLabel = "DEG",
            description = "Angle of the rotation-stability measure on the test points (default ${DEFAULT-VALUE}).")
    double rotationAngle;

    @Mixin
    ProgressOption progress;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--out", paramLabel = "run.json", description = "Write the run as JSON.")
    Path out;

    @Option(names = "--save-weights", paramLabel = "DIR", description = "Save the final w1.npy, w2.npy (and b.npy) in DIR.")
    Path saveWeights;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (saveWeights != null && Files.exists(saveWeights) && !Files.isDirectory(saveWeights)) {
            throw new InvalidInputException("--save-weights " + saveWeights + " exists and is not a directory");
        }
        progress.check();
        Scale s = Scale.parse(scale);
        GdRule rule = new GdRule(alpha, minusF0, lr, Regularizer.parse(reg), lambda, LambdaSchedule.parse(schedule),
                schedulePower, sphereW1, conic, false, quirks, lossStop);
        if (rule.reg() == Regularizer.NONE && (rule.lambda() != 0 || rule.schedule() != LambdaSchedule.NONE)) {
            throw new InvalidInputException((rule.lambda() != 0 ? "--lambda " + lambda : "--lambda-schedule " + schedule)
                    + " has no effect without a regulariser: add --reg l1 or --reg l2");
        }
        Trainer.Options options = new Trainer.Options(maxSteps, saveFreq, atomsEveryCheckpoint, atomEpsilon);
        if (!data.fromFiles()) {
            data.spec();
        }
        OutputFile.check(named("--out", out), named("--save-weights", weightFile("w1.npy")),
                named("--save-weights", weightFile("w2.npy")), named("--save-weights", bias ? weightFile("b.npy") : null));
        PhaseTimer timer = new PhaseTimer();
        PrintWriter w = OutputFiles.messages(spec, out);
        try (Backend backend = backendOptions.open()) {
            Dataset ds = timer.time("data", () -> data.load(backend, true));
            TwoLayerNet init = initialNet(ds.d(), s);
            boolean w2StartsAtZero = java.util.Arrays.stream(init.w2()).allMatch(v -> v == 0);
            rule = new GdRule(rule.alpha(), rule.minusF0(), rule.lr(), rule.reg(), rule.lambda(), rule.schedule(),
                    rule.schedulePower(), rule.sphereW1(), rule.conic(), !w2StartsAtZero, rule.referenceQuirks(),
                    rule.lossStop());
            Trainer.Job job = new Trainer.Job(ds, init, rule);
            Trainer.Result r;
            try (ProgressBar bar = progress.bar("train", maxSteps, spec.commandLine().getErr())) {
                r = timer.time("train", () -> Trainer.train(backend, List.of(job), options, (done, total, tr, te) -> {
                    if (bar != null) {
                        bar.stepTo(done);
                        bar.setExtraMessage(String.format(" train %.3e test %.3e", 2 * tr, 2 * te));
                    }
                }).getFirst());
            }
            TwoLayerNet finalNet = r.net();
            GdRule finalRule = rule;
            double rotation = timer.time("stability", () -> Stability.rotation(x -> predictor(backend, r.init(), finalNet,
                    finalRule, x), ds.xTest(), rotationAngle, 0));
            Map<String, Object> result = describe(ds, init, rule, r, rotation, backend, timer);
            boolean diverged = r.status() == Trainer.Status.DIVERGED;
            if (diverged) {
                w.printf("train: diverged at step %d (the loss became NaN); the run up to then is kept%n", r.steps());
            } else {
                w.printf("train h=%d n=%d d=%d alpha=%g: %s after %d steps, test_mse=%.6e train_mse=%.3e, atoms %d (exact)"
                                + " / %d (eps %.0e), %.1f s on %s%s%n", init.h(), ds.n(), ds.d(), alpha,
                        r.status().name().toLowerCase(java.util.Locale.ROOT), r.steps(), r.testMse(), r.trainMse(),
                        r.atoms().exact(), r.atoms().thresholded(), atomEpsilon, timer.total(), BackendOptions.ranOn(backend),
                        r.health().suffix());
            }
            if (saveWeights != null && !diverged) {
                Map<Path, OutputFile.Body> files = new LinkedHashMap<>();
                files.put(saveWeights.resolve("w1.npy"), Npy.body(finalNet.w1()));
                files.put(saveWeights.resolve("w2.npy"), Npy.body(finalNet.w2()));
                if (finalNet.hasBias()) {
                    files.put(saveWeights.resolve("b.npy"), Npy.body(finalNet.b()));
                }
                OutputFile.writeAll(files);
                w.println("wrote " + saveWeights.resolve("w1.npy") + ", w2.npy");
            }
            if (out != null) {
                OutputFiles.writeJson(out, result);
                w.println("wrote " + out);
            }
            return diverged ? Main.EXIT_FAILURE : 0;
        }
    }

    private Path weightFile(String name) { return saveWeights == null ? null : saveWeights.resolve(name); }

    private static double[] predictor(Backend backend, TwoLayerNet init, TwoLayerNet net, GdRule rule, Matrix x) {
        double[] f = backend.netOutputs(net, x);
        return NetLoss.predictor(rule.alpha(), f, rule.minusF0() ? backend.netOutputs(init, x) : null);
    }

    /** Initial weights from kinds (drawn with the net seed) or from .npy files, checked against d and each other. */
    private TwoLayerNet initialNet(int d, Scale s) {
        long seed = netSeed != null ? netSeed : (data.generated.seed == null ? 0 : data.generated.seed);
        Matrix w1 = null;
        double[] w2 = null;
        if (initW1.endsWith(".npy")) {
            w1 = Npy.readMatrix(Path.of(initW1), "--init-w1");
            if (w1.cols() != d) {
                throw new InvalidInputException("--init-w1 " + initW1 + " has shape (" + w1.rows() + ", " + w1.cols()
                        + ") but the data have d = " + d + "; expected (h, " + d + ")");
            }
        }
        if (initW2.endsWith(".npy")) {
            w2 = Npy.readVector(Path.of(initW2), "--init-w2");
        }
        int neurons;
        if (w1 != null || w2 != null) {
            neurons = w1 != null ? w1.rows() : w2.length;
            if (w1 != null && w2 != null && w1.rows() != w2.length) {
                throw new InvalidInputException("--init-w1 has " + w1.rows() + " neurons but --init-w2 has " + w2.length);
            }
            if (h != null && h != neurons) {
                throw new InvalidInputException("--h " + h + " disagrees with the " + neurons + " neurons of the init files");
            }
        } else {
            neurons = h == null ? 1000 : h;
        }
        if (neurons < 1) {
            throw new InvalidInputException("--h must be >= 1, got " + neurons);
        }
        if (w1 == null) {
            w1 = NetInit.w1(NetInit.W1.parse(initW1), neurons, d, seed);
        }
        if (w2 == null) {
            w2 = NetInit.w2(NetInit.W2.parse(initW2), neurons, seed);
        }
        return new TwoLayerNet(w1, bias ? new double[neurons] : null, w2, s);
    }

    private Map<String, Object> describe(Dataset ds, TwoLayerNet init, GdRule rule, Trainer.Result r, double rotation,
                                         Backend backend, PhaseTimer timer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "train");
        m.put("version", Version.VERSION);
        m.put("n", ds.n());
        m.put("n_test", ds.nTest());
        m.put("d", ds.d());
        m.put("h", init.h());
        m.put("scale", init.scale().cliName());
        m.put("bias", init.hasBias());
        m.put("init_w1", initW1);
        m.put("init_w2", initW2);
        m.put("alpha", rule.alpha());
        m.put("minus_f0", rule.minusF0());
        m.put("lr", rule.lr());
        m.put("reg", rule.reg().cliName());
        m.put("lambda", rule.lambda());
        m.put("lambda_schedule", rule.schedule().cliName());
        m.put("sphere_w1", rule.sphereW1());
        m.put("conic", rule.conic());
        m.put("reference_quirks", rule.referenceQuirks());
        m.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
        m.put("steps", r.steps());
        m.put("train_mse", Numbers.finiteOrNull(r.trainMse()));
        m.put("test_mse", Numbers.finiteOrNull(r.testMse()));
        m.put("train_half_mse", Numbers.finiteOrNull(r.trainHalfMse()));
        m.put("test_half_mse", Numbers.finiteOrNull(r.testHalfMse()));
        m.put("mse", "train_mse/test_mse: full, mean (F - y)^2; *_half_mse: (1/2n) sum (F - y)^2 as the reference logs");
        m.put("regularizer", Numbers.finiteOrNull(r.regularizer()));
        m.put("warnings", r.health().codes());
        if (!r.health().ok()) {
            m.put("warning", r.health().detail());
        }
        Map<String, Object> atoms = new LinkedHashMap<>();
        atoms.put("exact", r.atoms().exact());
        atoms.put("thresholded", r.atoms().thresholded());
        atoms.put("epsilon", r.atoms().epsilon());
        m.put("atoms", atoms);
        m.put("rotation_stability", Map.of("angle_degrees", rotationAngle, "value", Numbers.finiteOrNull(rotation)));
        List<Map<String, Object>> dyn = new ArrayList<>();
        for (Trainer.Checkpoint c : r.dynamics()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("step", c.step());
            e.put("seconds", c.seconds());
            e.put("train_half_mse", Numbers.finiteOrNull(c.trainHalfMse()));
            e.put("test_half_mse", Numbers.finiteOrNull(c.testHalfMse()));
            e.put("regularizer", Numbers.finiteOrNull(c.regularizer()));
            if (c.atoms() != null) {
                e.put("atoms", c.atoms());
                e.put("atoms_thresholded", c.atomsThresholded());
            }
            dyn.add(e);
        }
        m.put("dynamics", dyn);
        m.put("data", data.describe());
        Map<String, Double> seconds = new LinkedHashMap<>(timer.seconds());
        seconds.put("total", timer.total());
        m.put("seconds", seconds);
        m.put("backend", backend.name());
        m.put("device", backend.device());
        m.put("cpu_fallbacks", backend.cpuFallbacks());
        m.put("threads", backend.threads());
        return m;
    }

}
