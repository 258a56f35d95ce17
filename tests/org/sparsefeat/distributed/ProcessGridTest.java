package org.sparsefeat.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparsefeat.util.InvalidInputException;

/** The pure parts of a distributed run, no MPI needed: grids, the launcher's environment, numroc. */
class ProcessGridTest {
    @Test
    void theDefaultGridIsTheMostNearlySquareWithRowsAtMostColumns() {
        assertEquals("1x1", ProcessGrid.of(null, 1, 0, 100).label());
        assertEquals("1x2", ProcessGrid.of(null, 2, 0, 100).label());
        assertEquals("2x2", ProcessGrid.of(null, 4, 0, 100).label());
        assertEquals("2x3", ProcessGrid.of(null, 6, 0, 100).label());
        assertEquals("8x8", ProcessGrid.of(null, 64, 0, 100).label());
        assertEquals("1x7", ProcessGrid.of(null, 7, 0, 100).label());
        assertEquals(ProcessGrid.DEFAULT_BLOCK, ProcessGrid.of(null, 4, 0, 100_000).block());
        assertEquals(100, ProcessGrid.of(null, 4, 0, 100).block(), "a block is at most n");
        assertEquals(64, ProcessGrid.of("4x1", 4, 64, 100_000).block());
    }

    @Test
    void aGivenGridMustMultiplyToTheRanks() {
        assertEquals("4x2", ProcessGrid.of(" 4X2 ", 8, 0, 100).label());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ProcessGrid.of("3x1", 2, 0, 100));
        assertEquals("grid 3x1 has 3 processes but 2 were started; give ROWSxCOLS with ROWS * COLS = 2", e.getMessage());
        assertTrue(assertThrows(InvalidInputException.class, () -> ProcessGrid.of("2by2", 4, 0, 100)).getMessage()
                .startsWith("grid must be ROWSxCOLS"));
        assertThrows(InvalidInputException.class, () -> ProcessGrid.of("0x4", 0, 0, 100));
        assertThrows(InvalidInputException.class, () -> ProcessGrid.of(null, 4, -1, 100));
    }

    @Test
    void aLauncherIsSeenFromItsEnvironment() {
        assertFalse(Launcher.distributed(false, Map.of()));
        assertTrue(Launcher.distributed(true, Map.of()));
        assertTrue(Launcher.distributed(false, Map.of("OMPI_COMM_WORLD_SIZE", "4")));
        assertFalse(Launcher.distributed(false, Map.of("OMPI_COMM_WORLD_SIZE", "1")), "mpirun -np 1: one process");
        assertTrue(Launcher.distributed(false, Map.of("PMI_SIZE", "2")));
        assertTrue(Launcher.distributed(false, Map.of("SLURM_STEP_NUM_TASKS", "64")));
        assertFalse(Launcher.distributed(false, Map.of("SLURM_NTASKS", "64")), "a batch script is not a job step");
        assertEquals(3, Launcher.rank(Map.of("OMPI_COMM_WORLD_RANK", "3")));
        assertEquals(5, Launcher.rank(Map.of("SLURM_PROCID", "5")));
        assertEquals(2, Launcher.localSize(Map.of("OMPI_COMM_WORLD_LOCAL_SIZE", "2")));
        assertEquals(1, Launcher.localSize(Map.of()));
    }

    /** numroc's count, against dealing the blocks out one by one. */
    @Test
    void localCountsDealTheBlocksRoundTheProcesses() {
        for (int n : new int[] {1, 7, 64, 100, 1000}) {
            for (int nb : new int[] {1, 3, 16, 64}) {
                for (int p = 1; p <= 5; p++) {
                    int total = 0;
                    for (int me = 0; me < p; me++) {
                        int dealt = 0;
                        for (int b = 0; b * nb < n; b++) {
                            if (b % p == me) {
                                dealt += Math.min(nb, n - b * nb);
                            }
                        }
                        assertEquals(dealt, DistributedMatrix.localCount(n, nb, me, p), n + " " + nb + " " + p + " " + me);
                        total += dealt;
                    }
                    assertEquals(n, total);
                }
            }
        }
    }
}
