package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparsefeat.perf.BenchCompare;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares two bench.json files row by row: the new fastest repeat over the old one, against a"
                + " noise band from both runs' repeats (README, 'Benchmarking a machine').",
                "Exit code 1 when a row is slower than its band allows (a regression gate for CI), 0 otherwise."})
final class BenchCompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD.json", description = "The reference run.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW.json", description = "The run to check.")
    Path newFile;

    @picocli.CommandLine.Option(names = "--min-band", paramLabel = "F", defaultValue = "1.2",
            description = "The narrowest noise band, a factor above 1 (default: ${DEFAULT-VALUE}, 20%%); a row's band is"
                    + " wider when its repeats are noisy.")
    double minBand;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!(minBand > 1) || !Double.isFinite(minBand)) {
            throw new org.sparsefeat.util.InvalidInputException("--min-band must be a factor above 1 (e.g. 1.5), got "
                    + minBand);
        }
        BenchCompare.Outcome o = BenchCompare.compare(oldFile, newFile, minBand);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%-60s %10s %10s %7s %6s  %s%n", "row", "old min s", "new min s", "ratio", "band", "verdict");
        for (BenchCompare.Line l : o.lines()) {
            w.printf(Locale.ROOT, "%-60s %10s %10s %7s %6s  %s%n", l.key(), num(l.oldMin()), num(l.newMin()),
                    Double.isFinite(l.ratio()) ? String.format(Locale.ROOT, "%.2fx", l.ratio()) : "-",
                    Double.isFinite(l.band()) ? String.format(Locale.ROOT, "%.2fx", l.band()) : "-", l.verdict());
        }
        long slower = o.lines().stream().filter(BenchCompare.Line::regressed).count();
        w.println(slower > 0 ? "bench compare: REGRESSION: " + slower + " row" + (slower == 1 ? "" : "s")
                + " slower than the noise band allows" : "bench compare: ok, no row slower than its noise band");
        w.flush();
        return slower > 0 ? Main.EXIT_FAILURE : 0;
    }

    private static String num(double v) { return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "-"; }
}
