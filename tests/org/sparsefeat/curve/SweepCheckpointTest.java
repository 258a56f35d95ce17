package org.sparsefeat.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.backend.cpu.CpuBackend;

/** A sweep stopped in the middle of a batch of nets resumes it from its checkpoint, with the same bits. */
class SweepCheckpointTest {
    static final String SPEC = """
            name: ckpt
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, regime: feature, h: 300, lambda: 1.0e-4, max_steps: 2000, save_freq: 100}
            d: [3]
            n: [8, 16]
            seeds: [0, 1]
            n_test: 40
            target: {kind: teacher, act: abs, power: 1, width: 2000}
            """;

    private static CpuBackend backend;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    private static List<Path> checkpoints(Path out) throws IOException {
        Path d = out.resolve(BatchCheckpoints.DIR);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    @Test
    void aBatchStoppedInTheMiddleResumesFromItsCheckpointWithTheSameBits() throws IOException {
        SweepSpec spec = SpecParser.parse(SPEC, "ckpt.yaml");
        Path whole = dir.resolve("whole");
        new SweepRunner(spec, new ResultStore(whole), backend, line -> { }).run(Shard.ALL);
        Map<String, JsonNode> reference = new ResultStore(whole).load();
        assertTrue(checkpoints(whole).isEmpty(), "a finished batch leaves no checkpoint");

        Path out = dir.resolve("stopped");
        int[] asked = {0};
        List<String> log = new ArrayList<>();
        SweepRunner first = new SweepRunner(spec, new ResultStore(out), backend, log::add)
                .checkpointEvery(Duration.ZERO).stopWhen(() -> log.stream().anyMatch(l -> l.contains("training"))
                        && ++asked[0] == 6);
        SweepRunner.Interrupted e = assertThrows(SweepRunner.Interrupted.class, () -> first.run(Shard.ALL));
        assertEquals("interrupted; run the same command again to resume", e.getMessage());
        assertEquals(4, new ResultStore(out).load().size(), "the kernel points finished, the nets did not");
        assertEquals(1, checkpoints(out).size(), "the batch's state is saved: " + checkpoints(out));
        // the rerun's estimate counts the batch's steps left, not all of them (the same pending points without the
        // checkpoint, as a copy of the results alone, estimate more)
        Path bare = Files.createDirectories(dir.resolve("bare"));
        Files.copy(out.resolve(ResultStore.RESULTS), bare.resolve(ResultStore.RESULTS));
        double rest = new SweepRunner(spec, new ResultStore(out), backend, line -> { }).estimate(Shard.ALL);
        double all = new SweepRunner(spec, new ResultStore(bare), backend, line -> { }).estimate(Shard.ALL);
        assertTrue(rest > 0 && rest < all, "resumed " + rest + " s, afresh " + all + " s");

        List<String> again = new ArrayList<>();
        assertEquals(4, new SweepRunner(spec, new ResultStore(out), backend, again::add).run(Shard.ALL));
        assertTrue(again.stream().anyMatch(l -> l.contains("resuming from") && !l.contains("step 0,")), String.join("\n", again));
        assertTrue(checkpoints(out).isEmpty(), "the checkpoint is deleted once the results are in");
        Map<String, JsonNode> resumed = new ResultStore(out).load();
        assertEquals(reference.keySet(), resumed.keySet());
        for (String key : reference.keySet()) {
            JsonNode a = reference.get(key), b = resumed.get(key);
            assertEquals(a.get("test_mse").asDouble(), b.get("test_mse").asDouble(), 0.0, key);
            assertEquals(a.get("train_mse").asDouble(), b.get("train_mse").asDouble(), 0.0, key);
            if (a.has("dynamics")) {
                assertEquals(a.get("steps"), b.get("steps"), key);
                assertEquals(a.get("atoms_exact"), b.get("atoms_exact"), key);
                assertEquals(withoutSeconds(a.get("dynamics")), withoutSeconds(b.get("dynamics")), key);
            }
        }
    }

    @Test
    void aCheckpointOfAnotherBatchIsNotResumedAndIsCleanedUp() throws IOException {
        SweepSpec spec = SpecParser.parse(SPEC, "ckpt.yaml");
        Path out = dir.resolve("other");
        List<String> log = new ArrayList<>();
        int[] asked = {0};
        assertThrows(SweepRunner.Interrupted.class, () -> new SweepRunner(spec, new ResultStore(out), backend, log::add)
                .checkpointEvery(Duration.ZERO).stopWhen(() -> log.stream().anyMatch(l -> l.contains("training"))
                        && ++asked[0] == 3).run(Shard.ALL));
        assertEquals(1, checkpoints(out).size());
        // another sweep's spec in the same place: the nets of the checkpoint have other settings
        SweepSpec other = SpecParser.parse(SPEC.replace("lambda: 1.0e-4", "lambda: 2.0e-4"), "ckpt.yaml");
        List<String> again = new ArrayList<>();
        new SweepRunner(other, new ResultStore(out), backend, again::add).run(Shard.ALL);
        assertFalse(again.stream().anyMatch(l -> l.contains("resuming from")), String.join("\n", again));
        assertTrue(again.stream().anyMatch(l -> l.contains("removing")), String.join("\n", again));
        assertTrue(checkpoints(out).isEmpty());
    }

    @Test
    void theEtaAfterTheLastBatchIsZeroForEveryPointOfIt() {
        SweepSpec spec = SpecParser.parse(SPEC, "ckpt.yaml");
        List<String> log = new ArrayList<>();
        new SweepRunner(spec, new ResultStore(dir.resolve("eta")), backend, log::add).run(Shard.ALL);
        List<String> nets = log.stream().filter(l -> l.contains("] net-")).toList();
        assertEquals(4, nets.size(), String.join("\n", log));
        for (String l : nets) {
            assertTrue(l.contains("ETA 0s)"), "a finished batch's points are not left to do: " + l);
        }
        assertTrue(log.getFirst().contains("estimate"), log.getFirst());
    }

    /** The dynamics without their wall-clock times, which differ between runs. */
    private static JsonNode withoutSeconds(JsonNode dynamics) {
        JsonNode copy = dynamics.deepCopy();
        copy.forEach(row -> ((com.fasterxml.jackson.databind.node.ObjectNode) row).remove("seconds"));
        return copy;
    }
}
