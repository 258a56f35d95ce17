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

    /**
     * A sweep stopped in the middle of a net's flow saves the flow (checkpoints/KEY.flow) and a rerun resumes it:
     * the same steps, flow time and errors as a sweep that was never stopped, and no checkpoint left behind.
     */
    @Test
    void aFlowStoppedInTheMiddleResumesFromItsCheckpointWithTheSameBits() throws Exception {
        Path root = FakeImages.mnistRoot(dir.resolve("data"), 200, 100);
        String one = """
                name: flow
                methods:
                  - {kind: net, regime: feature, h: 20, max_steps: 150}
                datasets: [mnist]
                n: [40]
                seeds: [0]
                n_test: 60
                """;
        SweepSpec spec = SpecParser.parse(one, "f.yaml");
        org.sparsefeat.images.DatasetStore data = new org.sparsefeat.images.DatasetStore(root);
        try (org.sparsefeat.backend.cpu.CpuBackend backend = new org.sparsefeat.backend.cpu.CpuBackend(1)) {
            Path whole = dir.resolve("whole");
            new SweepRunner(spec, new ResultStore(whole), backend, line -> { }).withData(data).run(Shard.ALL);
            var reference = new ResultStore(whole).load().values().iterator().next();

            Path out = dir.resolve("stopped");
            List<String> log = new java.util.ArrayList<>();
            int[] asked = {0};
            SweepRunner first = new SweepRunner(spec, new ResultStore(out), backend, log::add).withData(data)
                    .checkpointEvery(java.time.Duration.ofDays(1)).stopWhen(() -> ++asked[0] == 60);
            assertThrows(SweepRunner.Interrupted.class, () -> first.run(Shard.ALL));
            List<Path> saved;
            try (var files = Files.list(out.resolve("checkpoints"))) {
                saved = files.toList();
            }
            assertEquals(1, saved.size(), saved.toString());
            assertTrue(saved.getFirst().getFileName().toString().endsWith(".flow"), saved.toString());
            assertTrue(log.stream().anyMatch(l -> l.contains("flow saved to")), String.join("\n", log));

            // the estimate counts only what the checkpoint has left of the flow
            double fresh = new SweepRunner(spec, new ResultStore(dir.resolve("fresh")), backend, line -> { }).withData(data)
                    .estimate(Shard.ALL);
            double left = new SweepRunner(spec, new ResultStore(out), backend, line -> { }).withData(data).estimate(Shard.ALL);
            assertTrue(left > 0 && left < 0.9 * fresh, "resumed " + left + " s, fresh " + fresh + " s");

            List<String> again = new java.util.ArrayList<>();
            assertEquals(1, new SweepRunner(spec, new ResultStore(out), backend, again::add).withData(data).run(Shard.ALL));
            assertTrue(again.stream().anyMatch(l -> l.contains("resuming the flow from")), String.join("\n", again));
            try (var files = Files.list(out.resolve("checkpoints"))) {
                assertEquals(List.of(), files.toList(), "the checkpoint is deleted once the result is in");
            }
            var resumed = new ResultStore(out).load().values().iterator().next();
            for (String key : List.of("status", "steps", "test_error", "train_error", "best_test_error")) {
                assertEquals(reference.get(key), resumed.get(key), key);
            }
            assertTrue(reference.get("steps").asLong() > 40, "the flow ran on after the stop: " + reference.get("steps"));
        }
    }
}
