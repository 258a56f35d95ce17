package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Npy;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.train.NetOptions;

class TrainCliTest {
    @TempDir
    Path dir;

    private String p(String name) { return dir.resolve(name).toString(); }

    private static CliRunner.Run run(String... args) { return CliRunner.run(args); }

    @Test
    void trainsAndWritesTheRun() throws IOException {
        CliRunner.Run r = run("train", "--d", "3", "--n", "32", "--n-test", "100", "--target", "teacher", "--teacher-width",
                "1000", "--h", "200", "--init-w1", "unitary", "--init-w2", "zero", "--sphere-w1", "--reg", "l1",
                "--lambda", "1e-3", "--max-steps", "2000", "--save-freq", "100", "--progress", "none", "--threads", "2",
                "--out", p("run.json"), "--save-weights", p("weights"));
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("run.json").toFile());
        assertEquals("max_steps", j.get("status").asText());
        assertEquals(2000, j.get("steps").asLong());
        assertEquals(200, j.get("h").asInt());
        double testMse = j.get("test_mse").asDouble(), half = j.get("test_half_mse").asDouble();
        assertTrue(testMse > 0 && Math.abs(testMse - 2 * half) < 1e-15 * testMse);
        assertTrue(j.get("atoms").get("exact").asInt() >= 1);
        assertTrue(j.get("rotation_stability").get("value").asDouble() > 0);
        JsonNode dyn = j.get("dynamics");
        assertEquals(0, dyn.get(0).get("step").asLong());
        assertEquals(2000, dyn.get(dyn.size() - 1).get("step").asLong());
        assertEquals(200, Npy.read(dir.resolve("weights/w1.npy")).shape()[0]);
        assertArrayEquals(new int[] {200}, Npy.read(dir.resolve("weights/w2.npy")).shape());
    }

    /** Weights from files give the trajectory the Java API gives from the same weights, bit for bit. */
    @Test
    void initialWeightsFromFilesAndFinalWeightsSaved() throws IOException {
        assertEquals(0, run("data", "--d", "3", "--n", "24", "--n-test", "10", "--out-x", p("X.npy"), "--out-y",
                p("y.npy"), "--out-x-test", p("Xt.npy"), "--out-y-test", p("yt.npy"), "--target", "teacher",
                "--teacher-width", "500").code());
        Matrix w1 = NetInit.w1(NetInit.W1.UNITARY, 64, 3, 9);
        double[] w2 = NetInit.w2(NetInit.W2.parse("normal"), 64, 9);
        Npy.write(dir.resolve("W1.npy"), w1);
        Npy.write(dir.resolve("w2.npy"), w2);
        CliRunner.Run r = run("train", "--x-train", p("X.npy"), "--y-train", p("y.npy"), "--x-test", p("Xt.npy"),
                "--y-test", p("yt.npy"), "--init-w1", p("W1.npy"), "--init-w2", p("w2.npy"), "--sphere-w1", "--reg", "l1",
                "--lambda", "1e-3", "--lr", "0.5", "--max-steps", "300", "--progress", "none", "--save-weights", p("out"));
        assertEquals(0, r.code(), r.err());
        Matrix x = Npy.readMatrix(dir.resolve("X.npy"), "X");
        try (CpuBackend b = new CpuBackend(1);
             NetBatch batch = b.openNets(List.of(new NetProblem(x, Npy.readVector(dir.resolve("y.npy"), "y"),
                     new TwoLayerNet(w1, null, w2, Scale.MEAN_FIELD), GdRule.featureL1(0.5, 1e-3))))) {
            batch.advance(new long[] {300}, new double[] {Double.NEGATIVE_INFINITY});
            assertArrayEquals(batch.weights(0).w1().data(), Npy.readMatrix(dir.resolve("out/w1.npy"), "w1").data());
            assertArrayEquals(batch.weights(0).w2(), Npy.readVector(dir.resolve("out/w2.npy"), "w2"));
        }
    }

    private void assertUsageError(String expected, String... args) throws IOException {
        CliRunner.Run r = run(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().contains(expected), "'" + r.err() + "' should mention '" + expected + "'");
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("out")), "no output file");
        }
    }

    @Test
    void badTrainingOptionsAreUsageErrors() throws IOException {
        String out = p("out.json");
        assertUsageError("needs --minus-f0", "train", "--alpha", "100", "--out", out);
        assertUsageError("--h must be >= 1", "train", "--h", "0", "--out", out);
        assertUsageError("--checkpoint-every must be a number of minutes > 0, got 0", "train", "--checkpoint-every", "0",
                "--out", out);
        assertUsageError("--lr must be a finite number > 0", "train", "--lr", "0", "--out", out);
        assertUsageError("--lambda must be a finite number >= 0", "train", "--lambda", "-1", "--out", out);
        assertUsageError("--reg 'l3' is unknown", "train", "--reg", "l3", "--out", out);
        assertUsageError("--init-w1 'gaussian' is unknown", "train", "--init-w1", "gaussian", "--out", out);
        assertUsageError("fibonacci is defined for d = 2 and 3", "train", "--d", "5", "--init-w1", "fibonacci", "--out", out);
        Npy.write(dir.resolve("W1d4.npy"), Matrix.zeros(10, 4));
        assertUsageError("expected (h, 3)", "train", "--d", "3", "--init-w1", p("W1d4.npy"), "--out", out);
        Npy.write(dir.resolve("W1.npy"), Matrix.zeros(10, 3));
        Npy.write(dir.resolve("w2.npy"), new double[11]);
        assertUsageError("has 10 neurons but --init-w2 has 11", "train", "--d", "3", "--init-w1", p("W1.npy"),
                "--init-w2", p("w2.npy"), "--out", out);
        assertUsageError("disagrees with the 10 neurons", "train", "--d", "3", "--h", "20", "--init-w1", p("W1.npy"),
                "--out", out);
        Matrix nan = Matrix.zeros(5, 3);
        nan.set(2, 2, Double.POSITIVE_INFINITY);
        Npy.write(dir.resolve("Xinf.npy"), nan);
        Npy.write(dir.resolve("y5.npy"), new double[5]);
        assertUsageError("value Infinity", "train", "--x-train", p("Xinf.npy"), "--y-train", p("y5.npy"), "--x-test",
                p("Xinf.npy"), "--y-test", p("y5.npy"), "--out", out);
    }

    /** A checkpoint beside --out that is not this run's is said so and replaced; none is left once the result is written. */
    @Test
    void aCheckpointItCannotUseIsSaidSoAndRemoved() throws IOException {
        Files.writeString(dir.resolve("run.json.ckpt"), "not a checkpoint");
        CliRunner.Run r = run("train", "--d", "3", "--n", "20", "--n-test", "20", "--h", "50", "--max-steps", "100",
                "--progress", "none", "--out", p("run.json"));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("train: cannot read " + p("run.json.ckpt") + " (not a training checkpoint): starting"
                + " from step 0"), r.err());
        assertTrue(Files.exists(dir.resolve("run.json")));
        assertFalse(Files.exists(dir.resolve("run.json.ckpt")), "removed once the result is written");
    }

    @Test
    void divergenceIsReportedNeverWrittenAsANumber() throws IOException {
        CliRunner.Run r = run("train", "--d", "3", "--n", "20", "--n-test", "20", "--h", "50", "--lr", "1e6",
                "--max-steps", "1000", "--target", "teacher", "--teacher-width", "100", "--progress", "none", "--out",
                p("run.json"));
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("diverged"), r.out());
        String text = Files.readString(dir.resolve("run.json"));
        assertFalse(text.contains("NaN") || text.contains("Infinity"), text);
        JsonNode j = new ObjectMapper().readTree(text);
        assertEquals("diverged", j.get("status").asText());
        assertTrue(j.get("test_mse").isNull());
    }

    /** An overshooting step (lr 10) is named in the summary line and in the run's JSON; a stable run has none. */
    @Test
    void anUnstableRunSaysSoInItsSummaryAndJson() throws IOException {
        CliRunner.Run r = run("train", "--d", "3", "--n", "20", "--n-test", "50", "--seed", "1", "--target", "teacher",
                "--teacher-width", "1000", "--h", "50", "--init-w1", "unitary", "--init-w2", "zero", "--sphere-w1",
                "--reg", "l1", "--lambda", "1e-5", "--lr", "10", "--max-steps", "3000", "--save-freq", "100",
                "--progress", "none", "--threads", "1", "--out", p("bad.json"));
        assertEquals(0, r.code(), r.err());
        String summary = r.out().lines().filter(l -> l.startsWith("train h=50")).findFirst().orElseThrow();
        assertTrue(summary.contains(" WARNING unstable: the training loss rose"), summary);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("bad.json").toFile());
        assertTrue(j.get("warnings").toString().contains("\"unstable\""), j.get("warnings").toString());
        assertTrue(j.get("warning").asText().startsWith("unstable: "));

        CliRunner.Run ok = run("train", "--d", "3", "--n", "20", "--n-test", "50", "--seed", "1", "--target", "constant",
                "--h", "50", "--init-w1", "unitary", "--init-w2", "zero", "--sphere-w1", "--reg", "l1", "--lambda", "1e-5",
                "--max-steps", "3000", "--save-freq", "100", "--progress", "none", "--threads", "1", "--out", p("ok.json"));
        assertEquals(0, ok.code(), ok.err());
        assertFalse(ok.out().contains("WARNING"), ok.out());
        JsonNode k = new ObjectMapper().readTree(dir.resolve("ok.json").toFile());
        assertEquals(0, k.get("warnings").size());
        assertFalse(k.has("warning"));
    }

    /** One name and one default per net option: the help's flags and defaults and the result's keys are the record's. */
    @Test
    void helpAndResultNameEveryNetOptionOfTheRecord() throws IOException {
        CliRunner.Run help = run("train", "--help");
        assertEquals(0, help.code(), help.err());
        String text = help.out().replaceAll("\\s+", " ");
        for (NetOptions.Key k : NetOptions.KEYS) {
            assertTrue(text.contains(k.flag()), k.flag() + " missing from: " + text);
        }
        assertTrue(text.contains("(default mean-field)") && text.contains("(default 1e-30)")
                && text.contains("(default 10000)"), text);
        CliRunner.Run r = run("train", "--d", "3", "--n", "16", "--n-test", "16", "--h", "20", "--lr", "0.5",
                "--lambda-power", "2", "--max-steps", "30", "--save-freq", "10", "--progress", "none", "--threads", "1",
                "--out", p("run.json"));
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("run.json").toFile());
        java.util.Map<String, Object> given = new java.util.LinkedHashMap<>();
        for (NetOptions.Key k : NetOptions.KEYS) {
            assertTrue(j.has(k.name()), k.name() + " missing from the result");
            given.put(k.name(), j.get(k.name()).asText());
        }
        NetOptions read = NetOptions.of(given, NetOptions.Regime.TRAIN);
        assertEquals(NetOptions.of(java.util.Map.of("h", 20, "lr", 0.5, "lambda_power", 2, "max_steps", 30,
                "save_freq", 10), NetOptions.Regime.TRAIN), read);
    }

    /** train --out and a sweep's results.jsonl share one producer: the same outcome fields and dynamics rows. */
    @Test
    void trainAndSweepWriteTheSameRecordShape() throws IOException {
        CliRunner.Run r = run("train", "--d", "3", "--n", "16", "--n-test", "16", "--h", "20", "--init-w1", "unitary",
                "--init-w2", "zero", "--sphere-w1", "--reg", "l1", "--lambda", "1e-4", "--max-steps", "30",
                "--save-freq", "10", "--progress", "none", "--threads", "1", "--out", p("run.json"));
        assertEquals(0, r.code(), r.err());
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, """
                name: shape
                methods:
                  - {kind: net, regime: feature, h: 20, max_steps: 30, save_freq: 10}
                d: [3]
                n: [16]
                seeds: [0]
                n_test: 16
                target: {kind: constant}
                """);
        CliRunner.Run sweep = run("sweep", spec.toString(), "--out", p("sweep"), "--threads", "1");
        assertEquals(0, sweep.code(), sweep.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode train = json.readTree(dir.resolve("run.json").toFile());
        JsonNode point = json.readTree(Files.readAllLines(dir.resolve("sweep/results.jsonl")).getFirst());
        for (String k : List.of("status", "steps", "train_mse", "test_mse", "train_half_mse", "test_half_mse",
                "regularizer", "warnings")) {
            assertTrue(train.has(k) && point.has(k), k);
        }
        assertEquals(train.get("dynamics").size(), point.get("dynamics").size());
        for (int i = 0; i < train.get("dynamics").size(); i++) {
            JsonNode a = train.get("dynamics").get(i), b = point.get("dynamics").get(i);
            assertEquals(List.copyOf(iterable(a.fieldNames())), List.copyOf(iterable(b.fieldNames())), a + " / " + b);
            assertEquals(a.get("step"), b.get("step"));
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
