package org.sparsefeat.krr;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.sparsefeat.linalg.tiled.Monitor;

/**
 * What a KRR fit may use and who watches it: execution settings, not the method's options ({@link KrrOptions}). For
 * one tile order, every budget and store gives the same bits; the plan's choice of a default tile order changes the
 * last bits only (see {@link MemoryPlan}).
 *
 * @param memory  the memory budget in bytes for the kernel matrix and its work space, or null for the default:
 *                what the machine can give, with a margin ({@link MemoryPlan})
 * @param scratch a directory for the factor when it is kept on disk: given, the factorisation goes there (out of
 *                core, journaled, resumable) whatever the budget; null for the default place when needed (the system's
 *                temporary directory)
 * @param tile    the tile order of the tiled factorisation, or 0 for the default
 * @param monitor asked between tile operations whether to stop, and told the progress
 * @param onPlan  receives the memory plan before any work (its {@link MemoryPlan#line} is for a person)
 * @param deviceMemory on a GPU backend, the bytes of device memory the factorisation may use, or null for the default
 *                (most of what is free); given, K is factored in tiles streamed through that much, even where it would
 *                fit whole
 */
public record KrrResources(Long memory, Path scratch, int tile, Monitor monitor, Consumer<MemoryPlan> onPlan,
        Long deviceMemory) {
    /** Default budget and places, nobody watching: what sweeps and the Java API use. */
    public static final KrrResources DEFAULT = new KrrResources(null, null, 0, Monitor.NONE, plan -> {});

    /** The default device budget. */
    public KrrResources(Long memory, Path scratch, int tile, Monitor monitor, Consumer<MemoryPlan> onPlan) {
        this(memory, scratch, tile, monitor, onPlan, null);
    }

    public KrrResources {
        if (memory != null && memory < 1) {
            throw new IllegalArgumentException("memory budget must be positive, got " + memory);
        }
        if (deviceMemory != null && deviceMemory < 1) {
            throw new IllegalArgumentException("device memory budget must be positive, got " + deviceMemory);
        }
        if (tile < 0) {
            throw new IllegalArgumentException("tile must be >= 0, got " + tile);
        }
    }
}
