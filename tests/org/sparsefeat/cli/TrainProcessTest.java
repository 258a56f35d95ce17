package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.images.FakeImages;

/**
 * Real processes stopped by a real SIGINT (Ctrl-C): `train --out` saves its training beside the result, says where
 * and how to resume, exits 130, and the same command resumes to the bits of a run that never stopped; `train` without
 * --out says what is lost and how to keep it; `images classify` puts its message on a line of its own, not after its
 * progress bar.
 */
class TrainProcessTest {
    @TempDir
    Path dir;

    private static List<String> train(String maxSteps, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--d", "3", "--n", "64", "--n-test", "100", "--h", "500",
                "--max-steps", maxSteps, "--threads", "1"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void aSignalledTrainingSavesBesideItsResultAndTheSameCommandResumesToTheSameBits() throws Exception {
        Path out = dir.resolve("r.json");
        Path saved = dir.resolve("r.json.ckpt");
        // saves every 0.3 s: the first save says the training runs, well before its end
        List<String> args = train("1e5", "--out", out.toString(), "--checkpoint-every", "0.005", "--progress", "none");
        Child child = Child.start(args);
        String err = child.interruptWhen(s -> s.contains("training saved to " + saved));
        assertEquals(130, child.process.exitValue(), err);
        assertTrue(err.endsWith("\ninterrupted; run the same command again to resume the training from " + saved + "\n"),
                err);
        assertFalse(Files.exists(out), "no result from a stopped run");
        assertTrue(Files.exists(saved), "the training is saved");

        CliRunner.Run resumed = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("train: resuming the training from " + saved + " (step "), resumed.err());
        assertFalse(Files.exists(saved), "removed once the result is written");
        Path whole = dir.resolve("whole.json");
        CliRunner.Run uninterrupted = CliRunner.run(train("1e5", "--out", whole.toString(), "--progress", "none")
                .toArray(String[]::new));
        assertEquals(0, uninterrupted.code(), uninterrupted.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = withoutSeconds(json.readTree(out.toFile())), b = withoutSeconds(json.readTree(whole.toFile()));
        assertEquals(100000, a.get("steps").asInt(), "resumed to the end");
        assertEquals(b, a, "the resumed run's result, but its seconds, is the uninterrupted one's, bit for bit");
        assertTrue(json.readTree(out.toFile()).get("seconds").get("earlier_runs").asDouble() > 0);
    }

    @Test
    void withoutOutASignalSaysWhatIsLostAndHowToKeepIt() throws Exception {
        Child child = Child.start(train("1e7", "--progress", "bar"));
        String err = child.interruptWhen(s -> Pattern.compile("train +\\d+% \\[").matcher(s).find());
        assertEquals(130, child.process.exitValue(), err);
        String last = err.substring(err.lastIndexOf('\n', err.length() - 2) + 1);
        assertTrue(last.matches("interrupted at step \\d+ of 10000000; the run is lost \\(with --out run.json the"
                + " training is saved beside it at Ctrl-C and the same command resumes it\\)\n"), "on its own line: " + err);
    }

    /**
     * An image net's flow stopped by Ctrl-C says so on a line of its own (not after its bar); resumed, its summary
     * prints the seconds its result holds: every run's, and this run's beside them.
     */
    @Test
    void anInterruptedImageNetSaysSoOnALineOfItsOwnAndItsResumedSecondsAgree() throws Exception {
        Path root = FakeImages.mnistRoot(dir.resolve("data"), 150, 50);
        Path out = dir.resolve("feat.json");
        List<String> args = new ArrayList<>(List.of("images", "classify", "--dataset", "mnist", "--data-root",
                root.toString(), "--n", "100", "--n-test", "40", "--h", "300", "--stop-frac", "1", "--threads", "1",
                "--out", out.toString()));
        List<String> first = new ArrayList<>(args);
        first.addAll(List.of("--max-steps", "1e7", "--progress", "bar"));
        Child child = Child.start(first);
        String err = child.interruptWhen(s -> Pattern.compile("feature net +\\d+% \\[").matcher(s).find());
        assertEquals(130, child.process.exitValue(), err);
        String last = err.substring(err.lastIndexOf('\n', err.length() - 2) + 1);
        assertEquals("interrupted; run the same command again to resume the flow from " + out + ".flow\n", last, err);

        args.addAll(List.of("--max-steps", "1", "--progress", "none"));  // the resumed flow stops at once
        CliRunner.Run resumed = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.err());
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        double total = r.get("seconds").asDouble(), thisRun = r.get("seconds_this_run").asDouble();
        assertTrue(total > thisRun, total + " s in all, " + thisRun + " s in this run");
        var printed = Pattern.compile(", ([0-9.]+) s \\(this run ([0-9.]+) s, the flow's earlier runs ([0-9.]+) s\\)")
                .matcher(resumed.out());
        assertTrue(printed.find(), resumed.out());
        assertEquals(total, Double.parseDouble(printed.group(1)), 0.05, "the printed seconds are the result's");
        assertEquals(thisRun, Double.parseDouble(printed.group(2)), 0.05);
        assertEquals(total - thisRun, Double.parseDouble(printed.group(3)), 0.05);
    }

    private static JsonNode withoutSeconds(JsonNode run) {
        ObjectNode r = run.deepCopy();
        r.remove("seconds");
        r.withArray("/dynamics").forEach(c -> ((ObjectNode) c).remove("seconds"));
        return r;
    }

    /** The CLI in a child JVM, its stderr read as it comes (a bar's line has no end). */
    private record Child(Process process, StringBuilder err, Thread reader) {
        static Child start(List<String> args) throws Exception {
            Process p = new ProcessBuilder(ChildJvm.command(args)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            StringBuilder err = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (Reader r = new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8)) {
                    for (int c = r.read(); c >= 0; c = r.read()) {
                        synchronized (err) {
                            err.append((char) c);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the child is gone
                }
            });
            reader.setDaemon(true);
            reader.start();
            return new Child(p, err, reader);
        }

        /** Waits until stderr satisfies {@code ready}, sends SIGINT, waits for the exit; returns all of stderr. */
        String interruptWhen(Predicate<String> ready) throws Exception {
            try {
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (!ready.test(text()) && process.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(process.isAlive(), "the child should still run: " + text());
                assertTrue(ready.test(text()), "never ready: " + text());
                assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor());
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the child answers Ctrl-C within seconds: " + text());
                reader.join(10_000);  // the last characters
                return text();
            } finally {
                process.destroyForcibly();
            }
        }

        private String text() {
            synchronized (err) {
                return err.toString();
            }
        }
    }
}
