package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command started by a parallel launcher that does not run distributed refuses in one line rather than letting
 * every rank write the same results: seen through the launcher's environment alone, so no MPI is needed.
 */
class LauncherCliTest {
    @TempDir
    Path dir;

    @Test
    void sweepUnderMpirunIsRefusedInOneLine() throws Exception {
        Path out = dir.resolve("job");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("sweep", "--preset", "demo", "--out",
                out.toString()))).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMPI_COMM_WORLD_SIZE", "2");
        pb.environment().put("OMPI_COMM_WORLD_RANK", "0");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), err);
        assertEquals(2, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("sweep does not run on several MPI processes yet") && err.contains("--shard"), err);
        assertFalse(Files.exists(out), "nothing written");
    }
}
