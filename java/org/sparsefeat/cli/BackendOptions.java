package org.sparsefeat.cli;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.Backends;
import picocli.CommandLine.Option;

/** --backend and --threads. */
public final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto", paramLabel = "cpu|cuda|auto",
            description = "Where to compute (default: ${DEFAULT-VALUE}: a usable GPU, else the CPU).")
    String backend;

    @Option(names = "--threads", paramLabel = "T",
            description = "CPU threads (default: all available processors).")
    Integer threads;

    Backend open() {
        return Backends.open(backend, threads == null ? Backends.defaultThreads() : threads);
    }
}
