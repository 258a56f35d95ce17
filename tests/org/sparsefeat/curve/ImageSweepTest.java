package org.sparsefeat.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.cli.CliRunner;
import org.sparsefeat.images.FakeImages;
import org.sparsefeat.report.LearningCurves;
import org.sparsefeat.report.SweepReport;

class ImageSweepTest {
    @TempDir
    Path dir;

    static final String SPEC = """
            name: images
            methods:
              - {kind: net, regime: feature, h: 20, max_steps: 200}
              - {kind: net, regime: lazy, h: 20, max_steps: 200}
              - {kind: svm, kernel: ntk}
              - {kind: krr, kernel: rfk1, ridge: 1.0e-8}
            datasets: [mnist]
            n: [40, 80]
            seeds: [0, 1]
            n_test: 60
            stability: {images: 30, delta: 1, cutoff: 3}
            """;

    @Test
    void imageSpecsParseAndRefuseSphereKeys() {
        SweepSpec s = SpecParser.parse(SPEC, "i.yaml");
        assertTrue(s.images());
        assertEquals(4 * 2 * 2, s.grid().size());
        assertTrue(s.methods().get(0) instanceof MethodSpec.ImageNet net && net.alpha() == 1e-6);
        assertTrue(s.methods().get(1) instanceof MethodSpec.ImageNet net && net.alpha() == 1e4);
        for (String[] bad : new String[][] {
                {SPEC.replace("datasets: [mnist]", "datasets: [mnist]\nd: [3]"), "d: not used by an image sweep"},
                {SPEC.replace("datasets: [mnist]", "datasets: [svhn]"), "unknown data set 'svhn'"},
                {SPEC.replace("datasets: [mnist]\n", "d: [3]\n").replace("stability: {images: 30, delta: 1, cutoff: 3}\n", ""),
                        "methods[2].kind: svm is a method of image sweeps"},
                {SPEC.replace("datasets: [mnist]\n", "d: [3]\n"), "stability"},
                {SPEC.replace("h: 20, max_steps: 200}", "h: 20, max_step: 200}"), "unknown key 'max_step'"},
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecParser.parse(bad[0], "i.yaml"));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    @Test
    void anImageSweepRunsAndReportsErrorsAndStability() throws Exception {
        Path root = FakeImages.mnistRoot(dir.resolve("data"), 200, 100);
        Path spec = dir.resolve("images.yaml");
        Files.writeString(spec, SPEC);
        Path out = dir.resolve("out");
        CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--out", out.toString(), "--data-root", root.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        SweepReport report = new SweepReport(List.of(out));
        assertEquals(16, report.records());
        assertEquals(4, report.curves().size());
        for (LearningCurves.Curve c : report.curves()) {
            assertEquals("mnist", c.where());
            assertEquals(2, c.points().size(), c.method().label());
            assertTrue(c.points().getLast().mean() <= 0.5, c.method().label() + " error " + c.points().getLast().mean());
            assertTrue(c.relativeStability().getLast().mean() > 0, c.method().label());
            assertTrue(Double.isNaN(c.predicted()), "no theory for images");
        }
        CliRunner.Run rep = CliRunner.run("report", out.toString());
        assertEquals(0, rep.code(), rep.err());
        var doc = Jsoup.parse(out.resolve("report.html").toFile());
        assertTrue(doc.text().contains("Relative stability R_f, mnist"));
        assertTrue(Files.size(out.resolve("plots/stability-mnist.png")) > 1000);
        List<String> csv = Files.readAllLines(out.resolve("curve.csv"));
        assertEquals("method,kind,dataset,n,test_error_mean,test_error_sem,seeds,R_f_mean", csv.getFirst());
        assertEquals(1 + 4 * 2, csv.size());
    }
}
