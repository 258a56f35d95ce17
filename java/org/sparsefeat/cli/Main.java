package org.sparsefeat.cli;

import java.io.PrintWriter;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The sparsefeat command line. Exit codes: 0 success, 1 a numerical failure (a singular system, a result
 * that is not finite) or an I/O failure, 2 a usage error (bad option, bad input file).
 */
@Command(name = "sparsefeat", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Kernel ridge regression and wide two-layer networks on the sphere: the experiments of"
                + " 'Learning sparse features can lead to overfitting in neural networks' (Petrini et al. 2022).",
        subcommands = {DemoCommand.class, KrrCommand.class, TrainCommand.class, SweepCommand.class, ReportCommand.class,
                ImagesCommand.class, DatasetsCommand.class, GramCommand.class, DataCommand.class, TheoryCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: demo, krr, train, sweep, report, gram, data or theory");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (the tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, commandLine.getErr()));
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static int handle(Exception e, PrintWriter err) {
        if (e instanceof NotPositiveDefiniteException || e instanceof NonFiniteResultException) {
            err.println("sparsefeat: " + e.getMessage());
            return EXIT_FAILURE;
        }
        if (e instanceof IllegalArgumentException) {
            err.println("sparsefeat: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            err.println("sparsefeat: I/O error: " + e.getMessage());
            return EXIT_FAILURE;
        }
        err.println("sparsefeat: internal error (please report it with this trace):");
        e.printStackTrace(err);
        return EXIT_FAILURE;
    }
}
