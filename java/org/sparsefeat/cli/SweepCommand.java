package org.sparsefeat.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.curve.Presets;
import org.sparsefeat.curve.ResultStore;
import org.sparsefeat.curve.Shard;
import org.sparsefeat.curve.SpecExtension;
import org.sparsefeat.curve.SpecParser;
import org.sparsefeat.curve.SweepLock;
import org.sparsefeat.curve.SweepRunner;
import org.sparsefeat.curve.SweepSpec;
import org.sparsefeat.util.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a learning-curve sweep: every method at every (d, n, seed) of a YAML spec or a preset.",
                "Each finished point is appended to DIR/results.jsonl at once; running again skips finished points"
                        + " and resumes a batch of nets from its last checkpoint (Ctrl-C saves one)."})
final class SweepCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SPEC.yaml", description = "The sweep spec (or use --preset).")
    Path specFile;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "fig4, figG1, figG3, fig1, fig6 or demo instead of a spec file.")
    String preset;

    @Option(names = "--scale", paramLabel = "paper|small",
            description = {"Preset size: the paper's, or small enough for a 2-core CPU. Without it, the paper's size"
                    + " when its estimate on this backend is at most an hour; longer runs need --scale paper."})
    String scale;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Results directory (a preset writes one sub-directory per sweep).")
    Path out;

    @Option(names = "--shard", defaultValue = "1/1", paramLabel = "i/N",
            description = {"Run only the i-th of N disjoint parts (1 <= i <= N), e.g. one per array job. A point's part"
                    + " follows from its key, so a spec extended later keeps every finished point in its part."})
    String shard;

    @Option(names = "--wait",
            description = "When another sweep is running in DIR, wait for it to finish (default: exit 2 naming it).")
    boolean waitForLock;

    @Option(names = "--checkpoint-every", defaultValue = "" + SweepRunner.CHECKPOINT_MINUTES, paramLabel = "MINUTES",
            description = "How often a batch of nets in training saves its state to DIR/checkpoints (default"
                    + " ${DEFAULT-VALUE}); a killed sweep resumes from there. 0: after every backend call.")
    double checkpointMinutes;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory budget of each KRR point's kernel matrix, e.g. 8g (default: 80%% of what the machine"
                    + " has available; at most its memory); larger ones go out of core (README, 'Memory').")
    String memory;

    @Option(names = "--scratch", paramLabel = "DIR",
            description = "Where KRR points keep factors out of core, created if missing (default: the system's temporary"
                    + " directory).")
    Path scratch;

    @Mixin
    BackendOptions backendOptions;

    @Mixin
    DatasetsCommand.Root data;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** A preset without --scale runs at the paper's size only when it is estimated to take at most this long. */
    static final double UNASKED_PAPER_SECONDS = 3600;

    /** Exit code after Ctrl-C (128 + SIGINT), as the JVM itself exits on the signal. */
    static final int EXIT_INTERRUPTED = 130;

    @Override
    public Integer call() throws IOException {
        if (!org.sparsefeat.distributed.Launcher.distributed(false, System.getenv())) {
            return call(null);
        }
        org.sparsefeat.distributed.Messages ranks = org.sparsefeat.distributed.Messages.start();
        if (ranks.size() < 2) {
            ranks.close();
            return call(null);
        }
        if (ranks.rank() != 0) {
            return SweepOnRanks.work(this, ranks);
        }
        SweepOnRanks dealer = new SweepOnRanks(ranks, spec.commandLine().getErr());
        try {
            return call(dealer);
        } catch (RuntimeException | IOException e) {
            dealer.failed(e);
            throw e;
        } finally {
            ranks.close();
        }
    }

    /** The sweeps to run: the spec's, or the preset's. */
    List<Job> jobs() throws IOException {
        List<Job> jobs = new ArrayList<>();
        if (specFile != null) {
            refuseOwnFile(specFile, out);
            jobs.add(new Job(SpecParser.parse(specFile), Files.readString(specFile), out));
        } else {
            jobs.addAll(presetJobs(preset, scale == null ? "paper" : scale, out));
        }
        return jobs;
    }

    /** The sweep on this process, or as rank 0 of an MPI job ({@code ranks}), which deals the points to the others. */
    private int call(SweepOnRanks ranks) throws IOException {
        if ((specFile == null) == (preset == null)) {
            throw new InvalidInputException("give either a SPEC.yaml file or --preset NAME (" + String.join(", ",
                    Presets.NAMES) + ")");
        }
        if (specFile != null && scale != null) {
            throw new InvalidInputException("--scale applies to presets; a SPEC.yaml file sets its own sizes");
        }
        if (!(checkpointMinutes >= 0) || Double.isInfinite(checkpointMinutes)) {
            throw new InvalidInputException("--checkpoint-every must be a number of minutes >= 0, got "
                    + checkpointMinutes);
        }
        Shard part = Shard.parse(shard);
        Long budget = memory == null ? null : org.sparsefeat.util.MachineMemory.budget(memory, "--memory");
        backendOptions.check();
        List<Job> jobs = jobs();
        if (scratch != null) {
            org.sparsefeat.util.OutputFile.checkDirectory("--scratch", scratch);
        }
        Path firstCreated = firstMissing(out);
        org.sparsefeat.util.OutputFile.checkDirectory("--out", out);
        PrintWriter err = spec.commandLine().getErr();
        for (Job j : jobs) {
            check(j);  // every directory checked before any work starts
        }
        Duration every = Duration.ofMillis(Math.round(checkpointMinutes * 60_000));
        try (Backend backend = backendOptions.open(); StopOnSignal signal = StopOnSignal.install(err)) {
            List<SweepRunner> runners = new ArrayList<>();
            double estimate = 0, onGpu = 0;
            long atWall = 0;
            boolean calibrated = true;
            for (Job j : jobs) {
                SweepRunner r = runner(j, backend, err, data.store()).checkpointEvery(every).stopWhen(signal::requested)
                        .krrMemory(budget, scratch).sharedBy(ranks == null ? 1 : ranks.workers());
                estimate += r.estimate(part);
                onGpu += r.estimateOnGpu(part);
                atWall += r.atWallClock(part);
                calibrated &= r.estimateCalibrated(part);
                runners.add(r);
            }
            String what = preset != null ? "--preset " + preset + (scale == null ? " at the paper's size" : " --scale " + scale)
                    : specFile.toString();
            String on = backend.name() + " (" + backend.device() + ")" + (ranks == null ? "" : " on each of "
                    + ranks.workers() + " worker ranks");
            err.printf("%s: estimate %s on %s%s%s%n", what, org.sparsefeat.util.Durations.format(estimate), on,
                    calibrated ? ", from the points already timed here" : ", from a cost model (see README)",
                    gpuWorthSaying(backend, estimate, onGpu) ? "; on one GPU (an H100, by the model: nothing timed on a"
                            + " GPU yet) " + org.sparsefeat.util.Durations.about(onGpu) : "");
            for (int i = 0; i < jobs.size(); i++) {
                sayOtherShards(jobs.get(i), runners.get(i), part, err);
            }
            if (atWall > 0) {
                err.printf("%s: by the model %d of its nets stop at their max_wall here, before their flow ends (results"
                        + " record the stop)%n", what, atWall);
            }
            err.flush();
            if (preset != null && scale == null && estimate > UNASKED_PAPER_SECONDS) {
                for (Job j : jobs) {   // refused: leave nothing behind
                    removeIfEmpty(j.dir(), firstCreated);
                }
                removeIfEmpty(out, firstCreated);
                throw new InvalidInputException("--preset " + preset + " at the paper's size is estimated at "
                        + org.sparsefeat.util.Durations.format(estimate) + " on " + on + ": pass --scale paper to run it anyway, or"
                        + " --scale small for a run of minutes");
            }
            List<SweepLock> locks = new ArrayList<>();
            try {
                for (Job j : jobs) {
                    locks.add(SweepLock.acquire(j.dir(), waitForLock, line -> {
                        err.println(line);
                        err.flush();
                    }));
                }
                for (int i = 0; i < jobs.size(); i++) {
                    Job j = jobs.get(i);
                    prepare(j, part, err);
                    writeEnvironment(j.dir(), backend, part);
                    signal.working(true);
                    try {
                        if (ranks == null) {
                            runners.get(i).run(part);
                        } else if (ranks.deal(runners.get(i), part, signal::requested, i == jobs.size() - 1) != 0) {
                            signal.stopped();  // after the ranks finished MPI: a signal's hook waits for that
                            return EXIT_INTERRUPTED;
                        }
                    } finally {
                        signal.working(false);
                    }
                    spec.commandLine().getOut().println("sweep " + j.spec().name() + " done: results in "
                            + j.dir().resolve(ResultStore.RESULTS) + "; report with: sparsefeat report " + j.dir());
                }
            } catch (SweepRunner.Interrupted e) {
                signal.stopped();
                return EXIT_INTERRUPTED;
            } finally {
                for (SweepLock l : locks) {
                    l.close();
                }
            }
        }
        return 0;
    }

    /** The CPU estimate from which the model's time on a GPU is worth a line: a shorter run needs no GPU. */
    static final double GPU_HINT_FROM_SECONDS = 60;

    /** Whether the estimate line also gives the model's time on a GPU: on the CPU, for a long run a GPU cuts tenfold. */
    static boolean gpuWorthSaying(Backend backend, double estimate, double onGpu) {
        return backend.name().equals("cpu") && estimate >= GPU_HINT_FROM_SECONDS && onGpu < estimate / 10;
    }

    /** A sweep and the directory it writes to. */
    record Job(SweepSpec spec, String yaml, Path dir) {}

    /** The sweeps of a preset, one directory each under {@code out}. */
    static List<Job> presetJobs(String preset, String scale, Path out) {
        List<Job> jobs = new ArrayList<>();
        for (String yaml : Presets.get(preset, scale)) {
            SweepSpec s = SpecParser.parse(yaml, "preset " + preset);
            jobs.add(new Job(s, yaml, out.resolve(s.name())));
        }
        return jobs;
    }

    /** A runner for the job, calibrating its estimates on the points it finished on this machine and backend before. */
    private static SweepRunner runner(Job j, Backend backend, PrintWriter err, org.sparsefeat.images.DatasetStore data)
            throws IOException {
        return new SweepRunner(j.spec(), new ResultStore(j.dir()), backend, line -> {
            err.println(line);
            err.flush();
        }).withData(data).calibrateOnFinished(sameMachine(j.dir(), backend));
    }

    /** Locks the job's directory, then runs its pending points of the shard, progress lines to {@code err}. */
    static void run(Job j, Backend backend, Shard part, PrintWriter err, org.sparsefeat.images.DatasetStore data)
            throws IOException {
        try (SweepLock lock = SweepLock.acquire(j.dir(), false, err::println)) {
            prepare(j, part, err);
            writeEnvironment(j.dir(), backend, part);
            runner(j, backend, err, data).run(part);
        }
    }

    /**
     * Says when the directory holds finished points of other shards (kept, not run here), or was sharded by an earlier
     * build, which dealt points by their place in the grid: then a shard may also run points that another shard's
     * directory holds.
     */
    private static void sayOtherShards(Job j, SweepRunner runner, Shard part, PrintWriter err) {
        long others = runner.othersFinished(part);
        String byPlace = Files.exists(j.dir().resolve(ResultStore.RESULTS)) ? shardDealtByPlace(j.dir()) : null;
        String twice = "each shard runs its own points that its --out lacks, even those another shard's directory holds:"
                + " to run no point twice, first copy the lines of every shard's results.jsonl into the others' (README,"
                + " 'Sweeps')";
        if (byPlace != null) {
            err.printf("sweep %s: %s holds shard %s of an earlier build, which dealt points to shards by their place in"
                    + " the grid, not by their key as now: %d of its finished points are other shards' now (kept, not run"
                    + " here), and %s%n", j.spec().name(), j.dir(), byPlace, others, twice);
        } else if (others > 0) {
            err.printf("sweep %s: %d finished points in %s belong to other shards than %s; they are kept and not run here,"
                    + " and %s%n", j.spec().name(), others, j.dir(), part, twice);
        }
    }

    /** How points are dealt to shards ({@link Shard}), as environment.json records it: by their key. */
    static final String SHARD_DEALING = "key";

    /**
     * The shard (i/N with N > 1) that the directory's environment.json names when an earlier build wrote it, one that
     * dealt points by their place in the grid (its file does not record the dealing); else null.
     */
    private static String shardDealtByPlace(Path dir) {
        Path env = dir.resolve(ResultStore.ENVIRONMENT);
        if (!Files.exists(env)) {
            return null;
        }
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(env.toFile());
            String shard = node.path("shard").asText("");
            return !node.has("shard_dealing") && shard.matches("\\d+/\\d+") && !shard.endsWith("/1") ? shard : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the directory's environment.json names this backend, device and thread count. */
    private static boolean sameMachine(Path dir, Backend backend) {
        Path env = dir.resolve(ResultStore.ENVIRONMENT);
        if (!Files.exists(env)) {
            return false;
        }
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(env.toFile());
            return backend.name().equals(node.path("backend").asText()) && backend.device().equals(node.path("device").asText())
                    && backend.threads() == node.path("threads").asInt();
        } catch (IOException e) {
            return false;
        }
    }

    /** Checks, before any work, that the directory can take the job (see {@link #prepare}); writes nothing. */
    static void check(Job j) throws IOException {
        org.sparsefeat.util.OutputFile.checkDirectory("--out", j.dir());
        earlierSpec(j);
    }

    /**
     * The directory's spec when the job's spec differs from it but only adds grid points (null when the
     * directory is new or holds the same spec); refuses a directory that holds another sweep.
     */
    private static SweepSpec earlierSpec(Job j) throws IOException {
        Path specCopy = j.dir().resolve(ResultStore.SPEC);
        if (!Files.exists(specCopy)) {
            return null;
        }
        SweepSpec existing = SpecParser.parse(specCopy);
        com.fasterxml.jackson.databind.ObjectMapper yaml =
                new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        if (yaml.readTree(Files.readString(specCopy)).equals(yaml.readTree(j.yaml()))) {
            return null;
        }
        String why = SpecExtension.whyNot(existing, j.spec());
        if (why != null) {
            throw new InvalidInputException("--out " + j.dir() + " holds another sweep ('" + existing.name() + "': "
                    + why + "); a spec may only add grid points to it (n, seeds, d, methods): choose another directory");
        }
        return existing;
    }

    /**
     * Creates the directory with its spec, or checks that an existing one holds the same sweep, or the same
     * sweep with fewer grid points: then the new spec replaces the old one, which is appended to
     * DIR/spec.history.yaml, and the shard's finished points are reused.
     */
    static void prepare(Job j, Shard part, PrintWriter err) throws IOException {
        check(j);
        Path specCopy = j.dir().resolve(ResultStore.SPEC);
        SweepSpec earlier = earlierSpec(j);
        if (Files.exists(specCopy) && earlier == null) {
            return;
        }
        Files.createDirectories(j.dir());
        if (earlier != null) {
            Set<String> keys = j.spec().grid().stream().filter(part::owns).map(p -> p.key()).collect(Collectors.toSet());
            long reused = new ResultStore(j.dir()).load().keySet().stream().filter(keys::contains).count();
            Set<String> before = earlier.grid().stream().map(p -> p.key()).collect(Collectors.toSet());
            long added = j.spec().grid().size() - before.size();
            long addedHere = keys.stream().filter(k -> !before.contains(k)).count();
            String inShard = part.count() > 1 ? " in shard " + part : "";
            Path history = j.dir().resolve(SPEC_HISTORY);
            Files.writeString(history, "# replaced on " + Instant.now() + " by a spec with more grid points\n"
                    + Files.readString(specCopy) + "\n---\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            err.println("sweep " + j.spec().name() + ": the new spec adds " + added + " grid points" + (part.count() > 1
                    ? " (" + addedHere + inShard + ")" : "") + " to the one in " + specCopy + "; reusing " + reused
                    + " finished points of the earlier spec" + inShard + " (which is kept in " + history + ")");
            err.flush();
        }
        org.sparsefeat.util.OutputFile.writeString(specCopy, j.yaml());
    }

    /**
     * Refuses a SPEC.yaml that is one of the files the sweep keeps in its directory: DIR/spec.yaml is what a spec is
     * compared with (itself, so a change made to it in place would go unseen and the points of the earlier settings
     * would be reused) and is rewritten; the others are records the sweep appends to or replaces.
     */
    static void refuseOwnFile(Path specFile, Path out) {
        for (String own : List.of(ResultStore.SPEC, SPEC_HISTORY, ResultStore.RESULTS, ResultStore.ENVIRONMENT)) {
            if (org.sparsefeat.util.OutputFile.sameFile(specFile, out.resolve(own))) {
                throw new InvalidInputException("SPEC.yaml " + specFile + " is the sweep's own " + own + " in --out "
                        + out + " (the same file), which the sweep compares the spec with and rewrites: give the spec as a"
                        + " file outside " + out + " (a copy of it)");
            }
        }
    }

    /** The highest ancestor of {@code dir} (or itself) that does not exist yet, or null if it exists. */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /** Removes the empty directories this run created, from {@code dir} up to {@code firstCreated}. */
    private static void removeIfEmpty(Path dir, Path firstCreated) {
        if (firstCreated == null) {
            return;
        }
        for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(firstCreated); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return;   // not empty (or not ours to remove): keep it and its parents
            }
        }
    }

    /** The earlier specs of a directory whose spec was extended. */
    static final String SPEC_HISTORY = "spec.history.yaml";

    static void writeEnvironment(Path dir, Backend backend, Shard part) throws IOException {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("sparsefeat", Version.VERSION);
        env.put("backend", backend.name());
        env.put("device", backend.device());
        env.put("threads", backend.threads());
        env.put("java", Runtime.version().toString());
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        env.put("shard", part.toString());
        env.put("shard_dealing", SHARD_DEALING);
        env.put("started", Instant.now().toString());
        OutputFiles.writeJson(dir.resolve(ResultStore.ENVIRONMENT), env);
    }
}
