package org.sparsefeat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.cli.CliRunner;
import org.sparsefeat.curve.ResultStore;

class SweepReportTest {
    @TempDir
    Path dir;

    static final String NTK_D3 = """
            name: ntk-constant-d3
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
            d: [3]
            n: [64, 128, 256, 512, 1024]
            seeds: [0, 1, 2, 3]
            n_test: 2000
            target: {kind: constant}
            """;

    /** docs/theory.md: ridgeless NTK regression of a constant at d = 3 has beta = 2d/(d-1) = 3. */
    @Test
    void anNtkSweepOnTheConstantTargetAtD3HasBetaNearThree() throws Exception {
        Path spec = dir.resolve("ntk.yaml");
        Files.writeString(spec, NTK_D3);
        Path out = dir.resolve("out");
        CliRunner.Run run = CliRunner.run("sweep", spec.toString(), "--out", out.toString(), "--threads", "2");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("[20/20]"), "progress lines: " + run.err());
        SweepReport report = new SweepReport(List.of(out));
        LearningCurves.Curve c = report.curves().getFirst();
        assertEquals(3.0, c.fit().beta(), 0.3, "beta = " + c.fit().beta());
        assertEquals(3.0, c.predicted(), 1e-12);
    }

    @Test
    void theReportIsAParsablePageWithItsPlotsAndCsv() throws Exception {
        Path spec = dir.resolve("small.yaml");
        Files.writeString(spec, """
                name: small
                methods:
                  - {kind: krr, kernel: ntk, ridge: 0}
                  - {kind: krr, kernel: laplace, ridge: 0}
                  - {kind: net, regime: feature, h: 100, lambda: 1.0e-4, max_steps: 500}
                d: [3]
                n: [8, 16, 32]
                seeds: [0, 1]
                n_test: 100
                target: {kind: teacher, act: abs, power: 1, width: 1000}
                """);
        Path out = dir.resolve("out");
        assertEquals(0, CliRunner.run("sweep", spec.toString(), "--out", out.toString()).code());
        Path html = dir.resolve("page/report.html"), csv = dir.resolve("page/curve.csv");
        Files.createDirectories(html.getParent());
        CliRunner.Run r = CliRunner.run("report", out.toString(), "--html", html.toString(), "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("krr-laplace"), r.out());

        Document doc = Jsoup.parse(html.toFile());
        assertTrue(doc.title().contains("small"));
        Element table = doc.selectFirst("table");
        assertEquals(4, table.select("tr").size(), "a header and one row per (method, d)");
        List<Element> images = doc.select("img");
        assertTrue(images.size() >= 3, "curves, atoms and dynamics");
        for (Element img : images) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "self-contained: " + src.substring(0, 30));
            byte[] png = Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1));
            assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        }
        for (String f : new String[] {"curve-d3.png", "curve-d3.svg", "atoms-d3.png", "dynamics-d3.svg"}) {
            Path p = html.getParent().resolve("plots").resolve(f);
            assertTrue(Files.size(p) > 1000, f + " exists and is not empty");
        }
        assertTrue(Files.readString(html.getParent().resolve("plots/curve-d3.svg")).contains("<svg"));
        List<String> rows = Files.readAllLines(csv);
        assertEquals("method,kind,d,n,test_mse_mean,test_mse_sem,seeds,atoms_mean,atoms_exact_mean,predicted_test_mse", rows.getFirst());
        assertEquals(1 + 3 * 3, rows.size());
        assertTrue(rows.get(1).startsWith("krr-ntk,krr,3,8,"));
        // the theory's curve for KRR on sphere points (docs/theory.md, 'Spectra and predicted curves'), none for nets
        for (String row : rows.subList(1, rows.size())) {
            String predicted = row.substring(row.lastIndexOf(',') + 1);
            if (row.startsWith("krr-")) {
                double v = Double.parseDouble(predicted);
                assertTrue(v > 0 && v < 1, row);
            } else {
                assertEquals("", predicted, row);
            }
        }
        assertTrue(table.selectFirst("tr").text().contains("measured / predicted at largest n"));
        String ntkRow = table.select("tr").get(1).text();
        assertTrue(ntkRow.matches(".*\\d+\\.\\d\\d \\d+\\.\\d\\d$"), "predicted slope and ratio: " + ntkRow);
        assertTrue(doc.text().contains("approximate at small n"));
        // the table: in a box no wider than the text, no column empty in every row (R_f belongs to images)
        assertEquals("wide", table.parent().className());
        List<String> headers = table.select("th").eachText();
        assertFalse(headers.contains("R_f at largest n"), headers.toString());
        for (int col = 0; col < headers.size(); col++) {
            int i = col;
            assertTrue(table.select("tr").stream().skip(1).anyMatch(tr -> !tr.select("td").get(i).text().isEmpty()),
                    "column '" + headers.get(col) + "' is empty in every row");
        }
        // times to the second
        String started = doc.select("td").stream().filter(td -> td.text().equals("started")).findFirst().orElseThrow()
                .nextElementSibling().text();
        assertTrue(started.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"), started);
        // the page's text, not its base64 images, in which "NaN" can occur by chance
        assertFalse(doc.text().contains("NaN"), "a NaN printed as a number");
    }

    /**
     * docs/theory.md, 'Spectra and predicted curves': on the constant target the theory's values are low by a factor
     * of 6 or more for rfk1 at d = 3 while the slopes agree; the page says so where it shows such a ratio.
     */
    @Test
    void aRatioFarFromTheTheoryIsExplainedOnThePage() throws Exception {
        Path spec = dir.resolve("rfk1.yaml");
        Files.writeString(spec, """
                name: rfk1-constant
                methods:
                  - {kind: krr, kernel: rfk1, ridge: 0}
                d: [3]
                n: [64, 128, 256]
                seeds: [0, 1]
                n_test: 500
                target: {kind: constant}
                """);
        Path out = dir.resolve("out");
        assertEquals(0, CliRunner.run("sweep", spec.toString(), "--out", out.toString(), "--threads", "1").code());
        SweepReport report = new SweepReport(List.of(out));
        Path html = out.resolve("report.html");
        report.write(html, null, null);
        Document doc = Jsoup.parse(html.toFile());
        Element table = doc.selectFirst("table");
        int col = table.select("th").eachText().indexOf("measured / predicted at largest n");
        double ratio = Double.parseDouble(table.select("tr").get(1).select("td").get(col).text());
        assertTrue(ratio > PredictedCurves.FAR, "the case the page must explain: " + ratio);
        Element remark = doc.select("p.note").stream().filter(p -> p.text().startsWith("Measured / predicted far from 1"))
                .findFirst().orElseThrow(() -> new AssertionError("no remark below the table: " + doc.text()));
        assertTrue(remark.text().contains(String.format(java.util.Locale.ROOT, "krr-rfk1 at d = 3: measured %.2fx the"
                + " prediction at n = 256", ratio)) && remark.text().contains("the constant target's offset"), remark.text());
        assertTrue(doc.text().contains("docs/theory.md, 'Spectra and predicted curves'") && doc.text().contains("6 or more"
                + " for rfk1 at d = 3"), "the explanation and where it is derived");
        assertFalse(doc.select("th").eachText().contains("N_A slope"), "no nets: no atoms' slope column");
        String header = report.table().lines().findFirst().orElseThrow();
        assertTrue(header.startsWith("method") && header.contains("predicted"), header);
        assertFalse(header.contains("R_f@max") || header.contains("N_A slope") || header.contains("warnings"),
                "the terminal's table leaves out its empty columns too: " + header);
    }

    @Test
    void aDirectoryOfAnotherSweepIsRefusedBeforeAnyWork() throws Exception {
        Path spec = dir.resolve("a.yaml");
        Files.writeString(spec, NTK_D3.replace("n: [64, 128, 256, 512, 1024]", "n: [8]"));
        Path out = dir.resolve("out");
        assertEquals(0, CliRunner.run("sweep", spec.toString(), "--out", out.toString()).code());
        Files.writeString(spec, NTK_D3.replace("n: [64, 128, 256, 512, 1024]", "n: [16]"));
        CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("holds another sweep"), r.err());
        CliRunner.Run bad = CliRunner.run("sweep", dir.resolve("missing.yaml").toString(), "--out", dir.resolve("o2").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("missing.yaml: no such sweep spec file"), bad.err());
        assertFalse(Files.exists(dir.resolve("o2")), "nothing written for a bad spec");
        assertEquals(2, CliRunner.run("report", dir.toString()).code(), "not a sweep directory");
        assertTrue(Files.exists(out.resolve(ResultStore.ENVIRONMENT)));
    }

    /** TrainingHealth's verdict reaches the record, the live log, the terminal table and the report's row. */
    @Test
    void anUnstableNetIsFlaggedInItsRecordTheLogAndItsTableRow() throws Exception {
        Path spec = dir.resolve("unstable.yaml");
        Files.writeString(spec, """
                name: unstable
                methods:
                  - {kind: krr, kernel: ntk, ridge: 0}
                  - {kind: net, regime: feature, h: 50, lambda: 1.0e-5, lr: 10, max_steps: 3000, save_freq: 100}
                d: [3]
                n: [16, 20]
                seeds: [0, 1]
                n_test: 50
                target: {kind: teacher, act: abs, power: 1, width: 1000}
                """);
        Path out = dir.resolve("out");
        CliRunner.Run run = CliRunner.run("sweep", spec.toString(), "--out", out.toString(), "--threads", "2");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("net-feature-h50 d=3 n=20 seed=1: test_mse"), run.err());
        assertTrue(run.err().contains("WARNING unstable: the training loss rose"), run.err());

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        int flagged = 0;
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            com.fasterxml.jackson.databind.JsonNode r = json.readTree(line);
            if (r.get("kind").asText().equals("net")) {
                assertTrue(r.get("warnings").isArray(), line);
                if (r.get("warnings").toString().contains("\"unstable\"")) {
                    flagged++;
                    assertTrue(r.get("warning").asText().startsWith("unstable: "), line);
                }
            } else {
                assertFalse(r.has("warnings"), "kernel regression has no training dynamics: " + line);
            }
        }
        assertTrue(flagged >= 1, "lr 10 overshoots");

        SweepReport report = new SweepReport(List.of(out));
        LearningCurves.Curve net = report.curves().get(1);
        assertEquals(4, net.health().runs());
        assertEquals(flagged, net.health().unstable());
        assertTrue(report.curves().getFirst().health().ok());
        String table = report.table();
        String netLine = table.lines().filter(l -> l.startsWith("net-feature-h50")).findFirst().orElseThrow();
        assertTrue(netLine.contains("WARNING unstable " + flagged + "/4"), table);
        assertFalse(table.lines().filter(l -> l.startsWith("krr-ntk")).findFirst().orElseThrow().contains("WARNING"));

        Path html = out.resolve("report.html");
        report.write(html, null, null);
        Document doc = Jsoup.parse(html.toFile());
        Element row = doc.selectFirst("table").select("tr").stream()
                .filter(tr -> tr.text().startsWith("net-feature-h50")).findFirst().orElseThrow();
        Element cell = row.select("td").last();
        assertTrue(cell.hasClass("warn") && cell.text().startsWith("WARNING: unstable " + flagged + "/4"), row.outerHtml());
        assertTrue(doc.text().contains(String.format(java.util.Locale.ROOT, "rose more than %.2fx",
                org.sparsefeat.train.TrainingHealth.RISE_FACTOR)), "the rule is stated beside the table");
        assertTrue(doc.text().contains("N_A (docs/method.md, 'Atoms')") && doc.text().contains("1e-03 of the largest"), "atoms explained");
    }
}
