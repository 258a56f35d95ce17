package org.sparsefeat.cli;

import java.util.List;
import org.sparsefeat.util.InvalidInputException;
import picocli.CommandLine.Option;

/** --progress of the long commands: how WorkProgress (krr, sweep) and StepProgress (train, images) report on stderr. */
final class ProgressOption {
    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|none",
            description = "Progress on stderr: bar, a bar with an ETA redrawn in place; auto, the bar on a terminal and "
                    + "otherwise a plain line every few seconds; none, nothing (default ${DEFAULT-VALUE}).")
    String progress;

    void check() {
        if (!List.of("auto", "bar", "none").contains(progress)) {
            throw new InvalidInputException("--progress '" + progress + "' is unknown; expected auto, bar or none");
        }
    }

    boolean shown() { return progress.equals("bar") || (progress.equals("auto") && System.console() != null); }

    /** Whether no progress at all was asked for: no bar, and no periodic lines either. */
    boolean none() { return progress.equals("none"); }
}
