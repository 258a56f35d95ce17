package org.sparsefeat.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What memory the machine has, and what this process may still use: the machine's available memory (/proc/meminfo's
 * MemAvailable, which counts reclaimable page cache), lowered to what a cgroup limit leaves (a container's or a batch
 * job's), and what the Java heap still has.
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

    /**
     * Bytes of memory the machine has in all (/proc/meminfo's MemTotal), lowered to a cgroup's limit (a container's,
     * a batch job's): the most a memory budget can mean. Empty where it cannot be read.
     */
    public static OptionalLong physical() {
        OptionalLong total = meminfo("MemTotal:");
        OptionalLong limit = cgroupLimit();
        if (total.isPresent() && limit.isPresent()) {
            return OptionalLong.of(Math.min(total.getAsLong(), limit.getAsLong()));
        }
        return total.isPresent() ? total : limit;
    }

    /**
     * A memory budget given by the user ({@code --memory 8g}), checked against the machine: a budget beyond its
     * physical memory cannot be held, so a plan made for it would page or be killed instead of going out of core.
     *
     * @param option the option, for the message
     * @throws InvalidInputException naming the option, the size and the machine's memory
     */
    public static long budget(String text, String option) {
        long bytes = Bytes.parse(text, option);
        OptionalLong physical = physical();
        if (physical.isPresent() && bytes > physical.getAsLong()) {
            throw new InvalidInputException(option + " " + text.trim() + " (" + Bytes.format(bytes) + ") is more than this"
                    + " machine's memory, " + Bytes.format(physical.getAsLong()) + "; expected at most that (README,"
                    + " 'Memory')");
        }
        return bytes;
    }

    /**
     * Refuses a device budget beyond the device's free memory, as {@link #budget} refuses a host budget beyond the
     * machine's: K planned to stay whole on the device, or the panels streamed through it, would then fail to be
     * allocated after the plan.
     *
     * @param deviceFree the device's free bytes; negative when unknown (nothing is checked)
     */
    public static void requireDeviceBudget(long bytes, String text, long deviceFree, String device, String option) {
        if (deviceFree >= 0 && bytes > deviceFree) {
            throw new InvalidInputException(option + " " + text.trim() + " (" + Bytes.format(bytes) + ") is more than"
                    + " the free memory of " + device + ", " + Bytes.format(deviceFree) + "; expected at most that"
                    + " (README, 'Memory')");
        }
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

    /** cgroup v2's memory.max, where a limit is set. */
    private static OptionalLong cgroupLimit() {
        try {
            String max = Files.readString(Path.of("/sys/fs/cgroup/memory.max")).trim();
            return max.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(max));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
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
