package org.sparsefeat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.cli.CliRunner;
import org.sparsefeat.curve.MethodSpec;
import org.sparsefeat.curve.ResultStore;
import org.sparsefeat.curve.SpecParser;
import org.sparsefeat.curve.SweepPoint;
import org.sparsefeat.curve.SweepSpec;

/** The report's count of the GD runs within a factor of the sparse limit at the same (d, n, seed). */
class LimitComparisonTest {
    @TempDir
    Path dir;

    /**
     * A sweep directory whose net records have test MSE {@code ratio[k]} times the limit's at the k-th common point
     * (NaN: a diverged run, test_mse null); the limit's test MSE varies with n so that a ratio is of the same point's.
     */
    private Path sweep(double[] ratios) throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Path spec = Files.writeString(out.resolve(ResultStore.SPEC), String.join("\n", "name: limit", "methods:",
                "  - {kind: sparse}", "  - {kind: net, regime: feature, h: 100, lambda: 1.0e-4, max_steps: 500}",
                "d: [3]", "n: [8, 16, 32]", "seeds: [0, 1]", "n_test: 100", "target: {kind: constant}", ""));
        SweepSpec s = SpecParser.parse(spec);
        MethodSpec sparse = s.methods().get(0), net = s.methods().get(1);
        List<String> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        int k = 0;
        for (int n : new int[] {8, 16, 32}) {
            for (long seed : new long[] {0, 1}) {
                double limit = 1.0 / (n * n) * (1 + seed);
                lines.add(json.writeValueAsString(Map.of("key", SweepPoint.key(sparse.label(), "d3", n, seed),
                        "test_mse", limit)));
                java.util.HashMap<String, Object> r = new java.util.HashMap<>();
                r.put("key", SweepPoint.key(net.label(), "d3", n, seed));
                r.put("test_mse", Double.isNaN(ratios[k]) ? null : limit * ratios[k]);
                lines.add(json.writeValueAsString(r));
                k++;
            }
        }
        Files.write(out.resolve(ResultStore.RESULTS), lines);
        return out;
    }

    @Test
    void countsTheNetPointsWithinTheFactorAndTheMedianRatio() throws Exception {
        Path out = sweep(new double[] {1.5, 2.0, 3.0, 0.8, 40, Double.NaN});
        List<LimitComparison.Row> rows = LimitComparison.of(new SweepResults(List.of(out)));
        assertEquals(1, rows.size());
        LimitComparison.Row r = rows.getFirst();
        assertEquals(6, r.points());
        assertEquals(1, r.notANumber());
        assertEquals(3, r.within(), "1.5, 2.0 and 0.8 are within 2x");
        assertEquals(2.0, r.median(), 1e-12, "the median of 0.8, 1.5, 2, 3, 40");
        assertTrue(LimitComparison.text(rows).contains("3 of 6 points within 2x"), LimitComparison.text(rows));
    }

    @Test
    void theReportPageAndTerminalSayHowManyNetPointsSitNearTheLimit() throws Exception {
        Path out = sweep(new double[] {1.5, 2.0, 3.0, 0.8, 40, 5});
        Path html = dir.resolve("page/report.html"), csv = dir.resolve("page/curve.csv");
        Files.createDirectories(html.getParent());
        CliRunner.Run run = CliRunner.run("report", out.toString(), "--html", html.toString(), "--csv", csv.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("3 of 6 points within 2x of its test MSE, median ratio 2.50"), run.out());
        Element heading = Jsoup.parse(html.toFile()).select("h2").stream()
                .filter(h -> h.text().equals("Gradient descent against the sparse limit")).findFirst().orElseThrow();
        Element table = heading.nextElementSiblings().select("table").first();
        Element row = table.select("tr").get(1);
        assertEquals(List.of("6", "3", "2.50", "0"), row.select("td").stream().skip(3).map(Element::text).toList());
    }
}
