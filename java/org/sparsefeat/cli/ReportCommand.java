package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparsefeat.curve.ResultStore;
import org.sparsefeat.report.SweepReport;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Report a sweep: measured exponents beside the predicted ones, plots, HTML and CSV.",
                "The shards of a sweep are merged; learning curves, atoms and dynamics go to an HTML page, PNG and SVG"
                        + " plots, and a CSV."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Sweep directories (the shards of one sweep).")
    List<Path> dirs;

    @Option(names = "--html", paramLabel = "FILE", description = "HTML report (default: DIR/report.html).")
    Path html;

    @Option(names = "--csv", paramLabel = "FILE", description = "One row per (method, d, n) (default: DIR/curve.csv).")
    Path csv;

    @Option(names = "--plots", paramLabel = "DIR", description = "Where the PNG and SVG plots go (default: beside the HTML, in plots/).")
    Path plots;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path first = dirs.getFirst();
        Path htmlFile = html != null ? html : first.resolve("report.html");
        Path csvFile = csv != null ? csv : first.resolve("curve.csv");
        // beside the HTML page, unless it goes to a stream (--html /dev/stdout): then in the sweep's directory
        Path plotDir = plots != null ? plots : OutputFile.writtenInPlace(htmlFile) ? first.resolve("plots")
                : htmlFile.toAbsolutePath().getParent().resolve("plots");
        List<OutputFile.Named> inputs = new ArrayList<>();
        for (Path dir : dirs) {  // what SweepResults reads of each
            for (String f : List.of(ResultStore.SPEC, ResultStore.RESULTS, ResultStore.ENVIRONMENT)) {
                inputs.add(OutputFile.named("", dir.resolve(f)));
            }
        }
        OutputFiles.check(spec, inputs, OutputFile.named("--html", htmlFile), OutputFile.named("--csv", csvFile));
        OutputFile.checkDirectory("--plots", plotDir);
        SweepReport report = new SweepReport(dirs);
        report.write(htmlFile, csvFile, plotDir);
        var out = OutputFiles.messages(spec, htmlFile, csvFile);
        out.printf("sweep %s: %d records%n", report.spec().name(), report.records());
        out.print(report.table());
        out.print(report.limitSummary());
        out.println("wrote " + htmlFile + ", " + csvFile + " and the plots in " + plotDir);
        return 0;
    }
}
