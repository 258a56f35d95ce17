package org.sparsefeat.perf;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.util.MachineMemory;

/** The machine's fingerprint at the top of bench.json and the report: what the numbers were measured on. */
public final class Machine {
    private Machine() {}

    public static Map<String, Object> fingerprint(Backend backend, String version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_bytes", MachineMemory.physical().isPresent() ? MachineMemory.physical().getAsLong() : null);
        m.put("backend", backend.name());
        m.put("device", backend.device());
        m.put("gpu", backend.factorsOnDevice() ? backend.device() : "none used");
        m.put("gpu_driver", driver() == null ? "none loaded" : driver());
        m.put("blas", blas());
        m.put("threads", backend.threads());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("sparsefeat", version);
        m.put("load_average_at_start", loadAverage());
        return m;
    }

    /** The 1-minute load average (null where the system has none): a busy machine's numbers are slower. */
    public static Double loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l >= 0 ? l : null;
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The NVIDIA driver's version as the kernel module reports it (null: none loaded). */
    static String driver() {
        try {
            String v = Files.readString(Path.of("/proc/driver/nvidia/version")).lines().findFirst().orElse("");
            return v.isBlank() ? null : v.trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** The OpenBLAS the engine loads: the jar it comes from (bytedeco's build). */
    static String blas() {
        return Arrays.stream(System.getProperty("java.class.path", "").split(java.io.File.pathSeparator))
                .map(p -> Path.of(p).getFileName()).filter(f -> f != null && f.toString().startsWith("openblas"))
                .map(Path::toString).findFirst().map(j -> "OpenBLAS (" + j + ")").orElse("OpenBLAS");
    }
}
