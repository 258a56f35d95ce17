package org.sparsefeat.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CPU's model name, for result files and benchmarks. */
final class CpuInfo {
    private static String model;

    private CpuInfo() {}

    static synchronized String modelName() {
        if (model == null) {
            model = System.getProperty("os.arch");
            try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                model = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse(model);
            } catch (IOException | RuntimeException e) {
                // not Linux: keep the architecture
            }
        }
        return model;
    }
}
