package org.sparsefeat.distributed;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Whether a parallel launcher started this process, from the environment each one sets: Open MPI's mpirun, MPICH's
 * Hydra (PMI), Slurm's srun. A Slurm batch script sets SLURM_NTASKS too, so only a job step's variables count.
 */
public final class Launcher {
    private Launcher() {}

    /** The number of processes the launcher started, if one did. */
    public static OptionalInt size(Map<String, String> env) {
        for (String v : new String[] {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_STEP_NUM_TASKS"}) {
            OptionalInt n = number(env.get(v));
            if (n.isPresent()) {
                return n;
            }
        }
        return OptionalInt.empty();
    }

    /** This process's rank as the launcher numbered it (0 without a launcher). */
    public static int rank(Map<String, String> env) {
        for (String v : new String[] {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"}) {
            OptionalInt n = number(env.get(v));
            if (n.isPresent()) {
                return n.getAsInt();
            }
        }
        return 0;
    }

    /** Processes of this job on this machine (1 without a launcher): they share its memory. */
    public static int localSize(Map<String, String> env) {
        for (String v : new String[] {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"}) {
            OptionalInt n = number(env.get(v));
            if (n.isPresent()) {
                return n.getAsInt();
            }
        }
        return 1;
    }

    /** This process's place among the job's processes on its machine (0 without a launcher). */
    public static int localRank(Map<String, String> env) {
        for (String v : new String[] {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"}) {
            OptionalInt n = number(env.get(v));
            if (n.isPresent()) {
                return n.getAsInt();
            }
        }
        return 0;
    }

    /**
     * The GPU (0 to {@code devices} - 1) of this process: its local rank's, round the machine's GPUs when it runs more
     * ranks than it has GPUs (then ranks share one).
     */
    public static int gpu(Map<String, String> env, int devices) {
        return devices < 1 ? 0 : localRank(env) % devices;
    }

    /** Whether this run is distributed: {@code --distributed}, or a launcher started more than one process. */
    public static boolean distributed(boolean asked, Map<String, String> env) {
        return asked || size(env).orElse(1) > 1;
    }

    private static OptionalInt number(String s) {
        if (s == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(s.trim());
            return n >= 0 ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
