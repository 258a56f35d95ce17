package org.sparsefeat.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.sparsefeat.util.InvalidInputException;
import picocli.CommandLine.Option;

/** --progress of the long commands: a bar with ETA on stderr. */
final class ProgressOption {
    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|none",
            description = "Progress bar on stderr; auto shows it on a terminal (default ${DEFAULT-VALUE}).")
    String progress;

    void check() {
        if (!List.of("auto", "bar", "none").contains(progress)) {
            throw new InvalidInputException("--progress '" + progress + "' is unknown; expected auto, bar or none");
        }
    }

    boolean shown() { return progress.equals("bar") || (progress.equals("auto") && System.console() != null); }

    /** Whether no progress at all was asked for: no bar, and no periodic lines either. */
    boolean none() { return progress.equals("none"); }

    /** A bar counting to {@code total} on the command's error stream, or null when not shown. */
    ProgressBar bar(String task, long total, PrintWriter err) {
        if (!shown()) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(stream(err)))
                .showSpeed().build();
    }

    /** The bar library writes to a PrintStream; the command's stream is a PrintWriter (tests capture it). */
    private static PrintStream stream(PrintWriter err) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) { pending.write(b); }

            @Override
            public synchronized void write(byte[] b, int off, int len) { pending.write(b, off, len); }

            @Override
            public synchronized void flush() {
                err.write(pending.toString(StandardCharsets.UTF_8));
                err.flush();
                pending.reset();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
