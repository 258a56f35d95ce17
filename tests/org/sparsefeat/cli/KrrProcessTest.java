package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * A real process: `krr --scratch` stopped by SIGTERM between tiles says how to resume, leaves no result file and keeps
 * its journal; the same command then resumes and gives the same result as a run that was never stopped. An in-memory
 * fit stopped by Ctrl-C (SIGINT) exits 130 within seconds, without a result.
 */
class KrrProcessTest {
    @TempDir
    Path dir;

    private List<String> args(Path scratch, Path out) {
        return List.of("krr", "--d", "4", "--n", "3000", "--n-test", "200", "--target", "constant", "--memory", "3m",
                "--tile", "32", "--scratch", scratch.toString(), "--out", out.toString(), "--threads", "1",
                "--progress", "none");
    }

    /** The CLI in a JVM of its own. */
    private static Process start(List<String> args) throws Exception {
        return new ProcessBuilder(ChildJvm.command(args)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * The default in-memory plan (tiles in native memory) asks between two tile operations whether to stop: Ctrl-C as
     * soon as the work has begun ends it within seconds, where the whole fit (n = 8192, one thread) takes several times
     * longer.
     */
    @Test
    void ctrlCStopsAnInMemoryFitWithinSeconds() throws Exception {
        // a test run in the background of a shell ignores SIGINT, and so does its child: SIGTERM takes the same path
        String signal = sigintIgnored() ? "TERM" : "INT";
        Path out = dir.resolve("r.json");
        Process child = start(List.of("krr", "--d", "4", "--n", "8192", "--n-test", "200", "--target", "constant",
                "--out", out.toString(), "--threads", "1", "--progress", "none"));
        List<String> err = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            String plan = r.readLine();
            err.add(plan);
            assertTrue(plan != null && plan.startsWith("krr: memory plan:") && plan.contains("in core"), plan);
            long signalled = System.nanoTime();
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor());
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the fit answers Ctrl-C within seconds");
            double seconds = (System.nanoTime() - signalled) * 1e-9;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                err.add(line);
            }
            assertEquals(signal.equals("INT") ? 130 : 143, child.exitValue(), String.join("\n", err) + "\n(" + seconds + " s after the signal)");
        } finally {
            child.destroyForcibly();
        }
        assertEquals("interrupted", err.getLast(), String.join("\n", err));
        assertFalse(Files.exists(out), "no result file from a stopped run");
    }

    @Test
    void aSignalledFitStopsBetweenTilesAndTheSameCommandResumesIt() throws Exception {
        Path scratch = dir.resolve("scratch");
        Path out = dir.resolve("r.json");
        Process child = start(args(scratch, out));
        List<String> err = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            String plan = r.readLine();
            err.add(plan);
            assertTrue(plan != null && plan.startsWith("krr: memory plan:") && plan.contains("out of core"), plan);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (finishedColumns(scratch) < 2 && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(child.isAlive(), "the fit should still run after two tile columns: " + err);
            child.toHandle().destroy();  // SIGTERM
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the fit answers a signal within seconds");
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                err.add(line);
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(143, child.exitValue(), String.join("\n", err));
        assertTrue(err.getLast().startsWith("interrupted; run the same command again to resume from the journal in "
                + scratch), String.join("\n", err));
        assertFalse(Files.exists(out), "no result file from a stopped run");
        int stoppedAt = finishedColumns(scratch);
        assertTrue(stoppedAt >= 2 && stoppedAt < 94, "journaled columns: " + stoppedAt);

        CliRunner.Run resumed = CliRunner.run(args(scratch, out).toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.err());
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(0, left.count(), "a finished fit removes its scratch files");
        }
        Path again = dir.resolve("again.json");
        CliRunner.Run whole = CliRunner.run(args(dir.resolve("scratch2"), again).toArray(String[]::new));
        assertEquals(0, whole.code(), whole.err());
        JsonNode w = new ObjectMapper().readTree(again.toFile());
        assertEquals(w.get("test_mse").doubleValue(), r.get("test_mse").doubleValue(), 0.0, "bit for bit");
        assertEquals("scratch", r.get("memory_plan").get("mode").asText());
    }

    /**
     * The result's seconds account for the command's whole run: its phases (the backend's start and the plan with the
     * rates it measures included) add up to the total, which is the wall-clock time from the command's start.
     */
    @Test
    void theSecondsAccountForTheWholeRun() throws Exception {
        Path out = dir.resolve("s.json");
        long t0 = System.nanoTime();
        CliRunner.Run run = CliRunner.run("krr", "--d", "4", "--n", "4096", "--n-test", "500", "--target", "constant",
                "--out", out.toString(), "--threads", "1", "--progress", "none");
        double wall = (System.nanoTime() - t0) * 1e-9;
        assertEquals(0, run.code(), run.err());
        JsonNode seconds = new ObjectMapper().readTree(out.toFile()).get("seconds");
        double phases = 0;
        for (String phase : List.of("startup", "data", "plan", "gram", "cholesky", "solve", "predict", "predict_train")) {
            assertTrue(seconds.has(phase), phase + " in " + seconds);
            phases += seconds.get(phase).asDouble();
        }
        double total = seconds.get("total").asDouble();
        assertEquals(seconds.size() - 1, 8, "no other phase: " + seconds);
        assertTrue(total <= wall, "total " + total + " s within the call's " + wall + " s");
        assertTrue(phases <= total && phases >= 0.9 * total, "phases " + phases + " s of the total " + total + " s");
    }

    /** Whether this process ignores SIGINT (Linux's /proc says; elsewhere assumed not), which its children inherit. */
    static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;  // bit 1: SIGINT
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return false;
    }

    /** The journal's finished columns (0 while there is none). */
    private static int finishedColumns(Path scratch) {
        if (!Files.isDirectory(scratch)) {
            return 0;
        }
        try (Stream<Path> dirs = Files.list(scratch)) {
            for (Path d : dirs.toList()) {
                Path j = d.resolve("journal.json");
                if (Files.isRegularFile(j)) {
                    return new ObjectMapper().readTree(j.toFile()).get("finished_columns").asInt();
                }
            }
        } catch (Exception e) {
            // written at this moment: read again
        }
        return 0;
    }
}
