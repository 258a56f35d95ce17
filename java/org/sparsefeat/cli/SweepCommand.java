package org.sparsefeat.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.curve.Presets;
import org.sparsefeat.curve.ResultStore;
import org.sparsefeat.curve.Shard;
import org.sparsefeat.curve.SpecParser;
import org.sparsefeat.curve.SweepRunner;
import org.sparsefeat.curve.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a learning-curve sweep: every method at every (d, n, seed) of a YAML spec or a preset.",
                "Each finished point is appended to DIR/results.jsonl at once; running again skips finished points."})
final class SweepCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SPEC.yaml", description = "The sweep spec (or use --preset).")
    Path specFile;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "fig4, figG1, figG3, fig1, fig6 or demo instead of a spec file.")
    String preset;

    @Option(names = "--scale", defaultValue = "paper", paramLabel = "paper|small",
            description = "Preset size: the paper's, or small enough for a 2-core CPU (default ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Results directory (a preset writes one sub-directory per sweep).")
    Path out;

    @Option(names = "--shard", defaultValue = "1/1", paramLabel = "i/N",
            description = "Run only the i-th of N disjoint parts (1 <= i <= N), e.g. one per array job.")
    String shard;

    @Mixin
    BackendOptions backendOptions;

    @Mixin
    DatasetsCommand.Root data;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if ((specFile == null) == (preset == null)) {
            throw new IllegalArgumentException("give either a SPEC.yaml file or --preset NAME (" + String.join(", ",
                    Presets.NAMES) + ")");
        }
        Shard part = Shard.parse(shard);
        List<Job> jobs = new ArrayList<>();
        if (specFile != null) {
            jobs.add(new Job(SpecParser.parse(specFile), Files.readString(specFile), out));
        } else {
            jobs.addAll(presetJobs(preset, scale, out));
        }
        org.sparsefeat.util.OutputFile.checkDirectory("--out", out);
        for (Job j : jobs) {
            prepare(j);  // every directory checked before any work starts
        }
        try (Backend backend = backendOptions.open()) {
            for (Job j : jobs) {
                run(j, backend, part, spec.commandLine().getErr(), data.store());
                spec.commandLine().getOut().println("sweep " + j.spec().name() + " done: results in "
                        + j.dir().resolve(ResultStore.RESULTS) + "; report with: sparsefeat report " + j.dir());
            }
        }
        return 0;
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

    /** Runs a prepared job's pending points of the shard, progress lines to {@code err}. */
    static void run(Job j, Backend backend, Shard part, PrintWriter err, org.sparsefeat.images.DatasetStore data)
            throws IOException {
        writeEnvironment(j.dir(), backend, part);
        new SweepRunner(j.spec(), new ResultStore(j.dir()), backend, line -> {
            err.println(line);
            err.flush();
        }).withData(data).run(part);
    }

    /** Creates the directory with its spec, or checks that an existing one holds the same sweep. */
    static void prepare(Job j) throws IOException {
        org.sparsefeat.util.OutputFile.checkDirectory("--out", j.dir());
        Path specCopy = j.dir().resolve(ResultStore.SPEC);
        if (Files.exists(specCopy)) {
            SweepSpec existing = SpecParser.parse(specCopy);
            com.fasterxml.jackson.databind.ObjectMapper yaml =
                    new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
            if (!yaml.readTree(Files.readString(specCopy)).equals(yaml.readTree(j.yaml()))) {
                throw new IllegalArgumentException("--out " + j.dir() + " holds another sweep ('" + existing.name()
                        + "'; its spec.yaml differs): choose another directory");
            }
            return;
        }
        if (Files.exists(j.dir()) && !Files.isDirectory(j.dir())) {
            throw new IllegalArgumentException("--out " + j.dir() + " exists and is not a directory");
        }
        Files.createDirectories(j.dir());
        org.sparsefeat.util.OutputFile.writeString(specCopy, j.yaml());
    }

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
        env.put("started", Instant.now().toString());
        OutputFiles.writeJson(dir.resolve(ResultStore.ENVIRONMENT), env);
    }
}
