package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.util.List;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.NamesParameters;
import org.sparsefeat.util.OutOfDeviceMemoryException;
import org.sparsefeat.util.OutOfMemoryMessages;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The sparsefeat command line. Exit codes: 0 success, 1 a numerical failure (a singular system, a result
 * that is not finite), an I/O failure, running out of memory, or a bug (reported with its stack trace), 2 a usage
 * error (bad option, bad input file: an {@link InvalidInputException}).
 */
@Command(name = "sparsefeat", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Kernel ridge regression and wide two-layer networks on the sphere: the experiments of"
                + " 'Learning sparse features can lead to overfitting in neural networks' (Petrini et al. 2022).",
        subcommands = {DemoCommand.class, KrrCommand.class, TrainCommand.class, SweepCommand.class, ReportCommand.class,
                ImagesCommand.class, DatasetsCommand.class, GramCommand.class, DataCommand.class, TheoryCommand.class,
                SparseCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw missingCommand(spec);
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (the tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(new CommandLine(new Main()), out, err, args);
    }

    /** Runs {@code cli} (the sparsefeat command line, perhaps with a test's extra sub-command) as the CLI does. */
    static int execute(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setHelpFactory(WrappedHelp::create);
        CommandLine.ITypeConverter<Integer> ints = s -> (int) Count.parse(s, Integer.MAX_VALUE);
        CommandLine.ITypeConverter<Long> longs = s -> Count.parse(s, Long.MAX_VALUE);
        cli.registerConverter(Integer.class, ints);
        cli.registerConverter(int.class, ints);
        cli.registerConverter(Long.class, longs);
        cli.registerConverter(long.class, longs);
        cli.setParameterExceptionHandler((e, a) -> usageError(e));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, commandLine));
        // picocli's exception handler sees Exceptions only; running out of memory (an Error) is the user's to fix
        cli.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (OutOfMemoryError e) {
                CommandLine c = parseResult.asCommandLineList().getLast();
                c.getErr().println(c.getCommandSpec().qualifiedName() + ": out of memory (" + e.getMessage()
                        + "): use a smaller n, or give Java more memory, e.g. " + OutOfMemoryMessages.JAVA_OPTS
                        + "=-Xmx100g (README, 'Memory')");
                c.getErr().flush();
                return EXIT_FAILURE;
            }
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The error for a command that needs a sub-command and got none: names them all. */
    static CommandLine.ParameterException missingCommand(CommandLine.Model.CommandSpec spec) {
        return new CommandLine.ParameterException(spec.commandLine(), "missing command: " + commandNames(spec.commandLine()));
    }

    private static String commandNames(CommandLine c) {
        List<String> names = c.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
        return names.size() < 2 ? String.join("", names)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
    }

    /** A usage error: one line that names the command and the problem, and where to find help; exit code 2. */
    private static int usageError(CommandLine.ParameterException e) {
        CommandLine c = e.getCommandLine();
        String name = c.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().getFirst().startsWith("-")) {
            String arg = u.getUnmatched().getFirst();
            message = c.getSubcommands().isEmpty() ? "unexpected argument '" + arg + "'"
                    : "unknown command '" + arg + "'; expected " + commandNames(c);
        } else if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        PrintWriter err = c.getErr();
        err.println(name + ": " + message);
        err.println("Try '" + name + " --help'.");
        err.flush();
        return EXIT_USAGE;
    }

    private static int handle(Exception e, CommandLine c) {
        PrintWriter err = c.getErr();
        String name = c.getCommandSpec().qualifiedName();
        String message = e instanceof NamesParameters p ? p.render(parameter -> flag(parameter, c)) : e.getMessage();
        if (e instanceof InvalidInputException) {
            err.println(name + ": " + message);
            return EXIT_USAGE;
        }
        if (e instanceof NotPositiveDefiniteException || e instanceof NonFiniteResultException) {
            err.println(name + ": " + message);
            return EXIT_FAILURE;
        }
        if (e instanceof OutOfMemoryMessages.InsufficientMemoryException) {
            err.println(name + ": " + message);
            return EXIT_FAILURE;
        }
        if (e instanceof OutOfDeviceMemoryException) {
            err.println(name + ": " + e.getMessage() + "; use a smaller n or --backend cpu (whose kernel regression is"
                    + " bounded by disk: README, 'Memory')");
            return EXIT_FAILURE;
        }
        if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            err.println(name + ": I/O error: " + e.getMessage());
            return EXIT_FAILURE;
        }
        // anything else (a plain IllegalArgumentException too) is a bug: say so, and keep the trace for the report
        err.println(name + ": internal error (a bug in sparsefeat, please report it with this trace):");
        e.printStackTrace(err);
        return EXIT_FAILURE;
    }

    /**
     * A parameter of an {@link InvalidInputException} as the user wrote it: the command's flag ({@code n_test} is
     * {@code --n-test}), or the bare name where the value came from elsewhere (a preset, a spec file).
     */
    static String flag(String parameter, CommandLine c) {
        String option = "--" + parameter.replace('_', '-');
        return c.getCommandSpec().findOption(option) != null ? option : parameter;
    }
}
