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

    /** Kernels only (quick), three seeds, two methods: 18 points, then a fourth seed (24). */
    static final String KERNELS = """
            name: shards
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: krr, kernel: rfk1, ridge: 0}
            d: [3]
            n: [8, 16, 32]
            seeds: [0, 1, 2]
            n_test: 50
            target: {kind: teacher, act: abs, power: 1, width: 2000}
            """;

    @Test
    void shardsExtendedByASeedEachRunExactlyTheirShareOfTheNewPointsAndCountTruly() throws Exception {
        Path a = write("a.yaml", KERNELS), b = write("b.yaml", KERNELS.replace("seeds: [0, 1, 2]", "seeds: [0, 1, 2, 3]"));
        Map<Integer, Integer> before = new java.util.HashMap<>();
        for (int i = 1; i <= 2; i++) {
            Path out = dir.resolve("part" + i);
            assertEquals(0, CliRunner.run("sweep", a.toString(), "--shard", i + "/2", "--out", out.toString()).code());
            before.put(i, Files.readAllLines(out.resolve(ResultStore.RESULTS)).size());
        }
        assertEquals(18, before.get(1) + before.get(2));
        int ran = 0;
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 1; i <= 2; i++) {
            Path out = dir.resolve("part" + i);
            CliRunner.Run r = CliRunner.run("sweep", b.toString(), "--shard", i + "/2", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            List<String> lines = Files.readAllLines(out.resolve(ResultStore.RESULTS));
            int now = lines.size() - before.get(i);
            ran += now;
            assertTrue(r.err().contains("the new spec adds 6 grid points (" + now + " in shard " + i + "/2)"), r.err());
            assertTrue(r.err().contains("reusing " + before.get(i) + " finished points of the earlier spec in shard " + i
                    + "/2"), r.err());
            assertTrue(r.err().contains((before.get(i) + now) + " points in shard " + i + "/2, " + before.get(i)
                    + " already done, " + now + " to run"), r.err());
            assertTrue(now == 0 || r.err().contains("[" + (before.get(i) + 1) + "/" + (before.get(i) + now) + "]"),
                    "the count of finished points goes on from the earlier runs': " + r.err());
            assertFalse(r.err().contains("belong to other shards"), r.err());
            for (String line : lines) {
                assertTrue(keys.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("key").asText()),
                        "computed twice: " + line);
            }
        }
        assertEquals(6, ran, "exactly the new seed's points ran");
        assertEquals(24, keys.size(), "every point of the extended sweep, once");
    }

    @Test
    void aShardDirectoryHoldingOtherShardsPointsOrDealtByAnEarlierBuildSaysSoAndDoesNotRunThem() throws Exception {
        Path a = write("a.yaml", KERNELS);
        Path whole = dir.resolve("whole");
        assertEquals(0, CliRunner.run("sweep", a.toString(), "--out", whole.toString()).code());
        org.sparsefeat.curve.SweepSpec spec = org.sparsefeat.curve.SpecParser.parse(KERNELS, "a.yaml");
        List<org.sparsefeat.curve.SweepPoint> grid = spec.grid();
        Map<String, JsonNode> all = new ResultStore(whole).load();
        org.sparsefeat.curve.Shard first = new org.sparsefeat.curve.Shard(1, 2);

        // shard 1 of 2 as an earlier build dealt them, every other point in the grid's order, and one that had only
        // finished points the dealing by key gives it too (it ran the others of its shard's points)
        for (boolean onlyOwn : new boolean[] {false, true}) {
            Path old = dir.resolve("old-" + onlyOwn);
            Files.createDirectories(old);
            Files.writeString(old.resolve(ResultStore.SPEC), KERNELS);
            Files.writeString(old.resolve(ResultStore.ENVIRONMENT), "{\"sparsefeat\": \"0.1.0\", \"shard\": \"1/2\"}");
            StringBuilder lines = new StringBuilder();
            long others = 0, kept = 0;
            for (int i = 0; i < grid.size(); i += 2) {
                boolean owned = first.owns(grid.get(i));
                if (owned || !onlyOwn) {
                    lines.append(all.get(grid.get(i).key())).append('\n');
                    others += owned ? 0 : 1;
                    kept++;
                }
            }
            assertTrue(onlyOwn || others > 0, "the example needs points the dealing by key gives to the other shard");
            Files.writeString(old.resolve(ResultStore.RESULTS), lines);
            long ownMissing = grid.stream().filter(p -> first.owns(p) && !lines.toString().contains("\"" + p.key() + "\""))
                    .count();
            CliRunner.Run r = CliRunner.run("sweep", a.toString(), "--shard", "1/2", "--out", old.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("sweep shards: " + old + " holds shard 1/2 of an earlier build, which dealt points"
                    + " to shards by their place in the grid, not by their key as now: " + others + " of its finished"
                    + " points are other shards' now (kept, not run here)"), r.err());
            assertTrue(r.err().contains("copy the lines of every shard's results.jsonl into the others'"), r.err());
            assertTrue(r.err().contains(ownMissing + " to run"), r.err());
            assertEquals(kept + ownMissing, Files.readAllLines(old.resolve(ResultStore.RESULTS)).size(),
                    "the other shards' points are kept and not run again");

            // the run recorded the dealing: a directory holding other shards' points now says only that
            CliRunner.Run again = CliRunner.run("sweep", a.toString(), "--shard", "1/2", "--out", old.toString());
            assertFalse(again.err().contains("earlier build"), again.err());
            assertEquals(others > 0, again.err().contains(others + " finished points in " + old
                    + " belong to other shards than 1/2; they are kept and not run here"), again.err());
        }
    }

    @Test
    void aSweepOfSecondsSaysNothingAboutAGpuWhileALongOneDoes() throws Exception {
        // nets alone: the model's GPU is 30x faster, so a GPU line was due, and said "about 0s"
        String nets = SPEC.replace("  - {kind: krr, kernel: ntk, ridge: 0}\n", "");
        CliRunner.Run small = CliRunner.run("sweep", write("a.yaml", nets).toString(), "--out", dir.resolve("s").toString(),
                "--backend", "cpu");
        assertEquals(0, small.code(), small.err());
        assertTrue(small.err().contains("estimate "), small.err());
        assertFalse(small.err().contains("GPU"), small.err());
        CliRunner.Run paper = CliRunner.run("sweep", "--preset", "figG1", "--out", dir.resolve("p").toString(),
                "--backend", "cpu");
        assertTrue(paper.err().matches("(?s).*on one GPU \\(an H100, by the model: nothing timed on a GPU yet\\) about"
                + " [0-9]+[hm][0-9]+[ms].*"), paper.err());
        assertEquals("under a second", org.sparsefeat.util.Durations.about(0.4));
        assertEquals("about 1s", org.sparsefeat.util.Durations.about(0.6));
        assertEquals("about 2m05s", org.sparsefeat.util.Durations.about(125));
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
