package org.sparsefeat.backend;

import java.util.Locale;
import org.sparsefeat.backend.cpu.CpuBackend;

/** Chooses a backend by name: cpu, or auto (a usable GPU, else the CPU). */
public final class Backends {
    private Backends() {}

    public static Backend open(String name, int threads) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "cpu", "auto" -> new CpuBackend(threads);  // auto: no CUDA backend in this build yet
            case "cuda" -> throw new IllegalArgumentException("--backend cuda: the CUDA backend is not part of this"
                    + " build yet; use --backend cpu or auto");
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; expected cpu, cuda or auto");
        };
    }

    public static int defaultThreads() { return Runtime.getRuntime().availableProcessors(); }
}
