package org.sparsefeat.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which GPU a rank of an MPI job takes: its local rank's, as each launcher names it, round the machine's GPUs. */
class LauncherTest {
    @Test
    void eachLaunchersLocalRankPicksItsGpuRoundTheMachinesGpus() {
        assertEquals(3, Launcher.gpu(Map.of("OMPI_COMM_WORLD_LOCAL_RANK", "3", "OMPI_COMM_WORLD_RANK", "11"), 4));
        assertEquals(1, Launcher.gpu(Map.of("OMPI_COMM_WORLD_LOCAL_RANK", "5"), 4), "more ranks than GPUs: they share");
        assertEquals(2, Launcher.gpu(Map.of("MPI_LOCALRANKID", "2", "PMI_RANK", "7"), 8), "MPICH's Hydra");
        assertEquals(1, Launcher.gpu(Map.of("SLURM_LOCALID", "3", "SLURM_PROCID", "19"), 2), "Slurm's srun");
        assertEquals(0, Launcher.gpu(Map.of(), 4), "no launcher: the first GPU");
        assertEquals(0, Launcher.gpu(Map.of("OMPI_COMM_WORLD_LOCAL_RANK", "3"), 0), "no GPU: nothing to choose");
        assertEquals(0, Launcher.gpu(Map.of("SLURM_LOCALID", "x"), 4), "not a number: as without a launcher");
    }
}
