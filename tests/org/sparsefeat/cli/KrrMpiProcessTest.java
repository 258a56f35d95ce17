package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.data.Npy;
import org.sparsefeat.linalg.Matrix;

/**
 * `krr` on real MPI jobs over loopback (README, 'Beyond one machine'): 2 ranks, and 4 oversubscribed on a machine
 * with fewer cores, against the single-process result; and the one-line errors. Skips itself, naming the packages,
 * where Open MPI's mpirun or Debian's ScaLAPACK is missing.
 */
class KrrMpiProcessTest {
    private static final String PACKAGES = "openmpi-bin libscalapack-openmpi2.2";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireMpi() {
        boolean mpirun;
        try {
            Process p = new ProcessBuilder("mpirun", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            mpirun = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            mpirun = false;
        }
        boolean scalapack = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libscalapack-openmpi.so.2.2"));
        Assumptions.assumeTrue(mpirun && scalapack, "skipped: no " + (mpirun ? "ScaLAPACK" : "mpirun")
                + "; install " + PACKAGES + " (apt) to run the tests on real MPI jobs");
    }

    record Result(int code, String err) {}

    /** The CLI in a JVM of its own, outside mpirun, with {@code env} added. */
    private static Result alone(List<String> args, Map<String, String> env) throws Exception {
        return finish(new ProcessBuilder(ChildJvm.command(args)), env);
    }

    /** The CLI on {@code ranks} processes of one mpirun job over loopback. */
    private static Result mpirun(int ranks, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mpirun", "-np", Integer.toString(ranks), "--oversubscribe",
                "--bind-to", "none", "--mca", "btl", "self,vader"));
        cmd.addAll(ChildJvm.command(args));
        return finish(new ProcessBuilder(cmd), Map.of());
    }

    private static Result finish(ProcessBuilder pb, Map<String, String> env) throws Exception {
        // mpirun refuses root without these; set here, for the tests' processes only
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().putAll(env);
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), err);
            return new Result(p.exitValue(), err);
        } finally {
            p.destroyForcibly();
        }
    }

    private List<String> krr(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("krr", "--n", "2048", "--n-test", "500", "--d", "5", "--ridge", "1e-8",
                "--threads", "1", "--progress", "none", "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    private static JsonNode read(Path p) throws IOException { return JSON.readTree(p.toFile()); }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), what + ": " + actual + " vs " + expected);
    }

    @Test
    void twoAndFourRanksGiveTheSingleProcessResult() throws Exception {
        Path single = dir.resolve("single.json"), two = dir.resolve("two.json"), four = dir.resolve("four.json");
        Result s = alone(krr(single), Map.of());
        assertEquals(0, s.code(), s.err());
        Result r2 = mpirun(2, krr(two));
        assertEquals(0, r2.code(), r2.err());
        Result r4 = mpirun(4, krr(four, "--block", "128"));
        assertEquals(0, r4.code(), r4.err());
        double expected = read(single).get("test_mse").asDouble();
        assertTrue(expected > 0, "a real test error");
        for (Path p : List.of(two, four)) {
            JsonNode j = read(p);
            assertClose(expected, j.get("test_mse").asDouble(), p.getFileName().toString());
            assertEquals("distributed", j.get("memory_plan").get("mode").asText());
        }
        assertEquals(2, read(two).get("distributed").get("ranks").asInt());
        assertEquals("1x2", read(two).get("distributed").get("grid").asText());
        assertEquals(256, read(two).get("distributed").get("block").asInt());
        assertEquals("2x2", read(four).get("distributed").get("grid").asText());
        assertEquals(128, read(four).get("distributed").get("block").asInt());
        // rank 0 alone speaks: one plan line, one result line's worth of messages
        assertEquals(1, r2.err().lines().filter(l -> l.startsWith("krr: memory plan: each rank holds")).count(), r2.err());
    }

    /**
     * A rank killed (SIGKILL) after a checkpoint of the factorisation ends the job; the same command, rerun, resumes
     * from the journal every rank holds and gives the bits of a run that was never stopped.
     */
    @Test
    void aKilledRanksJobResumesFromTheJournalToTheSameBits() throws Exception {
        Path scratch = dir.resolve("scratch"), reference = dir.resolve("ref.json"), out = dir.resolve("out.json");
        List<String> base = List.of("krr", "--n", "3072", "--n-test", "300", "--d", "5", "--ridge", "1e-8",
                "--threads", "1", "--block", "64", "--progress", "none");
        List<String> journaled = new ArrayList<>(base);
        journaled.addAll(List.of("--scratch", scratch.toString(), "--checkpoint-every", "0", "--out", out.toString()));
        List<String> cmd = new ArrayList<>(List.of("mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none",
                "--mca", "btl", "self,vader"));
        cmd.addAll(ChildJvm.command(journaled));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("OMPI_ALLOW_RUN_AS_ROOT", "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1",
                "OPENBLAS_NUM_THREADS", "1"));
        Process job = pb.start();
        try {
            Path journal = null;
            for (int i = 0; i < 2400 && journal == null && job.isAlive(); i++) {
                Thread.sleep(50);
                journal = firstJournal(scratch);
            }
            assertTrue(journal != null, "a checkpoint was journaled before the job ended");
            String columns = Files.readString(journal);
            List<ProcessHandle> ranks = job.toHandle().descendants()
                    .filter(h -> h.info().command().orElse("").endsWith("java")).toList();
            assertEquals(2, ranks.size(), ranks.toString());
            ranks.getLast().destroyForcibly();
            assertTrue(job.waitFor(120, TimeUnit.SECONDS));
            assertTrue(job.exitValue() != 0, "the job ended with its killed rank (journal said " + columns + ")");
        } finally {
            job.destroyForcibly();
        }
        assertFalse(Files.exists(out), "no result from the killed job");
        Result resumed = mpirun(2, journaled);
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming after"), resumed.err());
        assertTrue(read(out).get("memory_plan").get("resumed_after_columns").asInt() > 0);
        List<String> plain = new ArrayList<>(base);
        plain.addAll(List.of("--out", reference.toString()));
        Result uninterrupted = mpirun(2, plain);
        assertEquals(0, uninterrupted.code(), uninterrupted.err());
        for (String key : List.of("test_mse", "train_mse")) {
            assertEquals(read(reference).get(key).asDouble(), read(out).get(key).asDouble(), 0.0, key + ": the same bits");
        }
    }

    private static Path firstJournal(Path scratch) throws IOException {
        if (!Files.isDirectory(scratch)) {
            return null;
        }
        try (var dirs = Files.list(scratch)) {
            for (Path d : dirs.toList()) {
                Path j = d.resolve("rank-1.json");
                if (Files.isRegularFile(j)) {
                    return j;
                }
            }
        }
        return null;
    }

    @Test
    void aDuplicatePointFailsAtItsGlobalPivotOnEveryRank() throws Exception {
        Path x = dir.resolve("X.npy"), y = dir.resolve("y.npy");
        assertEquals(0, CliRunner.run("data", "--n", "40", "--n-test", "20", "--d", "3", "--out-x", x.toString(),
                "--out-y", y.toString(), "--out-x-test", dir.resolve("Xt.npy").toString(), "--out-y-test",
                dir.resolve("yt.npy").toString()).code());
        Matrix m = Npy.readMatrix(x, "X");
        System.arraycopy(m.data(), 0, m.data(), 3 * 25, 3);  // point 25 duplicates point 0: the 26th pivot fails
        Npy.write(x, m);
        Path out = dir.resolve("out.json");
        Result r = mpirun(2, List.of("krr", "--x-train", x.toString(), "--y-train", y.toString(), "--x-test",
                dir.resolve("Xt.npy").toString(), "--y-test", dir.resolve("yt.npy").toString(), "--block", "8",
                "--progress", "none", "--out", out.toString()));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("pivot 26 of 40") && r.err().contains("--ridge"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aGridThatDoesNotMatchTheRanksIsAOneLineUsageError() throws Exception {
        Path out = dir.resolve("out.json");
        Result r = mpirun(2, List.of("krr", "--n", "64", "--grid", "3x1", "--out", out.toString()));
        assertTrue(r.err().contains("--grid 3x1 has 3 processes but 2 were started"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void tooLittleMemoryPerRankIsRefusedBeforeTheWorkNamingTheRanksNeeded() throws Exception {
        Path out = dir.resolve("out.json");
        Result r = mpirun(2, List.of("krr", "--n", "2048", "--memory", "4m", "--out", out.toString()));
        // K is 32 MiB; a rank holds 4 MiB less a block of work space (0.5 MiB): ceil(32 / 3.5) = 10 ranks
        assertTrue(r.err().contains("n = 2048 needs at least 10 ranks of 4.00 MiB") && r.err().contains("you started 2"),
                r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(r.err().contains("memory plan"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aMissingLibraryIsAOneLineErrorNamingThePackages() throws Exception {
        Result r = alone(List.of("krr", "--n", "64", "--distributed"), Map.of("SPARSEFEAT_SCALAPACK_LIB",
                dir.resolve("libnone.so").toString()));
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("SPARSEFEAT_SCALAPACK_LIB") && r.err().contains(PACKAGES), r.err());
    }

    @Test
    void gridAndBlockNeedADistributedRun() {
        CliRunner.Run r = CliRunner.run("krr", "--n", "64", "--grid", "1x1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--grid applies to a distributed run"), r.err());
    }
}
