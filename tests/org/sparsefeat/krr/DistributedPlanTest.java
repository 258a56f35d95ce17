package org.sparsefeat.krr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sparsefeat.distributed.DistributedMatrix;
import org.sparsefeat.distributed.ProcessGrid;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.util.InvalidInputException;

/** The per-rank memory plan of a distributed fit: what it holds, and the one-line refusals naming the ranks needed. */
class DistributedPlanTest {
    private static KrrResources memory(long bytes) {
        return new KrrResources(bytes, null, 0, Monitor.NONE, p -> {});
    }

    @Test
    void aRankHoldsItsLargestLocalArrayAndOneBlock() {
        ProcessGrid g = ProcessGrid.of(null, 4, 256, 4096);
        long local = DistributedMatrix.maxLocalElements(4096, g);
        assertEquals(2048L * 2048, local);
        MemoryPlan plan = MemoryPlan.distributed(4096, 4, 256, local, 4, memory(1L << 30), Integer.MAX_VALUE, null, 0);
        assertEquals(MemoryPlan.Mode.DISTRIBUTED, plan.mode());
        assertEquals(local * 8 + 256L * 256 * 8, plan.matrixBytes());
        assertEquals("distributed", plan.toMap().get("mode"));
        assertEquals(256, plan.toMap().get("block"));
    }

    @Test
    void tooLittleMemoryPerRankNamesTheRanksNeeded() {
        // n = 262144 on 64 ranks of 7 GiB: K is 512 GiB, 7 GiB less a block holds 1/73.1 of it
        ProcessGrid g = ProcessGrid.of(null, 64, 256, 262_144);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> MemoryPlan.distributed(262_144, 64,
                256, DistributedMatrix.maxLocalElements(262_144, g), 1, memory(7L << 30), Integer.MAX_VALUE, null, 0));
        assertEquals("n = 262144 needs at least 74 ranks of 7.00 GiB (given; memory is per rank); you started 64, each"
                + " needing 8.00 GiB", e.getMessage());
    }

    @Test
    void scaLapacksThirtyTwoBitLocalArraysAreRefusedInOneLine() {
        // n = 1048576 on 64 ranks: 128 GiB each, 8 times what 2^31 - 1 elements address
        ProcessGrid g = ProcessGrid.of(null, 64, 256, 1 << 20);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> MemoryPlan.distributed(1 << 20, 64,
                256, DistributedMatrix.maxLocalElements(1 << 20, g), 1, memory(1L << 40), Integer.MAX_VALUE, null, 0));
        assertEquals("n = 1048576 needs at least 513 ranks (ScaLAPACK's local arrays hold at most 16.0 GiB each); you"
                + " started 64", e.getMessage());
    }
}
