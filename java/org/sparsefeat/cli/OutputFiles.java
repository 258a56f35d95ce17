package org.sparsefeat.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The commands' result files: checked before the work starts (see {@link OutputFile}), JSON written whole. */
final class OutputFiles {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final Set<String> STDOUT = Set.of("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1");

    private OutputFiles() {}

    /**
     * Checks a command's result files before any work ({@link OutputFile#check(List, OutputFile.Named...)}: each can
     * be written, no two are one file, none is one of {@code inputs}), and refuses a file option typed with a final
     * '/' ({@code --out newdir/}): that names a directory, and writing a file called {@code newdir} instead would
     * surprise. An existing directory is refused by the same check.
     */
    static void check(CommandSpec spec, List<OutputFile.Named> inputs, OutputFile.Named... outputs) {
        for (OutputFile.Named o : outputs) {
            OptionSpec option = o == null || o.path() == null ? null : spec.findOption(o.option());
            if (option == null) {
                continue;
            }
            for (String typed : option.originalStringValues()) {
                // only the option's own value: --save-weights DIR/ names files inside DIR, as it should
                if (typed.endsWith("/") && Path.of(typed).equals(o.path())) {
                    throw new InvalidInputException(o.option() + " " + typed + " ends in '/', a directory; expected a"
                            + " file name, e.g. " + typed + Path.of(option.paramLabel()).getFileName());
                }
            }
        }
        OutputFile.check(inputs, outputs);
    }

    static void check(CommandSpec spec, OutputFile.Named... outputs) { check(spec, List.of(), outputs); }

    static void writeJson(Path file, Object value) throws IOException {
        OutputFile.writeStream(file, out -> {
            JSON.writeValue(out, value);
            out.write('\n');
        });
    }

    /** Writes text (a CSV) whole or not at all, as {@link #writeJson}. */
    static void writeText(Path file, String text) throws IOException { OutputFile.writeString(file, text); }

    static String toJson(Object value) throws IOException { return JSON.writeValueAsString(value); }

    /**
     * Where a command's own messages go: stdout, unless one of its outputs is stdout (so that
     * {@code --out /dev/stdout | jq} sees the result alone); then stderr.
     */
    static PrintWriter messages(CommandSpec spec, Path... outputs) {
        for (Path p : outputs) {
            if (p != null && STDOUT.contains(p.toAbsolutePath().normalize().toString())) {
                return spec.commandLine().getErr();
            }
        }
        return spec.commandLine().getOut();
    }
}
