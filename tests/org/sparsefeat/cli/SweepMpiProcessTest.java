package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sweep` on real MPI jobs over loopback (README, 'Beyond one machine'): rank 0 deals the points to the other ranks
 * and alone writes DIR, which then holds the records of a single process, each point once; a rerun resumes; a usage
 * error is rank 0's one line; SIGTERM to every rank (as Slurm's scancel sends) keeps what finished. Skips itself,
 * naming the packages, where Open MPI's mpirun or Debian's ScaLAPACK is missing.
 */
class SweepMpiProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two KRR kernels and a batch of tiny nets: 18 points, 13 units, seconds. */
    static final String SPEC = """
            name: mpi
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: krr, kernel: rfk1, ridge: 0}
              - {kind: net, regime: feature, h: 100, lambda: 1.0e-4, max_steps: 300, save_freq: 100}
            d: [3]
            n: [8, 16, 32]
            seeds: [0, 1]
            n_test: 50
            target: {kind: teacher, act: abs, power: 1, width: 2000}
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireMpi() {
        KrrMpiProcessTest.requireMpi();
    }

    private static final List<String> MPIRUN = List.of("--oversubscribe", "--bind-to", "none", "--mca", "btl",
            "self,vader");

    private static ProcessBuilder mpirun(int ranks, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("mpirun", "-np", Integer.toString(ranks)));
        cmd.addAll(MPIRUN);
        cmd.addAll(ChildJvm.command(args));
        return environment(new ProcessBuilder(cmd));
    }

    private static ProcessBuilder environment(ProcessBuilder pb) {
        pb.environment().putAll(Map.of("OMPI_ALLOW_RUN_AS_ROOT", "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1",
                "OPENBLAS_NUM_THREADS", "1"));
        return pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }

    private static KrrMpiProcessTest.Result finish(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        try {
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), err);
            return new KrrMpiProcessTest.Result(p.exitValue(), err);
        } finally {
            p.destroyForcibly();
        }
    }

    private Path spec(String text) throws IOException {
        Path s = dir.resolve("s.yaml");
        Files.writeString(s, text);
        return s;
    }

    private static List<String> sweep(Path spec, Path out) {
        return List.of("sweep", spec.toString(), "--out", out.toString(), "--backend", "cpu", "--threads", "1");
    }

    /** The records by key, without what the clock measured (seconds, also each dynamics row's). */
    private static Map<String, JsonNode> records(Path out) throws IOException {
        Map<String, JsonNode> byKey = new TreeMap<>();
        Path results = out.resolve("results.jsonl");
        for (String line : Files.exists(results) ? Files.readAllLines(results) : List.<String>of()) {
            JsonNode r = JSON.readTree(line);
            ((ObjectNode) r).remove("seconds");
            r.path("dynamics").forEach(row -> ((ObjectNode) row).remove("seconds"));
            assertTrue(byKey.put(r.get("key").asText(), r) == null, "each point once: " + r.get("key"));
        }
        return byKey;
    }

    @Test
    void threeAndTwoRanksWriteTheRecordsOfOneProcessEachPointOnceAndResume() throws Exception {
        Path s = spec(SPEC), alone = dir.resolve("alone"), ranks = dir.resolve("ranks");
        KrrMpiProcessTest.Result one = finish(environment(new ProcessBuilder(ChildJvm.command(sweep(s, alone)))));
        assertEquals(0, one.code(), one.err());
        Map<String, JsonNode> expected = records(alone);
        assertEquals(18, expected.size());

        KrrMpiProcessTest.Result three = finish(mpirun(3, sweep(s, ranks)));
        assertEquals(0, three.code(), three.err());
        assertEquals(expected, records(ranks), "the same records, test_mse bits and all");
        // rank 0 alone reports points, each once; the workers' lines carry their rank
        assertEquals(18, three.err().lines().filter(l -> l.matches("  \\[\\d+/18] .*")).count(), three.err());
        assertTrue(three.err().contains("on each of 2 worker ranks"), three.err());
        assertTrue(three.err().lines().filter(l -> l.contains("training 6 nets")).allMatch(l -> l.startsWith("rank ")),
                three.err());

        // a rerun on 2 ranks runs only the points missing from results.jsonl
        List<String> lines = Files.readAllLines(ranks.resolve("results.jsonl"));
        Files.write(ranks.resolve("results.jsonl"), lines.subList(0, 10));
        KrrMpiProcessTest.Result two = finish(mpirun(2, sweep(s, ranks)));
        assertEquals(0, two.code(), two.err());
        assertTrue(two.err().contains("18 points in shard 1/1, 10 already done, 8 to run"), two.err());
        assertEquals(8, two.err().lines().filter(l -> l.matches("  \\[\\d+/18] .*")).count(), two.err());
        assertEquals(expected, records(ranks));

        // the report reads the directory as one process's
        Path csvAlone = dir.resolve("alone.csv"), csvRanks = dir.resolve("ranks.csv");
        assertEquals(0, CliRunner.run("report", alone.toString(), "--csv", csvAlone.toString(), "--html",
                dir.resolve("alone.html").toString()).code());
        assertEquals(0, CliRunner.run("report", ranks.toString(), "--csv", csvRanks.toString(), "--html",
                dir.resolve("ranks.html").toString()).code());
        assertEquals(Files.readString(csvAlone), Files.readString(csvRanks));
    }

    @Test
    void aUsageErrorIsRankZerosOneLineAndSendsTheOthersHome() throws Exception {
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(sweep(spec(SPEC), out));
        args.addAll(List.of("--checkpoint-every", "-1"));
        KrrMpiProcessTest.Result r = finish(mpirun(2, args));
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.contains("--checkpoint-every must be a number of minutes >= 0"))
                .count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(out));
    }

    /**
     * A rank that fails (its machine lacks the spec: here an MPMD job gives rank 2 another path) stops the dealing;
     * rank 0 keeps what the others finished and names the rank and its one line, exit 2 as for that usage error.
     */
    @Test
    void aFailingRankIsNamedByRankZeroWhichKeepsWhatTheOthersFinished() throws Exception {
        Path s = spec(SPEC), out = dir.resolve("out");
        List<String> cmd = new ArrayList<>(List.of("mpirun"));
        cmd.addAll(MPIRUN);
        cmd.addAll(List.of("-np", "2"));
        cmd.addAll(ChildJvm.command(sweep(s, out)));
        cmd.addAll(List.of(":", "-np", "1"));
        cmd.addAll(ChildJvm.command(sweep(dir.resolve("missing.yaml"), out)));
        KrrMpiProcessTest.Result r = finish(environment(new ProcessBuilder(cmd)));
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.contains("rank 2: ") && l.contains("missing.yaml: no such sweep"
                + " spec file")).count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(records(out).size() < 18, "each point at most once, and not all of them");
    }

    /**
     * SIGTERM to every rank while one worker trains a long batch and the other has finished the KRR points: the batch
     * saves its state (in DIR/checkpoints), the ranks end together, and DIR keeps the points that finished.
     */
    @Test
    void aSignalToEveryRankKeepsWhatFinishedAndTheBatchesState() throws Exception {
        Path s = spec(SPEC.replace("max_steps: 300", "max_steps: 5000000").replace("n: [8, 16, 32]", "n: [8]")
                .replace("seeds: [0, 1]", "seeds: [0]"));
        Path out = dir.resolve("out");
        Process job = mpirun(3, sweep(s, out)).start();
        List<String> err = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(job.getErrorStream(), StandardCharsets.UTF_8))) {
            boolean training = false;
            int finished = 0;
            for (String line = r.readLine(); line != null && !(training && finished == 2); line = r.readLine()) {
                err.add(line);
                training |= line.contains("training 1 nets");  // the longest unit, dealt first
                finished += line.matches("  \\[\\d/3] krr.*") ? 1 : 0;  // the KRR points, on the other worker
            }
            assertTrue(job.isAlive(), String.join("\n", err));
            List<ProcessHandle> ranks = job.toHandle().descendants()
                    .filter(h -> h.info().command().orElse("").endsWith("java")).toList();
            assertEquals(3, ranks.size(), ranks.toString());
            ranks.forEach(ProcessHandle::destroy);  // SIGTERM to each, as scancel does
            assertTrue(job.waitFor(90, TimeUnit.SECONDS), "the ranks answer a signal");
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                err.add(line);
            }
        } finally {
            job.destroyForcibly();
        }
        String all = String.join("\n", err);
        assertTrue(job.exitValue() != 0, all);
        assertTrue(all.contains("interrupted; run the same command again to resume"), all);
        assertFalse(all.contains("\tat "), all);
        assertEquals(2, records(out).size(), "the two KRR points finished: " + all);
        try (Stream<Path> c = Files.list(out.resolve("checkpoints"))) {
            assertEquals(1, c.filter(p -> p.toString().endsWith(".ckpt")).count(), "the batch's state is saved: " + all);
        }
    }
}
