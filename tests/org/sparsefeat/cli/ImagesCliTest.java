package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.images.FakeImages;

class ImagesCliTest {
    @TempDir
    Path dir;

    @Test
    void classifiesAFakeMnistWithEveryMethodAndMeasuresStability() throws Exception {
        Path root = FakeImages.mnistRoot(dir.resolve("data"), 150, 50);
        CliRunner.Run list = CliRunner.run("datasets", "list", "--data-root", root.toString());
        assertEquals(0, list.code(), list.err() + list.out());
        assertTrue(list.out().contains("mnist") && list.out().contains(root.resolve("mnist").toString()), list.out());
        assertTrue(list.out().contains("cifar10  not installed"), list.out());
        for (String method : new String[] {"krr", "svm", "feature", "lazy"}) {
            Path out = dir.resolve(method + ".json");
            CliRunner.Run r = CliRunner.run("images", "classify", "--dataset", "mnist", "--data-root", root.toString(),
                    "--method", method, "--n", "60", "--n-test", "40", "--h", "30", "--max-steps", "300", "--stability",
                    "--stability-images", "20", "--out", out.toString());
            assertEquals(0, r.code(), method + ": " + r.err());
            JsonNode j = new ObjectMapper().readTree(out.toFile());
            double err = j.get("test_error").asDouble();
            assertTrue(err >= 0 && err <= 0.5, method + " test error " + err);
            assertTrue(j.get("stability").get("D_f").asDouble() >= 0, method);
            assertTrue(j.get("stability").get("R_f").isNumber(), method + ": " + j.get("stability"));
            assertEquals("cpu", j.get("backend").asText());
            assertTrue(j.get("cpu_fallbacks").isArray() && j.get("cpu_fallbacks").isEmpty(), method);
            assertFalse(Files.exists(dir.resolve(method + ".json.flow")), method + ": no flow checkpoint left");
        }
        Path grid = dir.resolve("grid.png");
        assertEquals(0, CliRunner.run("images", "deformations", "--dataset", "mnist", "--data-root", root.toString(),
                "--count", "3", "--out", grid.toString()).code());
        var img = ImageIO.read(grid.toFile());
        assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
    }

    /**
     * Kernel regression shows its Gram and factorisation as krr does (it printed nothing however long the fit), its bar
     * ended before the summary; with --progress none nothing.
     */
    @Test
    void kernelRegressionShowsItsFitsProgress() throws Exception {
        Path root = FakeImages.mnistRoot(dir.resolve("data"), 150, 50);
        List<String> args = List.of("images", "classify", "--dataset", "mnist", "--data-root", root.toString(),
                "--method", "krr", "--n", "100", "--n-test", "40", "--progress");
        CliRunner.Run bar = CliRunner.run(Stream.concat(args.stream(), Stream.of("bar")).toArray(String[]::new));
        assertEquals(0, bar.code(), bar.err());
        // the last frame full, its line ended (the summary, on stdout, starts on a line of its own)
        assertTrue(bar.err().matches("(?s).*\\rimages classify: krr 100% \\[=+\\] \\S+ elapsed, ETA [^\\r\\n]*\\n"),
                bar.err().replace("\r", "<CR>"));
        assertTrue(bar.out().startsWith("images mnist krr n=100: "), bar.out());
        CliRunner.Run none = CliRunner.run(Stream.concat(args.stream(), Stream.of("none")).toArray(String[]::new));
        assertEquals(0, none.code(), none.err());
        assertEquals("", none.err());
    }

    @Test
    void badRequestsAreUsageErrors() throws Exception {
        Path root = FakeImages.mnistRoot(dir.resolve("data"), 30, 10);
        String[][] cases = {
                {"not installed", "images", "classify", "--dataset", "fashion", "--data-root", root.toString()},
                {"unknown data set 'svhn'", "images", "classify", "--dataset", "svhn", "--data-root", root.toString()},
                {"the data set has 40", "images", "classify", "--dataset", "mnist", "--data-root", root.toString(), "--n",
                        "35", "--n-test", "10"},
                {"--method 'cnn' is unknown", "images", "classify", "--dataset", "mnist", "--method", "cnn"},
                {"cifar-10-batches-bin", "datasets", "install", "cifar10", "--data-root", root.toString()},
                {"missing command", "images"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRunner.Run r = CliRunner.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(c[0]), "'" + r.err() + "' should mention '" + c[0] + "'");
            assertFalse(r.err().contains("\tat "), r.err());
        }
        assertFalse(Files.exists(root.resolve("cifar10.path")));
    }

    /**
     * A net's flow with --out saves beside it (result.json.flow) and resumes from there; a file it cannot use is said
     * so and replaced, and none is left once the result is written (nor an earlier save's temporary file); with --out
     * a device, nothing is saved.
     */
    @Test
    void aFlowCheckpointItCannotUseIsSaidSoAndRemoved() throws Exception {
        Path root = FakeImages.mnistRoot(dir.resolve("data"), 150, 50);
        Path out = dir.resolve("feat.json");
        Files.writeString(dir.resolve("feat.json.flow"), "not a checkpoint");
        Path killedSave = dir.resolve(".feat.json.flow.1f2e3d.part");  // a save killed while it wrote
        Files.writeString(killedSave, "half");
        CliRunner.Run r = CliRunner.run("images", "classify", "--dataset", "mnist", "--data-root", root.toString(),
                "--n", "60", "--n-test", "40", "--h", "30", "--max-steps", "50", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("cannot read " + dir.resolve("feat.json.flow") + " (not a flow checkpoint): starting from"
                + " the first step"), r.err());
        assertTrue(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("feat.json.flow")), "removed once the result is written");
        assertFalse(Files.exists(killedSave), "an earlier save's temporary file is removed");
        CliRunner.Run device = CliRunner.run("images", "classify", "--dataset", "mnist", "--data-root", root.toString(),
                "--n", "60", "--n-test", "40", "--h", "30", "--max-steps", "20", "--out", "/dev/null");
        assertEquals(0, device.code(), device.err());
        assertFalse(Files.exists(Path.of("/dev/null.flow")), "no checkpoint beside a device");
        CliRunner.Run bad = CliRunner.run("images", "classify", "--dataset", "mnist", "--data-root", root.toString(),
                "--checkpoint-every", "0", "--out", out.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--checkpoint-every must be a number of minutes > 0, got 0"), bad.err());
    }
}
