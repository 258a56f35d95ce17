package org.sparsefeat.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Model.CommandSpec;

/** The commands' result files: checked before the work starts (see {@link OutputFile}), JSON written whole. */
final class OutputFiles {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final Set<String> STDOUT = Set.of("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1");

    private OutputFiles() {}

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
