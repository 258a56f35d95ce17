package org.sparsefeat.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What memory this process may still use: the machine's available memory (/proc/meminfo's MemAvailable, which counts
 * reclaimable page cache), lowered to what a cgroup limit leaves (a container's or a batch job's), and what the Java
 * heap still has.
 */
public final class MachineMemory {
    private MachineMemory() {}

    /** Bytes of memory the machine (or its cgroup) can still give, or empty where it cannot be read. */
    public static OptionalLong available() {
        OptionalLong meminfo = meminfo("MemAvailable:");
        OptionalLong cgroup = cgroupLeft();
        if (meminfo.isPresent() && cgroup.isPresent()) {
            return OptionalLong.of(Math.min(meminfo.getAsLong(), cgroup.getAsLong()));
        }
        return meminfo.isPresent() ? meminfo : cgroup;
    }

    /** Bytes the Java heap can still grow to hold: its maximum less what is in use. */
    public static long heapFree() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    private static OptionalLong meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key)) {
                    String[] f = line.substring(key.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(f[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no reading
        }
        return OptionalLong.empty();
    }

    /** cgroup v2's memory.max less memory.current, where a limit is set. */
    private static OptionalLong cgroupLeft() {
        try {
            Path dir = Path.of("/sys/fs/cgroup");
            String max = Files.readString(dir.resolve("memory.max")).trim();
            if (max.equals("max")) {
                return OptionalLong.empty();
            }
            long current = Long.parseLong(Files.readString(dir.resolve("memory.current")).trim());
            return OptionalLong.of(Math.max(0, Long.parseLong(max) - current));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
