package org.sparsefeat.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Option;

/** A command's CSV: to the file of --out (checked writable before any work), else to standard output. */
final class CsvOutput {
    @Option(names = "--out", paramLabel = "FILE.csv", description = "Write the CSV here (default: standard output).")
    Path out;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    /** Fails before any work when --out cannot be written. */
    void check() {
        if (out != null) {
            OutputFiles.check(command, OutputFile.named("--out", out));
        }
    }

    /** Writes the CSV, saying where when it goes to a file. */
    void emit(String csv, PrintWriter terminal) throws IOException {
        if (out == null) {
            terminal.print(csv);
        } else {
            OutputFiles.writeText(out, csv);
            terminal.println("wrote " + out);
        }
        terminal.flush();
    }
}
