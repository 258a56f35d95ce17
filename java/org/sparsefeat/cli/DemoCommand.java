package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.curve.Shard;
import org.sparsefeat.report.SweepReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The main job on a small default: learning curves and their reports, in about a minute.",
                "NTK and RFK regression against a feature-regime net, on a smooth (constant) and a rough (teacher,"
                        + " a = 1) target at d = 3 (README, Quick start, says what it runs and why). About a minute on a"
                        + " 2-core CPU; running it again reuses what finished."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "sparsefeat-demo", paramLabel = "DIR",
            description = "Where the sweeps and reports go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    BackendOptions backendOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<SweepCommand.Job> jobs = SweepCommand.presetJobs("demo", "small", out);
        for (SweepCommand.Job j : jobs) {
            SweepCommand.check(j);
        }
        var err = spec.commandLine().getErr();
        var o = spec.commandLine().getOut();
        List<Path> reports = new ArrayList<>();
        try (Backend backend = backendOptions.open()) {
            for (SweepCommand.Job j : jobs) {
                SweepCommand.run(j, backend, Shard.ALL, err, org.sparsefeat.images.DatasetStore.standard());
                SweepReport report = new SweepReport(List.of(j.dir()));
                Path html = j.dir().resolve("report.html");
                report.write(html, j.dir().resolve("curve.csv"), null);
                o.printf("%n%s (%s target):%n%s", j.spec().name(), j.spec().target().kind(), report.table());
                reports.add(html);
            }
        }
        o.println();
        for (Path r : reports) {
            o.println("report: " + r.toAbsolutePath());
        }
        return 0;
    }
}
