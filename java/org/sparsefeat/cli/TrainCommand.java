package org.sparsefeat.cli;

import static org.sparsefeat.util.OutputFile.named;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsefeat.analysis.Stability;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Npy;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetLoss;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.train.NetOptions;
import org.sparsefeat.curve.SweepRunner;
import org.sparsefeat.train.RunRecord;
import org.sparsefeat.train.Snapshots;
import org.sparsefeat.train.TrainCheckpointFile;
import org.sparsefeat.train.Trainer;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.Numbers;
import org.sparsefeat.util.OutputFile;
import org.sparsefeat.util.PhaseTimer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = NetOptionFlags.class,
        description = {"Train a wide two-layer ReLU net by full-batch gradient descent (lazy or feature regime).",
                "f(x) = s sum_h w2_h relu(w1_h.x + b_h); predictor alpha f or alpha (f - f0); loss"
                        + " (1/n) sum (F - y)^2 / (2 alpha) + R(w); step lr*h."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Option(names = "--net-seed", paramLabel = "S", description = "Seed of the initial weights (default: --seed).")
    Long netSeed;

    @Option(names = "--atoms-every-checkpoint", description = "Count atoms at every checkpoint (always at the end).")
    boolean atomsEveryCheckpoint;

    @Option(names = "--atom-epsilon", defaultValue = "1e-3", paramLabel = "E",
            description = "Relative threshold of the robust atom count (default ${DEFAULT-VALUE}).")
    double atomEpsilon;

    @Option(names = "--rotation-angle", defaultValue = "10", paramLabel = "DEG", converter = RotationAngle.class,
            description = "Angle in degrees, 0 < DEG <= 180, of the rotation-stability measure on the test points"
                    + " (docs/method.md, 'Stability'; default ${DEFAULT-VALUE}, the reference's).")
    double rotationAngle;

    @Mixin
    ProgressOption progress;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--out", paramLabel = "run.json", description = {"Write the run as JSON. The training is saved"
            + " beside it (run.json.ckpt) every --checkpoint-every minutes and at Ctrl-C, and the same command resumes"
            + " it; the file is removed once the result is written."})
    Path out;

    @Option(names = "--checkpoint-every", defaultValue = "" + SweepRunner.CHECKPOINT_MINUTES, paramLabel = "MINUTES",
            description = "With --out, how often the training is saved (default ${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @Option(names = "--save-weights", paramLabel = "DIR", description = "Save the final w1.npy, w2.npy (and b.npy) in DIR.")
    Path saveWeights;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (saveWeights != null && Files.exists(saveWeights) && !Files.isDirectory(saveWeights)) {
            throw new InvalidInputException("--save-weights " + saveWeights + " exists and is not a directory");
        }
        if (!(checkpointMinutes > 0) || Double.isInfinite(checkpointMinutes)) {
            throw new InvalidInputException("--checkpoint-every must be a number of minutes > 0, got " + checkpointMinutes);
        }
        progress.check();
        Map<String, Object> given = NetOptionFlags.given(spec);
        NetOptions net = NetOptions.of(given, NetOptions.Regime.TRAIN);
        Trainer.Options options = net.trainer(atomsEveryCheckpoint, atomEpsilon);
        if (!data.fromFiles()) {
            data.spec();
        }
        backendOptions.check();
        List<OutputFile.Named> inputs = new java.util.ArrayList<>(data.inputs());
        for (String[] init : new String[][] {{"--init-w1", net.initW1()}, {"--init-w2", net.initW2()}}) {
            if (init[1].endsWith(".npy")) {  // as initialNet reads them
                inputs.add(named(init[0], Path.of(init[1])));
            }
        }
        if (saveWeights != null) {  // named as typed, before the files in it are
            OutputFile.checkDirectory("--save-weights", saveWeights);
        }
        OutputFiles.check(spec, inputs, named("--out", out), named("--save-weights", weightFile("w1.npy")),
                named("--save-weights", weightFile("w2.npy")), named("--save-weights", net.bias() ? weightFile("b.npy") : null));
        PhaseTimer timer = new PhaseTimer();
        PrintWriter w = OutputFiles.messages(spec, out);
        PrintWriter err = spec.commandLine().getErr();
        // not beside a device or pipe (--out /dev/stdout): nothing to resume there
        Path saveFile = out != null && !OutputFile.writtenInPlace(out) ? out.resolveSibling(out.getFileName() + ".ckpt")
                : null;
        AtomicLong step = new AtomicLong();
        TrainCheckpointFile saves = null;
        Trainer.Result r;
        try (StepProgress steps = new StepProgress("train", "train", net.maxSteps(), progress, err);
             Backend backend = backendOptions.open();
             StopOnSignal signal = StopOnSignal.install(err, () -> {
                 steps.close();  // the message on a line of its own
                 if (saveFile == null) {
                     return "interrupted at step " + step.get() + " of " + net.maxSteps() + "; the run is lost (with"
                             + " --out run.json the training is saved beside it at Ctrl-C and the same command resumes it)";
                 }
                 return Files.exists(saveFile) ? "interrupted; run the same command again to resume the training from "
                         + saveFile : "interrupted before the training started; nothing to resume";
             })) {
            Dataset ds = timer.time("data", () -> data.load(backend, true));
            TwoLayerNet init = initialNet(ds.d(), net, given.containsKey("h"));
            GdRule rule = net.rule(java.util.Arrays.stream(init.w2()).allMatch(v -> v == 0));
            Trainer.Job job = new Trainer.Job(ds, init, rule);
            saves = saveFile == null ? null : new TrainCheckpointFile(saveFile, identity(ds, init, net, backend),
                    List.of(init.scale()), Duration.ofMillis(Math.round(checkpointMinutes * 60_000)), signal::requested,
                    line -> steps.say("train: " + line));
            signal.working(saves != null);  // the hook waits for the training to save
            try {
                TrainCheckpointFile snapshots = saves;
                r = timer.time("train", () -> Trainer.train(backend, List.of(job), options, (done, total, tr, te) -> {
                    step.set(done);
                    steps.update(done, String.format(java.util.Locale.ROOT, "train mse %.3e, test mse %.3e", 2 * tr, 2 * te));
                }, snapshots).getFirst());
            } catch (Snapshots.Stopped e) {
                steps.close();
                signal.stopped();
                return SweepCommand.EXIT_INTERRUPTED;
            } finally {
                signal.working(false);
            }
            steps.finish(r.steps(), switch (r.status()) {
                case CONVERGED -> "converged (the training loss is below --loss-stop)";
                case MAX_STEPS -> "--max-steps reached";
                case DIVERGED -> "diverged";
            });
            TwoLayerNet finalNet = r.net();
            GdRule finalRule = rule;
            double rotation = timer.time("stability", () -> Stability.rotation(x -> predictor(backend, r.init(), finalNet,
                    finalRule, x), ds.xTest(), rotationAngle, 0));
            double earlier = saves == null ? 0 : saves.loadedSeconds();
            Map<String, Object> result = describe(ds, init, net, r, rotation, backend, timer, earlier);
            boolean diverged = r.status() == Trainer.Status.DIVERGED;
            if (diverged) {
                w.printf("train: diverged at step %d (the loss became NaN); the run up to then is kept%n", r.steps());
            } else {
                w.printf("train h=%d n=%d d=%d alpha=%g: %s after %d steps, test_mse=%.6e train_mse=%.3e, atoms %d (exact)"
                                + " / %d (eps %.0e), %.1f s%s on %s%s%n", init.h(), ds.n(), ds.d(), net.alpha(),
                        r.status().name().toLowerCase(java.util.Locale.ROOT), r.steps(), r.testMse(), r.trainMse(),
                        r.atoms().exact(), r.atoms().thresholded(), atomEpsilon, timer.total() + earlier, earlier > 0
                                ? String.format(java.util.Locale.ROOT, " (this run %.1f s, earlier runs %.1f s)",
                                timer.total(), earlier) : "", BackendOptions.ranOn(backend), r.health().suffix());
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
            if (saves != null) {
                saves.delete();
            }
            return diverged ? Main.EXIT_FAILURE : 0;
        }
    }

    /**
     * Everything the training depends on, as a checkpoint's identity: the options, the data and initial weights (by
     * their bits: files may change between runs), the backend and its threads (a resumed run then ends with the bits
     * of one that never stopped).
     */
    private String identity(Dataset ds, TwoLayerNet init, NetOptions net, Backend backend) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (double[] a : new double[][] {ds.xTrain().data(), ds.yTrain(), ds.xTest().data(), ds.yTest(), init.w1().data(),
                init.b(), init.w2()}) {
            if (a != null) {
                ByteBuffer bytes = ByteBuffer.allocate(8 * a.length + 4).putInt(a.length);
                bytes.asDoubleBuffer().put(a);
                sha.update(bytes.array());
            }
        }
        return "train\noptions=" + net.toMap() + "\natoms_every_checkpoint=" + atomsEveryCheckpoint + "\natom_epsilon="
                + atomEpsilon + "\ndata=" + data.describe() + "\nbits=" + HexFormat.of().formatHex(sha.digest())
                + "\nbackend=" + backend.name() + ", " + backend.threads() + " threads";
    }

    private Path weightFile(String name) { return saveWeights == null ? null : saveWeights.resolve(name); }

    private static double[] predictor(Backend backend, TwoLayerNet init, TwoLayerNet net, GdRule rule, Matrix x) {
        double[] f = backend.netOutputs(net, x);
        return NetLoss.predictor(rule.alpha(), f, rule.minusF0() ? backend.netOutputs(init, x) : null);
    }

    /** Initial weights from kinds (drawn with the net seed) or from .npy files, checked against d and each other. */
    private TwoLayerNet initialNet(int d, NetOptions net, boolean hGiven) {
        String initW1 = net.initW1(), initW2 = net.initW2();
        Integer h = hGiven ? net.h() : null;
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
            neurons = net.h();
        }
        if (neurons < 1) {
            throw new InvalidInputException("--h must be >= 1, got " + neurons);
        }
        if (w1 == null) {
            w1 = NetInit.w1(net.w1Kind(), neurons, d, seed);
        }
        if (w2 == null) {
            w2 = NetInit.w2(net.w2Kind(), neurons, seed);
        }
        return new TwoLayerNet(w1, net.bias() ? new double[neurons] : null, w2, net.scale());
    }

    /** @param earlier the training seconds of the runs this one resumed */
    private Map<String, Object> describe(Dataset ds, TwoLayerNet init, NetOptions net, Trainer.Result r, double rotation,
                                         Backend backend, PhaseTimer timer, double earlier) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "train");
        m.put("version", Version.VERSION);
        m.put("n", ds.n());
        m.put("n_test", ds.nTest());
        m.put("d", ds.d());
        Map<String, Object> options = net.toMap();
        options.put("h", init.h());  // the init files' when given
        m.putAll(options);
        RunRecord.putOutcome(m, r);
        m.put("mse", "train_mse/test_mse: full, mean (F - y)^2; *_half_mse: (1/2n) sum (F - y)^2 as the reference logs");
        Map<String, Object> atoms = new LinkedHashMap<>();
        atoms.put("exact", r.atoms().exact());
        atoms.put("thresholded", r.atoms().thresholded());
        atoms.put("epsilon", r.atoms().epsilon());
        m.put("atoms", atoms);
        m.put("rotation_stability", Map.of("angle_degrees", rotationAngle, "value", Numbers.finiteOrNull(rotation)));
        m.put("dynamics", RunRecord.dynamics(r));
        m.put("data", data.describe());
        Map<String, Double> seconds = new LinkedHashMap<>(timer.seconds());  // this run's phases
        if (earlier > 0) {
            seconds.put("earlier_runs", earlier);
        }
        seconds.put("total", timer.total() + earlier);
        m.put("seconds", seconds);
        m.put("backend", backend.name());
        m.put("device", backend.device());
        m.put("cpu_fallbacks", backend.cpuFallbacks());
        m.put("threads", backend.threads());
        return m;
    }

}
