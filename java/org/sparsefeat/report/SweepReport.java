package org.sparsefeat.report;

import static org.sparsefeat.report.SweepResults.number;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.sparsefeat.curve.Fits;
import org.sparsefeat.curve.MethodSpec;
import org.sparsefeat.curve.SweepSpec;
import org.sparsefeat.report.LearningCurves.Curve;
import org.sparsefeat.train.TrainingHealth;

/**
 * The report of one sweep, possibly run in shards: the merged records ({@link SweepResults}), their learning curves
 * ({@link LearningCurves}) with the theory's predictions beside them ({@link PredictedCurves}), written as a table for
 * the terminal, CSV, PNG / SVG plots and one self-contained HTML page.
 */
public final class SweepReport {
    private final SweepResults results;
    private final SweepSpec spec;
    private final List<Curve> curves;
    private final PredictedCurves predictions;  // the theory's curves for KRR on sphere points

    /** Reads and merges the sweep directories (the shards of one sweep). */
    public SweepReport(List<Path> dirs) {
        this.results = new SweepResults(dirs);
        this.spec = results.spec();
        this.curves = LearningCurves.of(results);
        this.predictions = new PredictedCurves(spec);
    }

    public SweepSpec spec() { return spec; }

    public List<Curve> curves() { return curves; }

    public int records() { return results.size(); }

    /** Gradient descent against the sparse limit at common points, one line per net (empty without both). */
    public String limitSummary() { return LimitComparison.text(LimitComparison.of(results)); }

    /** What of the sweep's work ran on the CPU although the backend is another: the records' cpu_fallbacks, merged. */
    public List<String> cpuFallbacks() { return results.cpuFallbacks(); }

    private String placeName(String where) { return spec.images() ? where : "d = " + where.substring(1); }

    /** The exponent table as text, for the terminal; as on the page, a column empty in every row is left out. */
    public String table() {
        List<Column> all = List.of(
                new Column("%-24s", "method", c -> c.method().label()),
                new Column("%7s", "where", Curve::where),
                new Column("%22s", "beta measured [95% CI]", c -> betaText(c.fit())),
                new Column("%10s", "predicted", c -> predictedText(c.predicted())),
                new Column("%8s", "diff/hw", SweepReport::diffText),
                new Column("%10s", "train@max", c -> Double.isNaN(c.trainAtLargest()) ? ""
                        : String.format(Locale.ROOT, "%.1e", c.trainAtLargest())),
                new Column("%9s", "N_A slope", c -> Double.isNaN(c.atomSlope()) ? ""
                        : String.format(Locale.ROOT, "%.2f", c.atomSlope())),
                new Column("%7s", "R_f@max", SweepReport::rfText),
                new Column("%s", "warnings", c -> c.health().ok() ? "" : "WARNING " + c.health().text()));
        List<Column> shown = nonEmpty(all);
        StringBuilder b = new StringBuilder();
        b.append(String.join(" ", shown.stream().map(col -> String.format(col.style(), col.header())).toList())
                .stripTrailing()).append(System.lineSeparator());
        for (Curve c : curves) {
            b.append(String.join(" ", shown.stream().map(col -> String.format(col.style(), col.text().apply(c)))
                    .toList()).stripTrailing()).append(System.lineSeparator());
        }
        return b.toString();
    }

    private List<Column> nonEmpty(List<Column> columns) {
        return columns.stream().filter(col -> curves.stream().anyMatch(c -> !col.text().apply(c).isEmpty())).toList();
    }

    /** Writes the CSV, the plots (PNG and SVG, in plotDir) and the HTML page; any may be null. */
    public void write(Path html, Path csv, Path plotDir) throws IOException {
        if (csv != null) {
            writeAtomically(csv, csv());
        }
        if (html != null || plotDir != null) {
            Path plots = plotDir != null ? plotDir : html.toAbsolutePath().getParent().resolve("plots");
            Map<String, byte[]> images = plots(plots);
            if (html != null) {
                writeAtomically(html, html(images));
            }
        }
    }

    String csv() {
        String metric = spec.images() ? "test_error" : "test_mse";
        StringBuilder b = new StringBuilder("method,kind," + (spec.images() ? "dataset" : "d") + ",n," + metric + "_mean,"
                + metric + "_sem,seeds," + (spec.images() ? "R_f_mean" : "atoms_mean,atoms_exact_mean") + predictions.csvHeader() + "\n");
        for (Curve c : curves) {
            List<Fits.Point> atoms = spec.images() ? c.relativeStability() : Fits.points(c.n(), c.atoms());
            List<Fits.Point> exact = Fits.points(c.n(), c.atomsExact());
            for (Fits.Point p : c.points()) {
                String atomMean = atoms.stream().filter(a -> a.n() == p.n()).map(a -> fmt(a.mean())).findFirst().orElse("");
                List<String> cells = new ArrayList<>(List.of(c.method().label(), c.method().kind(),
                        spec.images() ? c.where() : "" + c.d(), "" + p.n(), fmt(p.mean()),
                        Double.isFinite(p.sem()) ? fmt(p.sem()) : "", "" + p.seeds(), atomMean));
                if (!spec.images()) {
                    cells.add(exact.stream().filter(a -> a.n() == p.n()).map(a -> fmt(a.mean())).findFirst().orElse(""));
                }
                b.append(String.join(",", cells)).append(predictions.csvCell(c, p.n())).append('\n');
            }
        }
        return b.toString();
    }

    private Map<String, byte[]> plots(Path dir) throws IOException {
        Map<String, byte[]> images = new LinkedHashMap<>();
        for (String where : spec.places()) {
            List<Plots.Series> series = new ArrayList<>();
            List<Plots.Series> atomSeries = new ArrayList<>();
            List<Plots.Series> stabilitySeries = new ArrayList<>();
            List<Plots.Series> dynamics = new ArrayList<>();
            int color = 0;
            for (Curve c : curves) {
                if (!c.where().equals(where)) {
                    continue;
                }
                if (!c.relativeStability().isEmpty()) {
                    stabilitySeries.add(new Plots.Series(c.method().label(),
                            c.relativeStability().stream().mapToDouble(Fits.Point::n).toArray(),
                            c.relativeStability().stream().mapToDouble(p -> Math.max(p.mean(), 1e-12)).toArray(),
                            c.relativeStability().stream().mapToDouble(Fits.Point::sem).toArray(), false, color));
                }
                double[] x = c.points().stream().mapToDouble(Fits.Point::n).toArray();
                double[] y = c.points().stream().mapToDouble(Fits.Point::mean).toArray();
                double[] e = c.points().stream().mapToDouble(Fits.Point::sem).toArray();
                if (x.length > 0) {
                    series.add(new Plots.Series(c.method().label(), x, y, e, false, color));
                }
                if (c.fit() != null) {
                    double[] fx = {c.fit().nMin(), c.fit().nMax()};
                    double[] fy = {c.fit().prefactor() * Math.pow(fx[0], -c.fit().beta()),
                            c.fit().prefactor() * Math.pow(fx[1], -c.fit().beta())};
                    series.add(new Plots.Series(String.format(Locale.ROOT, "fit %s: beta = %.2f", c.method().label(),
                            c.fit().beta()), fx, fy, null, true, color));
                }
                Plots.Series predicted = predictions.series(c, color);
                if (predicted != null) {
                    series.add(predicted);
                }
                boolean sparse = c.method() instanceof MethodSpec.Sparse;
                if ((c.method() instanceof MethodSpec.Net || sparse) && !spec.images()) {
                    List<Fits.Point> a = Fits.points(c.n(), c.atoms());
                    List<Fits.Point> exact = Fits.points(c.n(), c.atomsExact());
                    if (!a.isEmpty()) {
                        atomSeries.add(new Plots.Series(c.method().label() + (sparse ? " (N_A, merged atoms)"
                                : String.format(Locale.ROOT, " (N_A, |w2||w1| > %.0e max)", atomEpsilon())),
                                a.stream().mapToDouble(Fits.Point::n).toArray(),
                                a.stream().mapToDouble(p -> Math.max(p.mean(), 0.5)).toArray(), null, false, color));
                        if (exact.size() == a.size() && java.util.stream.IntStream.range(0, a.size())
                                .anyMatch(i -> exact.get(i).mean() != a.get(i).mean())) {
                            atomSeries.add(new Plots.Series(c.method().label() + " (N_A, every w2 != 0)",
                                    exact.stream().mapToDouble(Fits.Point::n).toArray(),
                                    exact.stream().mapToDouble(p -> Math.max(p.mean(), 0.5)).toArray(), null, true, color));
                        }
                        atomSeries.add(new Plots.Series("N_A = n", new double[] {a.getFirst().n(), a.getLast().n()},
                                new double[] {a.getFirst().n(), a.getLast().n()}, null, true, 7));
                    }
                    if (!sparse) {
                        dynamics.addAll(dynamicsOf(c, color));
                    }
                }
                color++;
            }
            String place = placeName(where);
            if (!series.isEmpty()) {
                images.put("Learning curves, " + place, Plots.logLog(dir.resolve("curve-" + where), "Test error against n, "
                        + place + (spec.images() ? " (parity labels)" : " (" + spec.target().kind() + " target)"),
                        "n (training points)", spec.images() ? "test error (fraction misclassified)" : "test MSE", series));
            }
            if (!atomSeries.isEmpty()) {
                images.put("Atoms, " + place, Plots.logLog(dir.resolve("atoms-" + where), "Number of atoms N_A against n, "
                        + place, "n", "N_A", atomSeries));
            }
            if (!stabilitySeries.isEmpty()) {
                images.put("Relative stability R_f, " + place, Plots.logLog(dir.resolve("stability-" + where),
                        "R_f = D_f / G_f against n, " + place + " (lower: more stable to deformations)", "n", "R_f",
                        stabilitySeries));
            }
            if (!dynamics.isEmpty()) {
                images.put("Dynamics, " + place, Plots.logLog(dir.resolve("dynamics-" + where), "Training dynamics at the"
                        + " largest n, first seed, " + place, "step + 1", "half MSE", dynamics));
            }
        }
        return images;
    }

    /** Train and test half MSE against steps of the run at the largest n with the first seed. */
    private List<Plots.Series> dynamicsOf(Curve c, int color) {
        int n = c.n()[c.n().length - 1];
        JsonNode r = results.record(c.method(), c.where(), n, spec.seeds().getFirst());
        if (r == null || !r.has("dynamics")) {
            return List.of();
        }
        List<double[]> rows = new ArrayList<>();
        for (JsonNode row : r.get("dynamics")) {
            // RunRecord's objects; results files written before it hold rows [step, train, test]
            JsonNode step = row.isArray() ? row.get(0) : row.get("step");
            JsonNode train = row.isArray() ? row.get(1) : row.get("train_half_mse");
            JsonNode test = row.isArray() ? row.get(2) : row.get("test_half_mse");
            if (step != null && train != null && test != null && train.isNumber() && test.isNumber()
                    && train.asDouble() > 0 && test.asDouble() > 0) {
                rows.add(new double[] {step.asDouble() + 1, train.asDouble(), test.asDouble()});
            }
        }
        if (rows.size() < 2) {
            return List.of();
        }
        double[] x = rows.stream().mapToDouble(a -> a[0]).toArray();
        return List.of(new Plots.Series(c.method().label() + " train (n=" + n + ")", x,
                        rows.stream().mapToDouble(a -> a[1]).toArray(), null, true, color),
                new Plots.Series(c.method().label() + " test", x, rows.stream().mapToDouble(a -> a[2]).toArray(), null,
                        false, color));
    }

    private String html(Map<String, byte[]> images) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>sparsefeat sweep ")
                .append(esc(spec.name())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1000px;margin:2em auto;")
                .append("padding:0 1em;color:#222}h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px")
                .append(" solid #ddd}table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;padding:")
                .append(".3em .45em;text-align:right}.wide{overflow-x:auto}.wide table{font-size:.9em}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
                .append("img{max-width:100%;border:1px solid #eee}pre{background:#f7f7f7;padding:.8em;overflow:auto}")
                .append(".note{color:#555;font-size:.92em}.warn{color:#a00;font-weight:bold;text-align:left}.pred{color:#555;font-style:italic}\n</style>\n</head>\n<body>\n");
        b.append("<h1>Learning curves: ").append(esc(spec.name())).append("</h1>\n");
        b.append("<p>").append(results.size()).append(" of ").append(spec.grid().size()).append(" grid points finished; ")
                .append(spec.images() ? "images " + esc(String.join(", ", spec.datasets())) + " with parity labels"
                        : esc(spec.target().kind()) + " target on " + esc(spec.points().cliName()) + " points")
                .append(", n_test = ").append(spec.nTest()).append(", seeds ").append(esc(spec.seeds().toString()))
                .append(spec.images() ? ". Errors are test error rates (the fraction misclassified)"
                        : ". Errors are full MSEs, mean (f(x) - y)<sup>2</sup>")
                .append(", averaged over seeds (bars: one standard error).</p>\n");
        b.append("<h2>Exponents</h2>\n<p class=\"note\">beta from a least-squares fit of log(mean error) on log n over the")
                .append(" n range shown; the interval is a 95% bootstrap over seeds (n/a with one seed). <span class=\"pred\">Predicted")
                .append(" values are predictions</span> of sparsefeat's docs/theory.md, derived (not quoted from the paper);")
                .append(" diff/hw is (measured - predicted) in units of the interval's half-width. A net whose training error at")
                .append(" the largest n is far from zero is under-trained: its slope then reflects the step budget.")
                .append(" A column that would be empty in every row is left out.")
                .append(String.format(Locale.ROOT, " <b>warnings</b>, where a run was flagged, counts the runs that the"
                        + " training-health rule flagged:"
                        + " <i>unstable</i> when the training loss (half MSE plus the penalty) rose more than %.2fx above"
                        + " its lowest earlier value or diverged (gradient descent with a stable step never rises),"
                        + " <i>not fitted</i> when the final training MSE is above %.0e of the initial one. A flagged curve"
                        + " measures the optimiser, not the method.</p>%n", TrainingHealth.RISE_FACTOR,
                        TrainingHealth.FIT_FRACTION))
                .append(predictions.htmlNote());
        b.append(exponentTable()).append(predictions.htmlRemarks(curves));
        b.append(LimitComparison.html(LimitComparison.of(results)));
        for (Map.Entry<String, byte[]> e : images.entrySet()) {
            b.append("<h2>").append(esc(e.getKey())).append("</h2>\n<img alt=\"").append(esc(e.getKey()))
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(e.getValue()))
                    .append("\">\n");
            if (e.getKey().startsWith("Atoms")) {
                b.append(atomsNote());
            }
        }
        b.append("<h2>Environment</h2>\n");
        if (results.environments().isEmpty()) {
            b.append("<p>No environment.json found.</p>\n");
        }
        for (JsonNode env : results.environments()) {
            b.append("<table>\n");
            env.properties().forEach(f -> b.append("<tr><td>").append(esc(f.getKey())).append("</td><td>")
                    .append(esc(f.getValue().isTextual() ? toTheSecond(f.getValue().asText()) : f.getValue().toString()))
                    .append("</td></tr>\n"));
            b.append("</table>\n");
        }
        List<String> fallbacks = cpuFallbacks();
        if (!fallbacks.isEmpty()) {
            b.append("<p>On the CPU although the backend is another (the records' cpu_fallbacks):</p>\n<ul>\n");
            fallbacks.forEach(f -> b.append("<li>").append(esc(f)).append("</li>\n"));
            b.append("</ul>\n");
        }
        b.append("<h2>Sweep spec</h2>\n<pre>").append(esc(results.specText())).append("</pre>\n</body>\n</html>\n");
        return b.toString();
    }

    /** The epsilon the records were counted with (sweeps before it was recorded used the default). */
    private double atomEpsilon() { return results.atomEpsilon(org.sparsefeat.analysis.Atoms.DEFAULT_EPSILON); }

    /** What the atom count counts, and where it exceeds the n atoms the L1 minimiser can have. */
    String atomsNote() {
        StringBuilder b = new StringBuilder("<p class=\"note\">N_A (docs/method.md, 'Atoms'): the trained net's neurons are grouped by their"
                + " sign pattern sign(w1<sub>h</sub>&middot;x<sub>i</sub>) on the training set, and each group is one atom."
                + String.format(Locale.ROOT, " The solid line keeps the neurons with |w2<sub>h</sub>| |w1<sub>h</sub>| >"
                + " %.0e of the largest (the robust count: gradient descent with L1 rarely leaves exact zeros); the"
                + " dashed one, drawn where it differs, every neuron with w2<sub>h</sub> &ne; 0 (the reference's count);"
                + " curve.csv holds both (atoms_mean, atoms_exact_mean).", atomEpsilon())
                + " The minimiser of the L1-penalised loss as lambda &rarr; 0 has at most n atoms (docs/method.md, 'Atoms'), so a count"
                + " above the N_A = n line means the net has not reached it: its neurons still occupy more cells of the"
                + " arrangement than the sparse solution uses, because the penalty thins the weights only on the time"
                + " scale |w2|/(lr lambda) steps, longer than the run. Such a count measures occupied cells, not the"
                + " sparse solution's atoms. A sparse curve (method kind sparse) is that solution itself, computed"
                + " exactly: its count is of merged atoms (one per sign pattern, w<sub>h</sub> &ne; 0; docs/method.md,"
                + " 'The sparse limit').");
        for (Curve c : curves) {
            List<Fits.Point> a = Fits.points(c.n(), c.atoms());
            List<String> above = a.stream().filter(p -> p.mean() > p.n())
                    .map(p -> String.format(Locale.ROOT, "%.0f at n = %d", p.mean(), p.n())).toList();
            if (!above.isEmpty()) {
                b.append(" <b>").append(esc(c.method().label())).append(" at ").append(esc(placeName(c.where())))
                        .append("</b>: N_A above n (").append(esc(String.join(", ", above))).append("), not settled.");
            }
        }
        return b.append("</p>\n").toString();
    }

    /**
     * One column of the exponent table: its header, each curve's text (plain) and its style, the cells' class (or
     * null) on the page, a format ("%9s") in the terminal.
     */
    private record Column(String style, String header, Function<Curve, String> text) {}

    /**
     * The exponent table, in a box that scrolls sideways rather than spill past the page's text width. A column
     * empty in every row (R_f on sphere points, the atoms' slope without nets) is left out.
     */
    String exponentTable() {
        List<Column> all = new ArrayList<>(List.of(
                new Column(null, "method", c -> c.method().label()),
                new Column(null, spec.images() ? "data set" : "d", c -> spec.images() ? c.where() : "" + c.d()),
                new Column(null, "n range", c -> c.fit() == null ? "" : c.fit().nMin() + "\u2013" + c.fit().nMax()),
                new Column(null, "beta measured", c -> c.fit() == null ? "n/a"
                        : String.format(Locale.ROOT, "%.2f", c.fit().beta())),
                new Column(null, "95% interval", c -> c.fit() == null ? "" : !Double.isFinite(c.fit().low()) ? "n/a"
                        : String.format(Locale.ROOT, "[%.2f, %.2f]", c.fit().low(), c.fit().high())),
                new Column("pred", "beta predicted", c -> predictedText(c.predicted())),
                new Column(null, "diff/hw", SweepReport::diffText),
                new Column(null, "train " + (spec.images() ? "error" : "MSE") + " at largest n", c ->
                        Double.isNaN(c.trainAtLargest()) ? "" : String.format(Locale.ROOT, "%.1e", c.trainAtLargest())),
                new Column(null, "N_A slope", c -> Double.isNaN(c.atomSlope()) ? ""
                        : String.format(Locale.ROOT, "%.2f", c.atomSlope())),
                new Column(null, "R_f at largest n", SweepReport::rfText)));
        if (predictions.columns()) {
            all.add(new Column("pred", "predicted curve's slope", c -> PredictedCurves.text(predictions.slope(c), "%.2f")));
            all.add(new Column(null, "measured / predicted at largest n",
                    c -> PredictedCurves.text(predictions.ratioAtLargest(c), "%.2f")));
        }
        all.add(new Column("warn", "warnings", c -> c.health().ok() ? "" : "WARNING: " + c.health().text()));
        List<Column> shown = nonEmpty(all);
        StringBuilder b = new StringBuilder("<div class=\"wide\">\n<table>\n<tr>");
        shown.forEach(col -> b.append("<th>").append(esc(col.header())).append("</th>"));
        b.append("</tr>\n");
        for (Curve c : curves) {
            b.append("<tr>");
            for (Column col : shown) {
                String text = col.text().apply(c);
                b.append(col.style() == null || text.isEmpty() ? "<td>" : "<td class=\"" + col.style() + "\">")
                        .append(esc(text)).append("</td>");
            }
            b.append("</tr>\n");
        }
        return b.append("</table>\n</div>\n").toString();
    }

    /** An instant (environment.json's "started") to the second, in UTC; any other text as it is. */
    static String toTheSecond(String text) {
        try {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC)
                    .format(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    private static String rfText(Curve c) {
        return c.relativeStability().isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", c.relativeStability().getLast().mean());
    }

    private static String betaText(Fits.Exponent f) {
        if (f == null) {
            return "n/a";
        }
        return Double.isFinite(f.low()) ? String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", f.beta(), f.low(), f.high())
                : String.format(Locale.ROOT, "%.2f", f.beta());
    }

    private static String predictedText(double p) {
        return Double.isNaN(p) ? "" : Double.isInfinite(p) ? "inf (no power law)" : String.format(Locale.ROOT, "%.2f", p);
    }

    private static String diffText(Curve c) {
        Fits.Exponent f = c.fit();
        if (f == null || !Double.isFinite(c.predicted()) || !(f.halfWidth() > 0)) {
            return "";
        }
        return String.format(Locale.ROOT, "%+.1f", (f.beta() - c.predicted()) / f.halfWidth());
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%.6e", v); }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        org.sparsefeat.util.OutputFile.writeString(file, text);
    }
}
