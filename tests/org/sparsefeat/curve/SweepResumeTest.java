package org.sparsefeat.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.backend.cpu.CpuBackend;

class SweepResumeTest {
    static final String SPEC = """
            name: resume
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, regime: feature, h: 100, lambda: 1.0e-4, max_steps: 300, save_freq: 100}
            d: [3]
            n: [8, 16, 32]
            seeds: [0, 1]
            n_test: 50
            target: {kind: teacher, act: abs, power: 1, width: 2000}
            """;

    private static CpuBackend backend;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    /** Stands for a kill: the log line after a point's record was written throws. */
    private static final class Killed extends RuntimeException {
        Killed() { super("killed"); }
    }

    private static void writeSpec(Path out) {
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve(ResultStore.SPEC), SPEC);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<String, JsonNode> runWhole(Path out) {
        SweepSpec spec = SpecParser.parse(SPEC, "resume.yaml");
        new SweepRunner(spec, new ResultStore(out), backend, line -> { }).run(Shard.ALL);
        return new ResultStore(out).load();
    }

    @Test
    void aKilledSweepResumesWithTheSameResultsAndNoDuplicateOrLostRecord() throws IOException {
        Map<String, JsonNode> reference = runWhole(dir.resolve("whole"));
        SweepSpec spec = SpecParser.parse(SPEC, "resume.yaml");
        assertEquals(spec.grid().size(), reference.size());

        Path out = dir.resolve("killed");
        int[] lines = {0};
        assertThrows(Killed.class, () -> new SweepRunner(spec, new ResultStore(out), backend, line -> {
            if (line.contains("] ") && ++lines[0] == 4) {
                throw new Killed();  // after four points were written
            }
        }).run(Shard.ALL));
        int written = new ResultStore(out).load().size();
        assertTrue(written >= 4 && written < spec.grid().size(), written + " records after the kill");
        // and a kill in the middle of an append: half a line at the end of the file
        Files.writeString(out.resolve(ResultStore.RESULTS), "{\"key\": \"net-feature-h100/d3/n8/s0\", \"test_m",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(written, new ResultStore(out).load().size(), "a partial line is not a record");

        SweepRunner again = new SweepRunner(spec, new ResultStore(out), backend, line -> { });
        assertEquals(spec.grid().size() - written, again.pending(Shard.ALL).size());
        assertEquals(spec.grid().size() - written, again.run(Shard.ALL));
        List<String> all = Files.readAllLines(out.resolve(ResultStore.RESULTS));
        assertEquals(spec.grid().size(), all.size(), "one line per point, no duplicate, no partial line");
        Map<String, JsonNode> resumed = new ResultStore(out).load();
        assertEquals(reference.keySet(), resumed.keySet());
        for (String key : reference.keySet()) {
            assertEquals(reference.get(key).get("test_mse").asDouble(), resumed.get(key).get("test_mse").asDouble(), 0.0,
                    key);
        }
        assertEquals(0, again.run(Shard.ALL), "a finished sweep has nothing left to run");
    }

    @Test
    void shardsSplitTheGridDisjointlyAndTogetherCoverIt() {
        SweepSpec spec = SpecParser.parse(SPEC, "resume.yaml");
        Map<String, JsonNode> reference = runWhole(dir.resolve("whole"));
        int total = 0;
        for (int i = 1; i <= 3; i++) {
            Path out = dir.resolve("shard" + i);
            writeSpec(out);
            total += new SweepRunner(spec, new ResultStore(out), backend, line -> { }).run(new Shard(i, 3));
        }
        assertEquals(spec.grid().size(), total);
        var merged = new org.sparsefeat.report.SweepReport(List.of(dir.resolve("shard1"), dir.resolve("shard2"),
                dir.resolve("shard3")));
        assertEquals(reference.size(), merged.records());
    }
}
