package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.curve.ResultStore;

/**
 * A real second process: while one sweep trains, another on the same directory names it and exits 2; a
 * SIGTERM makes the first save its batch, say how to resume and exit (resuming: SweepCheckpointTest).
 */
class SweepProcessTest {
    static final String SPEC = """
            name: proc
            methods:
              - {kind: net, regime: feature, h: 300, lambda: 1.0e-4, max_steps: 5000000, save_freq: 100}
            d: [3]
            n: [8]
            seeds: [0]
            n_test: 20
            target: {kind: teacher, act: abs, power: 1, width: 2000}
            """;

    @TempDir
    Path dir;

    @Test
    void aSignalledSweepSavesItsBatchSaysHowToResumeAndHoldsItsDirectoryUntilThen() throws Exception {
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, SPEC);
        Path out = dir.resolve("out");
        List<String> args = List.of("sweep", spec.toString(), "--out", out.toString(), "--threads", "1");
        Process child = new ProcessBuilder(ChildJvm.command(args)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> err = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                err.add(line);
                if (line.contains("training 1 nets")) {
                    break;
                }
            }
            assertTrue(child.isAlive(), String.join("\n", err));

            CliRunner.Run second = CliRunner.run("sweep", spec.toString(), "--out", out.toString());
            assertEquals(2, second.code(), second.err());
            assertTrue(second.err().contains("in use by another sweep (process " + child.pid() + "@"), second.err());

            child.toHandle().destroy();  // SIGTERM (Process.destroy would also close our end of its stderr)
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the sweep answers a signal");
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                err.add(line);
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(143, child.exitValue(), String.join("\n", err));
        assertEquals("interrupted; run the same command again to resume", err.getLast(), String.join("\n", err));
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertEquals(1, s.filter(p -> p.toString().endsWith(".ckpt")).count(), "the batch's state is saved");
        }
        assertTrue(new ResultStore(out).load().isEmpty());
    }
}
