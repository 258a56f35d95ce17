package org.sparsefeat.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it prints: for the end-to-end tests. */
public final class CliRunner {
    /** Exit code and the text printed on stdout and stderr. */
    public record Run(int code, String out, String err) {}

    private CliRunner() {}

    public static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }
}
