package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.classify.FlowCheckpointFile;
import org.sparsefeat.classify.FlowSnapshots;
import org.sparsefeat.classify.GradientFlow;
import org.sparsefeat.classify.ImageNetOptions;
import org.sparsefeat.classify.ImageExperiment;
import org.sparsefeat.curve.SweepRunner;
import org.sparsefeat.images.DatasetStore;
import org.sparsefeat.images.ImageGrid;
import org.sparsefeat.images.ImageSet;
import org.sparsefeat.images.Preprocess;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.krr.KrrResources;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.Numbers;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "images", mixinStandardHelpOptions = true,
        description = "The image experiments: classify (test error, stability to deformations) and deformations (a PNG).",
        subcommands = {ImagesCommand.Classify.class, ImagesCommand.Deformations.class})
final class ImagesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw Main.missingCommand(spec);
    }


    @Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
            defaultValueProvider = ImagesCommand.NetDefaults.class,
        description = {"Classify images by parity: test error and stability to deformations.",
                "MNIST, Fashion-MNIST or CIFAR-10, by a feature-regime or a lazy fully-connected net, a hard-margin SVM"
                        + " or kernel regression.",
                "Images are center-normalised, labels are class parity, splits class-interleaved (docs/method.md, 'Image experiments')."})
    static final class Classify implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "mnist|fashion|cifar10", description = "The data set.")
    String dataset;

    @Option(names = "--method", defaultValue = "feature", paramLabel = "feature|lazy|svm|krr",
            description = "feature: the net at alpha 1e-6 (f0 subtracted); lazy: the same net at --lazy-alpha; svm:"
                    + " hard-margin SVM on the kernel's Gram; krr: sign of ridge(less) kernel regression (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--n", defaultValue = "1024", paramLabel = "N", description = "Training images (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--n-test", defaultValue = "5000", paramLabel = "N", description = "Test images (default ${DEFAULT-VALUE}).")
    int nTest;

    @Option(names = "--seed-train", defaultValue = "0", paramLabel = "S", description = "Training-set seed (default ${DEFAULT-VALUE}).")
    long seedTrain;

    @Option(names = "--seed-test", defaultValue = "0", paramLabel = "S", description = "Test-set seed (default ${DEFAULT-VALUE}).")
    long seedTest;

    @Option(names = "--seed-init", defaultValue = "0", paramLabel = "S", description = "Net initialisation seed (default ${DEFAULT-VALUE}).")
    long seedInit;

    @Option(names = "--kernel", defaultValue = "ntk", paramLabel = "K", description = "Kernel of svm and krr (default ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--svm-c", defaultValue = "1e20", paramLabel = "C", description = "SVM's C; 1e20 is the hard margin (default ${DEFAULT-VALUE}).")
    double svmC;

    @Option(names = "--ridge", defaultValue = "0", paramLabel = "L", description = "krr's ridge (default ${DEFAULT-VALUE}).")
    double ridge;

    @Option(names = "--h", paramLabel = "H", description = "Neurons (default ${DEFAULT-VALUE}).")
    int h;

    @Option(names = "--alpha", paramLabel = "A", description = "alpha of the feature net (default ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--lazy-alpha", paramLabel = "A", description = "alpha of the lazy net (default ${DEFAULT-VALUE}).")
    double lazyAlpha;

    @Option(names = "--act-beta", paramLabel = "B", description = "Softplus sharpness (default ${DEFAULT-VALUE}).")
    double actBeta;

    @Option(names = "--loss-beta", paramLabel = "B", description = "Soft hinge sharpness (default ${DEFAULT-VALUE}).")
    double lossBeta;

    @Option(names = "--stop-frac", paramLabel = "F", description = "Stop when more training margins than this are met (default ${DEFAULT-VALUE}).")
    double stopFrac;

    @Option(names = "--max-wall", paramLabel = "SEC", description = "Wall-clock limit of a net (default ${DEFAULT-VALUE}).")
    double maxWall;

    @Option(names = "--max-steps", paramLabel = "T",
            description = "Accepted-step limit of a net (default ${DEFAULT-VALUE}).")
    long maxSteps;

    @Option(names = "--stability", description = "Measure D_f, G_f and R_f = D_f/G_f on test images.")
    boolean stability;

    @Option(names = "--stability-images", defaultValue = "500", paramLabel = "N", description = "Test images for the stability (default ${DEFAULT-VALUE}).")
    int stabilityImages;

    @Option(names = "--delta", defaultValue = "1", paramLabel = "PX", description = "Typical displacement of the diffeomorphisms (default ${DEFAULT-VALUE}).")
    double delta;

    @Option(names = "--cutoff", defaultValue = "3", paramLabel = "C", description = "Their highest mode c (default ${DEFAULT-VALUE}).")
    double cutoff;

    @Mixin
    DatasetsCommand.Root data;

    @Mixin
    BackendOptions backendOptions;

    @Mixin
    ProgressOption progress;

    @Option(names = "--out", paramLabel = "result.json", description = {"Write the result as JSON. A net's flow is"
            + " saved beside it (result.json.flow) every --checkpoint-every minutes and at Ctrl-C, and the same command"
            + " resumes it; the file is removed once the result is written."})
    Path out;

    @Option(names = "--checkpoint-every", defaultValue = "" + SweepRunner.CHECKPOINT_MINUTES, paramLabel = "MINUTES",
            description = "With --out, how often a net's flow is saved (default ${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!List.of("feature", "lazy", "svm", "krr").contains(method)) {
            throw new InvalidInputException("--method '" + method + "' is unknown; expected feature, lazy, svm or krr");
        }
        if (n < 1 || nTest < 1) {
            throw new InvalidInputException("--n and --n-test must be >= 1 (the test error needs test images), got "
                    + n + " and " + nTest);
        }
        if (!(checkpointMinutes > 0) || Double.isInfinite(checkpointMinutes)) {
            throw new InvalidInputException("--checkpoint-every must be a number of minutes > 0, got " + checkpointMinutes);
        }
        progress.check();
        backendOptions.check();
        OutputFiles.check(spec, data.inputs(dataset), OutputFile.named("--out", out));
        Kernel k = Kernel.parse(kernel, null);
        String regime = method.equals("lazy") ? "lazy" : "feature";
        ImageNetOptions net = ImageNetOptions.of(Map.of("h", h, "alpha", regime.equals("lazy") ? lazyAlpha : alpha,
                "act_beta", actBeta, "loss_beta", lossBeta, "stop_frac", stopFrac, "max_wall", maxWall, "max_steps",
                maxSteps), regime);
        GradientFlow.Options flow = net.flow();
        long t0 = System.nanoTime();
        ImageSet all = Preprocess.centerNormalize(data.store().load(dataset));
        ImageExperiment.Method m = switch (method) {
            case "svm" -> new ImageExperiment.Method.SupportVectors(k, svmC);
            case "krr" -> new ImageExperiment.Method.KernelRegression(k, ridge);
            default -> net.method();
        };
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", "images");
        r.put("version", Version.VERSION);
        r.put("dataset", dataset);
        r.put("method", method);
        r.put("n", n);
        r.put("n_test", nTest);
        r.put("seed_train", seedTrain);
        r.put("seed_test", seedTest);
        var w = OutputFiles.messages(spec, out);
        var err = spec.commandLine().getErr();
        boolean isNet = m instanceof ImageExperiment.Method.Net;
        // not beside a device or pipe (--out /dev/stdout): nothing to resume there
        Path flowFile = out != null && isNet && !OutputFile.writtenInPlace(out)
                ? out.resolveSibling(out.getFileName() + ".flow") : null;
        FlowCheckpointFile saves = null;
        ImageExperiment.Outcome o;
        try (StepProgress steps = new StepProgress("images classify: " + method + " net", method + " net", maxSteps,
                progress, err);
             // kernel regression's Gram and factorisation, as krr shows them; Ctrl-C ends the process (nothing to keep)
             WorkProgress fit = new WorkProgress("images classify: " + method, progress, err, () -> false);
             Backend backend = backendOptions.open();
             StopOnSignal signal = StopOnSignal.install(err, () -> {
                 steps.close();  // the message on a line of its own
                 fit.close();
                 return flowFile != null ? "interrupted; run the same command again to resume the flow from " + flowFile
                         : "interrupted" + (isNet ? " (with --out a net's flow is saved and resumes)" : "");
             })) {
            if (steps.shown()) {
                steps.say(String.format(Locale.ROOT, "images classify: %s on %d %s images (%d test)%s", method, n, dataset,
                        nTest, stability ? ", then the stability on " + Math.min(stabilityImages, nTest) + " test images"
                                : ""));
            }
            saves = flowFile == null ? null : flowCheckpoint(flowFile, net, backend, steps, signal::requested);
            signal.working(saves != null);  // the hook waits for the flow to save
            try {
                o = ImageExperiment.run(backend, all, m, n, nTest, seedTrain, seedTest, seedInit,
                        stability ? new ImageExperiment.Stability(stabilityImages, delta, cutoff) : null,
                        isNet ? flowProgress(steps) : null, saves,
                        new KrrResources(null, null, 0, fit, plan -> fit.expect(plan.factorSeconds())));
                fit.close();  // the bar's line ends before the summary
            } catch (FlowSnapshots.Stopped e) {
                steps.close();
                signal.stopped();
                return SweepCommand.EXIT_INTERRUPTED;
            } finally {
                signal.working(false);
            }
            if (o.flow() != null) {
                GradientFlow.Result res = o.flow();
                r.putAll(net.toMap());
                r.put("seed_init", seedInit);
                r.put("stop", res.stop().name().toLowerCase(Locale.ROOT));
                r.put("accepted_steps", res.accepted());
                r.put("rejected_steps", res.rejected());
                r.put("flow_time", res.time());
                r.put("train_loss", Numbers.finiteOrNull(res.trainLoss()));
                r.put("best_test_error", res.bestTestError());
                List<Map<String, Object>> dyn = new ArrayList<>();
                for (GradientFlow.Checkpoint c : res.dynamics()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("time", c.time());
                    e.put("accepted", c.accepted());
                    e.put("train_loss", Numbers.finiteOrNull(c.trainLoss()));
                    e.put("train_error", c.trainError());
                    e.put("test_error", c.testError());
                    dyn.add(e);
                }
                r.put("dynamics", dyn);
            } else {
                r.put("kernel", k.type().cliName());
                r.put(method.equals("svm") ? "svm_c" : "ridge", method.equals("svm") ? svmC : ridge);
            }
            r.put("test_error", o.testError());
            r.put("train_error", o.trainError());
            if (o.stability() != null) {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("D_f", Numbers.finiteOrNull(o.stability().deformation()));
                st.put("G_f", Numbers.finiteOrNull(o.stability().noise()));
                st.put("R_f", Numbers.finiteOrNull(o.stability().relative()));
                st.put("delta", delta);
                st.put("cutoff", cutoff);
                st.put("temperature", o.stability().temperature());
                st.put("images", Math.min(stabilityImages, nTest));
                r.put("stability", st);
            }
            double thisRun = (System.nanoTime() - t0) * 1e-9, earlier = saves == null ? 0 : saves.loadedSeconds();
            r.put("seconds", thisRun + earlier);  // a resumed flow's earlier runs count too (--max-wall counts them)
            r.put("seconds_this_run", thisRun);
            r.put("backend", backend.name());
            r.put("device", backend.device());
            r.put("cpu_fallbacks", backend.cpuFallbacks());
            w.printf(Locale.ROOT, "images %s %s n=%d: test error %.4f (train %.4f)%s, %.1f s%s%n", dataset, method, n,
                    o.testError(), o.trainError(), o.stability() == null ? "" : ", R_f = " + (Double.isFinite(o.stability()
                            .relative()) ? String.format(Locale.ROOT, "%.3f", o.stability().relative()) : "n/a (a constant"
                            + " predictor)"), thisRun + earlier, earlier > 0 ? String.format(Locale.ROOT,
                    " (this run %.1f s, the flow's earlier runs %.1f s)", thisRun, earlier) : "");
        }
        if (out != null) {
            OutputFiles.writeJson(out, r);
            w.println("wrote " + out);
        }
        if (saves != null) {
            saves.delete();
        }
        return 0;
    }

    /**
     * The net's flow saved beside --out, resumed by the same command: everything the flow depends on is its identity,
     * the backend and its threads included (a resumed flow then ends with the bits of an uninterrupted one), but not
     * --max-wall and --max-steps, which only say where it stops, so that a resumed flow may go further.
     */
    private FlowCheckpointFile flowCheckpoint(Path file, ImageNetOptions net, Backend backend, StepProgress steps,
                                              java.util.function.BooleanSupplier stop) {
        Map<String, Object> options = new LinkedHashMap<>(net.toMap());
        options.remove("max_wall");
        options.remove("max_steps");
        String identity = "images classify\ndataset=" + dataset + "\nmethod=" + method + "\nn=" + n + "\nn_test=" + nTest
                + "\nseed_train=" + seedTrain + "\nseed_test=" + seedTest + "\nseed_init=" + seedInit + "\nnet=" + options
                + "\nbackend=" + backend.name() + ", " + backend.threads() + " threads";
        return new FlowCheckpointFile(file, identity, net.h() * (DatasetStore.dimension(dataset) + 1),
                java.time.Duration.ofMillis(Math.round(checkpointMinutes * 60_000)), stop,
                line -> steps.say("images classify: " + line));
    }

    /**
     * The net's accepted steps of --max-steps with the loss and the margins met; once the flow stops (it mostly stops
     * on its margins, before --max-steps), the bar is full and says why, before the stability runs.
     */
    private GradientFlow.Progress flowProgress(StepProgress steps) {
        return new GradientFlow.Progress() {
            @Override
            public void step(long accepted, double trainLoss, double marginsMet) {
                // the margins first: they stop the flow, and a narrow terminal cuts the line's end
                steps.update(accepted, String.format(Locale.ROOT, "margins met %.1f%% (stop > %.1f%%), loss %.3e",
                        100 * marginsMet, 100 * stopFrac, trainLoss));
            }

            @Override
            public void stopped(GradientFlow.Stop why, long accepted) {
                steps.finish(accepted, "stopped: " + switch (why) {
                    case ALL_MARGINS -> "all margins met";
                    case STOP_FRACTION -> String.format(Locale.ROOT, "over %.1f%% of the margins met", 100 * stopFrac);
                    case WALL_CLOCK -> "--max-wall reached";
                    case MAX_STEPS -> "--max-steps reached";
                    case NAN -> "the loss is not a number";
                });
            }
        };
    }
    }

    @Command(name = "deformations", mixinStandardHelpOptions = true,
            description = "A PNG of a few images beside their deformed and noisy versions (the pixels as read, in [0, 1]).")
    static final class Deformations implements Callable<Integer> {
        @Option(names = "--dataset", required = true, paramLabel = "mnist|fashion|cifar10", description = "The data set.")
        String dataset;

        @Option(names = "--count", defaultValue = "6", paramLabel = "K", description = "Images (default ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--delta", defaultValue = "1", paramLabel = "PX", description = "Typical displacement (default ${DEFAULT-VALUE}).")
        double delta;

        @Option(names = "--cutoff", defaultValue = "3", paramLabel = "C", description = "Highest mode (default ${DEFAULT-VALUE}).")
        double cutoff;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "grid.png", description = "The PNG file.")
        Path out;

        @Mixin
        DatasetsCommand.Root data;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (count < 1) {
                throw new InvalidInputException("--count must be >= 1, got " + count);
            }
            OutputFiles.check(spec, data.inputs(dataset), OutputFile.named("--out", out));
            ImageGrid.write(out, data.store().load(dataset), count, delta, cutoff, seed);
            OutputFiles.messages(spec, out).println("wrote " + out);
            return 0;
        }
    }

    /** The net's defaults in help and values come from {@link ImageNetOptions}: --alpha the feature regime's, --lazy-alpha the lazy's. */
    static final class NetDefaults implements picocli.CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(picocli.CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof picocli.CommandLine.Model.OptionSpec o)) {
                return null;
            }
            String flag = o.longestName();
            if (flag.equals("--lazy-alpha")) {
                return NetOptionFlags.shown(ImageNetOptions.defaults("lazy").alpha());
            }
            Object v = ImageNetOptions.defaults("feature").toMap().get(flag.substring(2).replace('-', '_'));
            return v == null ? null : NetOptionFlags.shown(v);
        }
    }
}
