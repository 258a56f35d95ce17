package org.sparsefeat.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.sparsefeat.report.Plots;
import org.sparsefeat.util.OutputFile;

/** A run's files in its --out directory: bench.json (every row, the machine), bench.csv, report.html with plots. */
public final class BenchFiles {
    public static final String JSON_FILE = "bench.json";
    public static final String CSV_FILE = "bench.csv";
    public static final String HTML_FILE = "report.html";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchFiles() {}

    /**
     * Renders a tiny chart once, before any work: Java2D registers shutdown hooks as it starts, which a JVM already
     * shutting down refuses, so a report written after Ctrl-C could not draw its plots otherwise.
     */
    public static void prepareGraphics(Path scratch) throws IOException {
        Plots.logLog(scratch.resolve("warm-up"), "", "x", "y",
                List.of(new Plots.Series("", new double[] {1, 2}, new double[] {1, 2}, null, false, 0)));
    }

    /** Writes the three files (each whole or not at all) and the plots beside the report. */
    public static void write(Path dir, Map<String, Object> machine, String suite, List<Row> rows, boolean stopped)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", "bench");
        doc.put("suite", suite);
        doc.put("complete", !stopped);
        doc.put("machine", machine);
        doc.put("rows", rows.stream().map(Row::toMap).toList());
        OutputFile.writeString(dir.resolve(JSON_FILE), JSON.writeValueAsString(doc) + "\n");
        OutputFile.writeString(dir.resolve(CSV_FILE), csv(rows));
        OutputFile.writeString(dir.resolve(HTML_FILE), html(dir, machine, suite, rows, stopped));
    }

    static final List<String> COLUMNS = List.of("kind", "path", "impl", "n", "shape", "work_model", "work", "unit",
            "min_seconds", "median_seconds", "repeats", "rate", "ceiling", "fraction_of_ceiling", "exponent", "note");

    static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Row r : rows) {
            List<String> f = List.of(r.kind(), r.path(), r.impl(), "" + r.n(), r.shape(), r.workModel(), num(r.work()),
                    r.unit(), num(r.min()), num(r.median()), r.ran() ? "" + r.timing().seconds().length : "0",
                    num(r.rate()), num(r.ceiling()), num(r.fractionOfCeiling()), num(r.exponent()), r.note());
            b.append(f.stream().map(BenchFiles::field).collect(Collectors.joining(","))).append('\n');
        }
        return b.toString();
    }

    /** A number as the CSV holds it: empty when not finite, never "NaN". */
    static String num(double v) { return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : ""; }

    private static String field(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** The paths grouped by the growth their flop count implies, one time-against-size plot each. */
    private static final List<List<String>> TIME_GROUPS = List.of(List.of("gram", "gram_images"),
            List.of("cholesky", "cholesky_tiled", "krr", "krr_out_of_core"), List.of("gd_step", "flow_step"));

    static String html(Path dir, Map<String, Object> machine, String suite, List<Row> rows, boolean stopped)
            throws IOException {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>sparsefeat bench</title><style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
                + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;"
                + "text-align:right}td.t,th.t{text-align:left}</style></head><body>\n");
        b.append("<h1>sparsefeat bench, suite ").append(esc(suite)).append("</h1>\n");
        if (stopped) {
            b.append("<p><b>Interrupted:</b> only the rows that finished are shown.</p>\n");
        }
        b.append("<h2>Machine</h2>\n<table>\n");
        machine.forEach((k, v) -> b.append("<tr><th class=\"t\">").append(esc(k)).append("</th><td class=\"t\">")
                .append(esc(String.valueOf(v))).append("</td></tr>\n"));
        b.append("</table>\n<p>Rates are the stated work over the fastest repeat; the fraction is of the measured GEMM"
                + " ceiling of the processor the path runs on (the host's BLAS, or cuBLAS on the GPU), not of its peak, so a kernel whose operands stay in registers (the GD step at"
                + " small d, all fused multiply-adds) can pass 100 %; the exponent is the slope of log time on log n"
                + " (README, 'Benchmarking a machine').</p>\n");
        Map<String, byte[]> plots = new LinkedHashMap<>();
        int g = 0;
        for (List<String> group : TIME_GROUPS) {
            List<Plots.Series> s = timeSeries(rows, group);
            if (!s.isEmpty()) {
                plots.put("Time against size: " + String.join(", ", group), Plots.logLog(dir.resolve("time-" + g),
                        "Seconds (fastest repeat) against size, with guides", "n (h for gd_step)", "seconds", s));
            }
            g++;
        }
        List<Plots.Series> fraction = series(rows, r -> r.kind().equals(Row.PATH), Row::fractionOfCeiling);
        if (!fraction.isEmpty()) {
            plots.put("Fraction of the GEMM ceiling", Plots.logLog(dir.resolve("fraction"),
                    "Rate over the measured GEMM ceiling, per path", "n (h for gd_step)", "fraction of ceiling", fraction));
        }
        List<Plots.Series> versus = peerRatios(rows);
        if (!versus.isEmpty()) {
            plots.put("Ours against the peers", Plots.logLog(dir.resolve("peers"),
                    "Peer's time over ours (above 1: we are faster)", "n (h for gd_step)", "peer time / our time", versus));
        }
        for (var e : plots.entrySet()) {
            b.append("<h2>").append(esc(e.getKey())).append("</h2>\n<img alt=\"").append(esc(e.getKey()))
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(e.getValue()))
                    .append("\">\n");
        }
        b.append("<h2>Rows</h2>\n<table>\n<tr>");
        for (String c : List.of("path", "impl", "shape", "min s", "median s", "rate", "unit", "of ceiling", "exponent",
                "work", "note")) {
            b.append("<th class=\"t\">").append(esc(c)).append("</th>");
        }
        b.append("</tr>\n");
        for (Row r : rows) {
            b.append("<tr><td class=\"t\">").append(esc(r.path())).append("</td><td class=\"t\">").append(esc(r.impl()))
                    .append("</td><td class=\"t\">").append(esc(r.shape())).append("</td><td>").append(num(r.min()))
                    .append("</td><td>").append(num(r.median())).append("</td><td>").append(num(r.rate()))
                    .append("</td><td class=\"t\">").append(esc(r.unit())).append("</td><td>")
                    .append(Double.isFinite(r.fractionOfCeiling())
                            ? String.format(Locale.ROOT, "%.0f%%", 100 * r.fractionOfCeiling()) : "")
                    .append("</td><td>").append(Double.isFinite(r.exponent())
                            ? String.format(Locale.ROOT, "%.2f", r.exponent()) : "")
                    .append("</td><td class=\"t\">").append(esc(r.workModel())).append("</td><td class=\"t\">")
                    .append(esc(r.note())).append("</td></tr>\n");
        }
        return b.append("</table>\n</body></html>\n").toString();
    }

    private static List<Plots.Series> timeSeries(List<Row> rows, List<String> paths) {
        List<Plots.Series> out = new ArrayList<>();
        int color = 0;
        for (String p : paths) {
            int oursColor = color;
            for (var ladder : ladders(rows, r -> r.path().equals(p) && !r.kind().equals(Row.CEILING)).entrySet()) {
                List<Row> l = ladder.getValue();
                if (l.getFirst().kind().equals(Row.PATH)) {
                    oursColor = color;
                }
                out.add(new Plots.Series(ladder.getKey(), ns(l), l.stream().mapToDouble(Row::min).toArray(), null,
                        false, color));
                color++;
            }
            // the exponent a flop count implies does not depend on the suite's sizes
            HotPath path = HotPath.all(Suite.TOY).stream().filter(h -> h.name().equals(p)).findFirst().orElseThrow();
            List<Row> ours = rows.stream().filter(r -> r.path().equals(p) && r.kind().equals(Row.PATH) && r.ran()).toList();
            if (ours.size() >= 2) {  // the guide n^k through the ladder's first point
                double n0 = ours.getFirst().n(), t0 = ours.getFirst().min();
                double[] x = ns(ours);
                double[] y = java.util.Arrays.stream(x).map(n -> t0 * Math.pow(n / n0, path.expected())).toArray();
                out.add(new Plots.Series(p + " guide n^" + (int) path.expected(), x, y, null, true, oursColor));
            }
        }
        return out;
    }

    private static List<Plots.Series> series(List<Row> rows, java.util.function.Predicate<Row> which,
                                             java.util.function.ToDoubleFunction<Row> y) {
        List<Plots.Series> out = new ArrayList<>();
        int color = 0;
        for (var ladder : ladders(rows, which).entrySet()) {
            List<Row> l = ladder.getValue();
            double[] v = l.stream().mapToDouble(y).toArray();
            if (java.util.Arrays.stream(v).anyMatch(Double::isFinite)) {
                out.add(new Plots.Series(ladder.getKey(), ns(l), v, null, false, color++));
            }
        }
        return out;
    }

    private static List<Plots.Series> peerRatios(List<Row> rows) {
        List<Plots.Series> out = new ArrayList<>();
        int color = 0;
        for (var peer : ladders(rows, r -> r.kind().equals(Row.PEER)).entrySet()) {
            List<double[]> points = new ArrayList<>();
            for (Row p : peer.getValue()) {
                rows.stream().filter(r -> r.kind().equals(Row.PATH) && r.path().equals(p.path()) && r.n() == p.n()
                        && r.ran()).findFirst().ifPresent(o -> points.add(new double[] {p.n(), p.min() / o.min()}));
            }
            if (!points.isEmpty()) {
                out.add(new Plots.Series(peer.getKey(), points.stream().mapToDouble(q -> q[0]).toArray(),
                        points.stream().mapToDouble(q -> q[1]).toArray(), null, false, color++));
            }
        }
        return out;
    }

    /** The rows that ran, by "path, impl", in the run's order. */
    private static Map<String, List<Row>> ladders(List<Row> rows, java.util.function.Predicate<Row> which) {
        Map<String, List<Row>> m = new LinkedHashMap<>();
        for (Row r : rows) {
            if (which.test(r) && r.ran()) {
                m.computeIfAbsent(r.path() + ", " + r.impl(), k -> new ArrayList<>()).add(r);
            }
        }
        return m;
    }

    private static double[] ns(List<Row> l) { return l.stream().mapToDouble(Row::n).toArray(); }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
