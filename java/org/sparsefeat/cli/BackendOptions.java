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

    /** The device, for a command's summary line, with what of the work ran on the CPU instead (cpu_fallbacks). */
    static String ranOn(Backend backend) {
        var fallbacks = backend.cpuFallbacks();
        return backend.device() + (fallbacks.isEmpty() ? "" : "; on the CPU instead: " + String.join("; ", fallbacks));
    }
}
