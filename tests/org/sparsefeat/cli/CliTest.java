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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Npy;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.Matrix;

/** The command line end to end, and every kind of bad input it must refuse cleanly. */
class CliTest {
    @TempDir
    Path dir;

    private static CliRunner.Run run(String... args) { return CliRunner.run(args); }

    private String p(String name) { return dir.resolve(name).toString(); }

    private static JsonNode json(Path f) throws IOException { return new ObjectMapper().readTree(f.toFile()); }

    @Test
    void krrWithGeneratedDataWritesItsResult() throws IOException {
        CliRunner.Run r = run("krr", "--d", "3", "--n", "256", "--n-test", "300", "--target", "teacher", "--teacher-width", "1e4",
                "--kernel", "ntk", "--threads", "2", "--rotation-angle", "10", "--out", p("r.json"));
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(dir.resolve("r.json"));
        assertEquals("ntk", j.get("kernel").asText());
        assertEquals(256, j.get("n").asInt());
        assertEquals(300, j.get("n_test").asInt());
        assertEquals(3, j.get("d").asInt());
        assertEquals(0.0, j.get("ridge").asDouble());
        assertTrue(j.get("test_mse").isDouble() && j.get("test_mse").asDouble() > 0);
        assertTrue(j.get("train_mse").asDouble() < 1e-20);
        for (String phase : new String[] {"data", "gram", "cholesky", "solve", "predict", "total"}) {
            assertTrue(j.get("seconds").get(phase).asDouble() >= 0, phase);
        }
        assertEquals("cpu", j.get("backend").asText());
        assertEquals(2, j.get("threads").asInt());
        assertTrue(j.get("cpu_fallbacks").isArray() && j.get("cpu_fallbacks").isEmpty(), "the CPU falls back on nothing");
        assertEquals("teacher", j.get("data").get("target").get("kind").asText());
        double stability = j.get("rotation_stability").get("value").asDouble();
        assertTrue(stability > 0 && stability < 2, "rotation stability " + stability);
        assertTrue(r.out().contains("test_mse="), r.out());
    }

    @Test
    void exportedDataGiveTheSameResultThroughFiles() throws IOException {
        String[] gen = {"--d", "4", "--n", "200", "--n-test", "150", "--target", "teacher", "--teacher-power", "1.5",
                "--teacher-width", "5000", "--seed", "7"};
        CliRunner.Run d = run(concat(new String[] {"data"}, gen, new String[] {"--out-x", p("X.npy"), "--out-y", p("y.npy"),
                "--out-x-test", p("Xt.npy"), "--out-y-test", p("yt.npy")}));
        assertEquals(0, d.code(), d.err());
        assertArrayEquals(new int[] {200, 4}, Npy.read(dir.resolve("X.npy")).shape());
        assertArrayEquals(new int[] {150}, Npy.read(dir.resolve("yt.npy")).shape());
        assertEquals(0, run(concat(new String[] {"krr"}, gen, new String[] {"--out", p("a.json")})).code());
        CliRunner.Run f = run("krr", "--x-train", p("X.npy"), "--y-train", p("y.npy"), "--x-test", p("Xt.npy"), "--y-test",
                p("yt.npy"), "--out", p("b.json"));
        assertEquals(0, f.code(), f.err());
        assertEquals(json(dir.resolve("a.json")).get("test_mse").asDouble(),
                json(dir.resolve("b.json")).get("test_mse").asDouble(), 0.0);
        assertEquals("npy", json(dir.resolve("b.json")).get("data").get("source").asText());
    }

    @Test
    void gramCommandWritesTheFullSymmetricOrRectangularGram() throws IOException {
        assertEquals(0, run("data", "--n", "70", "--n-test", "30", "--d", "3", "--out-x", p("A.npy"), "--out-y",
                p("ya.npy"), "--out-x-test", p("B.npy"), "--out-y-test", p("yb.npy")).code());
        CliRunner.Run sym = run("gram", "--kernel", "rfk2", "--x", p("A.npy"), "--out", p("G.npy"));
        assertEquals(0, sym.code(), sym.err());
        CliRunner.Run rect = run("gram", "--kernel", "laplace", "--kernel-param", "0.5", "--x", p("A.npy"), "--y", p("B.npy"),
                "--out", p("H.npy"));
        assertEquals(0, rect.code(), rect.err());
        Matrix a = Npy.readMatrix(dir.resolve("A.npy"), "A"), b = Npy.readMatrix(dir.resolve("B.npy"), "B");
        try (CpuBackend backend = new CpuBackend(1)) {
            assertArrayEquals(backend.gram(Kernel.of(KernelType.RFK2), a, a).data(),
                    Npy.readMatrix(dir.resolve("G.npy"), "G").data(), 1e-15);
            assertArrayEquals(backend.gram(new Kernel(KernelType.LAPLACE, 0.5), a, b).data(),
                    Npy.readMatrix(dir.resolve("H.npy"), "H").data(), 0.0);
            CliRunner.Run f32 = run("gram", "--kernel", "laplace", "--kernel-param", "0.5", "--x", p("A.npy"), "--y",
                    p("B.npy"), "--dtype", "float32", "--out", p("H32.npy"));
            assertEquals(0, f32.code(), f32.err());
            assertTrue(f32.out().contains("float32"), f32.out());
            byte[] bytes = Files.readAllBytes(dir.resolve("H32.npy"));
            assertTrue(new String(bytes, 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1).contains("'<f4'"));
            java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(bytes, 128, bytes.length - 128)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            double[] g = backend.gram(new Kernel(KernelType.LAPLACE, 0.5), a, b).data();
            assertEquals(4L * g.length, bytes.length - 128);
            for (double v : g) {
                assertEquals((float) v, data.getFloat());
            }
        }
    }

    /** A usage error: exit code 2, one clear line naming the input, no stack trace, no output file. */
    private void assertUsageError(String expectedInMessage, String... args) throws IOException {
        CliRunner.Run r = run(args);
        assertEquals(2, r.code(), "exit code for " + String.join(" ", args) + "; err: " + r.err());
        assertTrue(r.err().contains(expectedInMessage), "'" + r.err() + "' should mention '" + expectedInMessage + "'");
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        assertNoResultFiles();
    }

    private void assertNoResultFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("out")), "an output file was written");
        }
    }

    private void writeDataset() throws IOException {
        assertEquals(0, run("data", "--n", "40", "--n-test", "20", "--d", "3", "--out-x", p("X.npy"), "--out-y",
                p("y.npy"), "--out-x-test", p("Xt.npy"), "--out-y-test", p("yt.npy")).code());
    }

    @Test
    void badOptionsAreUsageErrors() throws IOException {
        assertUsageError("--d must be >= 2", "krr", "--d", "1", "--out", p("out.json"));
        assertUsageError("--n must be >= 1", "krr", "--n", "0", "--out", p("out.json"));
        assertUsageError("unknown kernel 'rbf'", "krr", "--kernel", "rbf", "--out", p("out.json"));
        assertUsageError("--ridge must be a finite number >= 0", "krr", "--ridge", "-1", "--out", p("out.json"));
        assertUsageError("--target 'smooth' is unknown", "krr", "--target", "smooth", "--out", p("out.json"));
        assertUsageError("--teacher-width", "krr", "--target", "teacher", "--teacher-width", "1.5", "--out", p("o.json"));
        assertUsageError("need --target teacher", "krr", "--teacher-power", "2", "--out", p("out.json"));
        assertUsageError("takes no parameter", "krr", "--kernel", "ntk", "--kernel-param", "2", "--out", p("out.json"));
        Files.writeString(dir.resolve("plain"), "");
        assertUsageError("cannot create the directory", "krr", "--n", "10", "--out", p("plain/out.json"));
        assertUsageError("Unknown option", "krr", "--bogus");
        assertUsageError("missing command", new String[0]);
    }

    @Test
    void badInputFilesAreUsageErrors() throws IOException {
        writeDataset();
        String[] test = {"--x-test", p("Xt.npy"), "--y-test", p("yt.npy"), "--out", p("out.json")};
        assertUsageError("missing.npy: no such file",
                concat(new String[] {"krr", "--x-train", p("missing.npy"), "--y-train", p("y.npy")}, test));
        Files.writeString(dir.resolve("bad.npy"), "not numpy");
        assertUsageError("bad.npy: not a .npy file",
                concat(new String[] {"krr", "--x-train", p("bad.npy"), "--y-train", p("y.npy")}, test));
        // wrong dtype
        Files.copy(Path.of(resource("float32_3x4.npy")), dir.resolve("f32.npy"));
        assertUsageError("is not float64", concat(new String[] {"krr", "--x-train", p("f32.npy"), "--y-train",
                p("y.npy")}, test));
        // non-finite values
        Matrix x = Npy.readMatrix(dir.resolve("X.npy"), "X");
        x.set(3, 1, Double.NaN);
        Npy.write(dir.resolve("Xnan.npy"), x);
        assertUsageError("value NaN at flat index 10", concat(new String[] {"krr", "--x-train", p("Xnan.npy"),
                "--y-train", p("y.npy")}, test));
        // wrong shapes: y of shape (n, 2), y of another length, X with d = 1, train/test dimensions differ
        Npy.write(dir.resolve("y2.npy"), new int[] {40, 2}, new double[80]);
        assertUsageError("shape (n,)", concat(new String[] {"krr", "--x-train", p("X.npy"), "--y-train", p("y2.npy")},
                test));
        Npy.write(dir.resolve("y39.npy"), new double[39]);
        assertUsageError("has 39 values but --x-train has 40 rows", concat(new String[] {"krr", "--x-train", p("X.npy"),
                "--y-train", p("y39.npy")}, test));
        Npy.write(dir.resolve("X1.npy"), new Matrix(40, 1, new double[40]));
        assertUsageError("expected d >= 2", concat(new String[] {"krr", "--x-train", p("X1.npy"), "--y-train",
                p("y.npy")}, test));
        Npy.write(dir.resolve("X4.npy"), Matrix.zeros(20, 4));
        assertUsageError("--x-test", "krr", "--x-train", p("X.npy"), "--y-train", p("y.npy"), "--x-test", p("X4.npy"),
                "--y-test", p("yt.npy"), "--out", p("out.json"));
        assertUsageError("cannot be combined", concat(new String[] {"krr", "--n", "5", "--x-train", p("X.npy"),
                "--y-train", p("y.npy")}, test));
        assertUsageError("required with --x-train", "krr", "--x-train", p("X.npy"), "--y-train", p("y.npy"), "--out",
                p("out.json"));
        assertUsageError("--x", "gram", "--x", p("Xnan.npy"), "--out", p("out.npy"));
    }

    @Test
    void aSingularRidgelessSystemFailsWithThePivotAndNoResult() throws IOException {
        writeDataset();
        Matrix x = Npy.readMatrix(dir.resolve("X.npy"), "X");
        System.arraycopy(x.data(), 0, x.data(), 3 * 25, 3);  // point 25 duplicates point 0
        Npy.write(dir.resolve("Xdup.npy"), x);
        CliRunner.Run r = run("krr", "--x-train", p("Xdup.npy"), "--y-train", p("y.npy"), "--x-test", p("Xt.npy"), "--y-test",
                p("yt.npy"), "--out", p("out.json"));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("pivot 26 of 40") && r.err().contains("--ridge"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertNoResultFiles();
        CliRunner.Run ok = run("krr", "--x-train", p("Xdup.npy"), "--y-train", p("y.npy"), "--x-test", p("Xt.npy"), "--y-test",
                p("yt.npy"), "--ridge", "1e-8", "--out", p("out.json"));
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void helpAndVersion() {
        CliRunner.Run h = run("krr", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("--kernel") && h.out().contains("--ridge"), h.out());
        CliRunner.Run v = run("--version");
        assertTrue(v.out().contains("sparsefeat " + Version.VERSION), v.out());
    }

    private static String resource(String name) {
        try {
            return Path.of(CliTest.class.getResource("/npy/" + name).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] concat(String[]... parts) {
        return Stream.of(parts).flatMap(Stream::of).toArray(String[]::new);
    }
}
