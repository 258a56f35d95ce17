package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.curve.ResultStore;
import org.sparsefeat.curve.SweepLock;

/** The sweep command's guards: one process per directory, extended specs, and paper-sized presets. */
class SweepCliTest {
    static final String SPEC = """
            name: ext
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, regime: feature, h: 100, lambda: 1.0e-4, max_steps: 300, save_freq: 100}
            d: [3]
            n: [8, 16]
            seeds: [0]
            n_test: 50
            target: {kind: teacher, act: abs, power: 1, width: 2000}
            """;

    /** The same sweep with a larger n, another seed and another method. */
    static final String EXTENDED = SPEC.replace("n: [8, 16]", "n: [8, 16, 32]").replace("seeds: [0]", "seeds: [0, 1]")
            .replace("  - {kind: krr, kernel: ntk, ridge: 0}\n", "  - {kind: krr, kernel: ntk, ridge: 0}\n  - {kind: krr, kernel: rfk1, ridge: 0}\n");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void aSecondSweepOnTheSameDirectoryNamesTheHolderAndExitsOrWaits() throws Exception {
        Path spec = write("s.yaml", SPEC.replace("  - {kind: net, regime: feature, h: 100, lambda: 1.0e-4, max_steps: 300,"
                + " save_freq: 100}\n", ""));
        Path out = dir.resolve("out");
        CompletableFuture<Integer> waiting;
        StringWriter err = new StringWriter();
        try (SweepLock held = SweepLock.acquire(out, false, line -> { })) {
            CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--out", out.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("is in use by another sweep (process " + ProcessHandle.current().pid() + "@"),
                    r.err());
            assertTrue(r.err().contains("--wait"), r.err());
            assertFalse(Files.exists(out.resolve(ResultStore.RESULTS)), "nothing ran");

            waiting = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(new StringWriter()),
                    new PrintWriter(err, true), "sweep", spec.toString(), "--out", out.toString(), "--wait"));
            while (!err.toString().contains("waiting for the sweep in") && !waiting.isDone()) {
                Thread.sleep(50);
            }
            assertFalse(waiting.isDone(), "--wait waits while the directory is held: " + err);
        }
        assertEquals(0, (int) waiting.get(), err.toString());
        assertEquals(2, new ResultStore(out).load().size(), err.toString());
    }

    @Test
    void aSpecThatOnlyAddsGridPointsReusesTheFinishedOnesWhichEqualAFreshRun() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(0, CliRunner.run("sweep", write("a.yaml", SPEC).toString(), "--out", out.toString()).code());
        List<String> before = Files.readAllLines(out.resolve(ResultStore.RESULTS));
        assertEquals(4, before.size());

        CliRunner.Run r = CliRunner.run("sweep", write("b.yaml", EXTENDED).toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("reusing 4 finished points of the earlier spec"), r.err());
        assertTrue(r.err().contains("4 already done, 14 to run"), r.err());
        assertEquals(EXTENDED, Files.readString(out.resolve(ResultStore.SPEC)));
        assertTrue(Files.readString(out.resolve(SweepCommand.SPEC_HISTORY)).contains(SPEC));
        List<String> after = Files.readAllLines(out.resolve(ResultStore.RESULTS));
        assertEquals(before, after.subList(0, 4), "the finished points are kept as they were");
        assertEquals(18, after.size());

        Path fresh = dir.resolve("fresh");
        assertEquals(0, CliRunner.run("sweep", dir.resolve("b.yaml").toString(), "--out", fresh.toString()).code());
        Map<String, JsonNode> extended = new ResultStore(out).load(), reference = new ResultStore(fresh).load();
        assertEquals(reference.keySet(), extended.keySet());
        for (String key : reference.keySet()) {
            assertEquals(reference.get(key).get("test_mse").asDouble(), extended.get(key).get("test_mse").asDouble(), 0.0,
                    key);
            if (reference.get(key).has("dynamics")) {
                assertEquals(withoutSeconds(reference.get(key).get("dynamics")),
                        withoutSeconds(extended.get(key).get("dynamics")), key);
            }
        }

        // a spec that changes what the finished points mean is another sweep
        CliRunner.Run other = CliRunner.run("sweep", write("c.yaml", EXTENDED.replace("n_test: 50", "n_test: 60")).toString(),
                "--out", out.toString());
        assertEquals(2, other.code());
        assertTrue(other.err().contains("holds another sweep ('ext': its n_test is 50, not 60)"), other.err());
        CliRunner.Run fewer = CliRunner.run("sweep", write("d.yaml", EXTENDED.replace("seeds: [0, 1]", "seeds: [0]")).toString(),
                "--out", out.toString());
        assertEquals(2, fewer.code());
        assertTrue(fewer.err().contains("the new spec drops 9 of its points"), fewer.err());
        CliRunner.Run lost = CliRunner.run("sweep", dir.resolve("a.yaml").toString(), "--out", out.toString());
        assertTrue(lost.err().contains("its method 'krr-rfk1' is not in the new spec"), lost.err());
    }

    @Test
    void aPaperSizedPresetWithoutScaleIsRefusedWithItsEstimateAndWritesNothing() {
        Path out = dir.resolve("p");
        CliRunner.Run r = CliRunner.run("sweep", "--preset", "figG1", "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--preset figG1 at the paper's size: estimate "), r.err());
        assertTrue(r.err().contains("pass --scale paper to run it anyway"), r.err());
        assertFalse(Files.exists(out), "nothing written");
        CliRunner.Run spec = CliRunner.run("sweep", "x.yaml", "--scale", "small", "--out", out.toString());
        assertEquals(2, spec.code());
        assertTrue(spec.err().contains("--scale applies to presets"), spec.err());
    }

    /** The dynamics without their wall-clock times, which differ between runs. */
    private static JsonNode withoutSeconds(JsonNode dynamics) {
        JsonNode copy = dynamics.deepCopy();
        copy.forEach(row -> ((com.fasterxml.jackson.databind.node.ObjectNode) row).remove("seconds"));
        return copy;
    }
}
