package org.sparsefeat.backend;

import java.util.Locale;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.backend.cuda.CudaBackend;
import org.sparsefeat.linalg.NativeThreads;
import org.sparsefeat.util.InvalidInputException;

/** Chooses a backend by name: cpu, cuda, or auto (a usable GPU, else the CPU). */
public final class Backends {
    private Backends() {}

    /**
     * The process's backend, as the CLI opens it: {@code threads} host threads for the backend's pool and, since
     * OpenBLAS has one count for the whole process, for OpenBLAS too ({@link NativeThreads}). Library code that
     * constructs a backend directly leaves OpenBLAS's count alone.
     */
    public static Backend open(String name, int threads) { return open(name, threads, 0); }

    /** As {@link #open(String, int)}, on GPU {@code gpu} when the backend is a GPU's. */
    public static Backend open(String name, int threads, int gpu) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        Backend backend = switch (n) {
            case "cpu" -> new CpuBackend(threads);
            case "cuda" -> new CudaBackend(threads, gpu);  // says why not when no GPU is usable
            case "auto" -> CudaBackend.available() ? new CudaBackend(threads, gpu) : new CpuBackend(threads);
            default -> throw new InvalidInputException("unknown backend '" + name + "'; expected cpu, cuda or auto");
        };
        NativeThreads.setOpenBlasThreads(threads);  // after the backend, which has checked the count
        return backend;
    }

    public static int defaultThreads() { return Runtime.getRuntime().availableProcessors(); }
}
