package org.sparsefeat.cli;

import java.util.Locale;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.Backends;
import org.sparsefeat.util.InvalidInputException;
import picocli.CommandLine.Option;

/** --backend and --threads. */
public final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto", paramLabel = "cpu|cuda|auto",
            description = "Where to compute (default: ${DEFAULT-VALUE}: a usable GPU, else the CPU).")
    String backend;

    @Option(names = "--threads", paramLabel = "T",
            description = "CPU threads, at most the processors this process may use (default: all of them).")
    Integer threads;

    /**
     * The thread count, checked: more threads than processors only take turns on them (and OpenBLAS would quietly
     * cap its own count), so a larger --threads is refused rather than recorded as if it ran.
     */
    int threads() {
        if (threads == null) {
            return Backends.defaultThreads();
        }
        int processors = Backends.defaultThreads();
        if (threads < 1 || threads > processors) {
            throw new InvalidInputException("--threads " + threads + " is not between 1 and the " + processors
                    + " processor" + (processors == 1 ? "" : "s") + " this process may use");
        }
        return threads;
    }

    /** Checks the options before any work (opening the backend checks them again). */
    void check() { threads(); }

    /**
     * Refuses an option that only a GPU uses when the CPU was asked for by name: the option would be ignored.
     * (With --backend auto on a machine without a usable GPU the command says so in one line and runs.)
     */
    void requireGpuFor(String option, String value) {
        if (value != null && backend.trim().toLowerCase(Locale.ROOT).equals("cpu")) {
            throw new InvalidInputException(option + " " + value + " applies to a GPU (--backend cuda or auto); --backend"
                    + " cpu has no device memory");
        }
    }

    Backend open() { return Backends.open(backend, threads()); }

    /**
     * For a rank of an MPI job: on the GPU of its local rank (its place among the job's ranks on this machine), so
     * that the ranks of a machine spread over its GPUs ({@link org.sparsefeat.distributed.Launcher#gpu}).
     */
    Backend openOnLocalRank(java.util.Map<String, String> env) {
        boolean gpu = !backend.trim().toLowerCase(Locale.ROOT).equals("cpu")
                && org.sparsefeat.backend.cuda.CudaBackend.available();
        return Backends.open(backend, threads(), gpu ? org.sparsefeat.distributed.Launcher.gpu(env,
                org.sparsefeat.backend.cuda.CudaBackend.devices()) : 0);
    }

    /** The device, for a command's summary line, with what of the work ran on the CPU instead (cpu_fallbacks). */
    static String ranOn(Backend backend) {
        var fallbacks = backend.cpuFallbacks();
        return backend.device() + (fallbacks.isEmpty() ? "" : "; on the CPU instead: " + String.join("; ", fallbacks));
    }
}
