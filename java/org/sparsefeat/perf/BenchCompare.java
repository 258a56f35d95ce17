package org.sparsefeat.perf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparsefeat.util.InvalidInputException;

/**
 * Two bench.json files row by row: the new fastest repeat over the old one, against a noise band from the repeats
 * of both. A row is a regression when its ratio exceeds its band: max(1 + MIN_NOISE, 1 + 2 (spread_old + spread_new)),
 * the spread of a row being (median - min) / min of its repeats. A quiet machine gets the floor; a noisy run widens
 * its own band rather than failing on noise.
 */
public final class BenchCompare {
    /** The narrowest band: 20% (timer and frequency noise on a quiet machine). */
    public static final double MIN_NOISE = 0.20;

    private BenchCompare() {}

    /** One compared row; {@code band} and {@code ratio} NaN when one side did not run it. */
    public record Line(String key, double oldMin, double newMin, double ratio, double band, String verdict) {
        public boolean regressed() { return verdict.startsWith("SLOWER"); }
    }

    public record Outcome(List<Line> lines) {
        public boolean regressed() { return lines.stream().anyMatch(Line::regressed); }
    }

    /** The band for two rows' repeats, at least 1 + {@link #MIN_NOISE}. */
    public static double band(double[] oldSeconds, double[] newSeconds) {
        return band(oldSeconds, newSeconds, 1 + MIN_NOISE);
    }

    /** The band for two rows' repeats, at least {@code floor} (a factor above 1). */
    public static double band(double[] oldSeconds, double[] newSeconds, double floor) {
        return Math.max(floor, 1 + 2 * (new Timing(oldSeconds).spread() + new Timing(newSeconds).spread()));
    }

    public static Outcome compare(Path oldFile, Path newFile) { return compare(oldFile, newFile, 1 + MIN_NOISE); }

    /**
     * @param floor the narrowest band, a factor above 1 (benchmarks/guard.sh gives its GUARD_MARGIN: its rows are
     *              single ratios to a yardstick, without repeats)
     */
    public static Outcome compare(Path oldFile, Path newFile, double floor) {
        Map<String, double[]> old = rows(oldFile, "OLD.json");
        Map<String, double[]> fresh = rows(newFile, "NEW.json");
        List<Line> lines = new ArrayList<>();
        for (var e : fresh.entrySet()) {
            double[] o = old.get(e.getKey());
            double[] s = e.getValue();
            if (o == null || s == null) {
                lines.add(new Line(e.getKey(), o == null ? Double.NaN : new Timing(o).min(),
                        s == null ? Double.NaN : new Timing(s).min(), Double.NaN, Double.NaN,
                        o == null ? (old.containsKey(e.getKey()) ? "did not run before" : "new row") : "did not run now"));
                continue;
            }
            double ratio = new Timing(s).min() / new Timing(o).min();
            double band = band(o, s, floor);
            String verdict = ratio > band ? String.format(Locale.ROOT, "SLOWER (> %.2fx)", band)
                    : ratio < 1 / band ? "faster" : "ok";
            lines.add(new Line(e.getKey(), new Timing(o).min(), new Timing(s).min(), ratio, band, verdict));
        }
        for (String k : old.keySet()) {
            if (!fresh.containsKey(k)) {
                lines.add(new Line(k, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "missing from NEW"));
            }
        }
        return new Outcome(lines);
    }

    /** {key: the repeats' seconds, null for a row that did not run} of a bench.json. */
    static Map<String, double[]> rows(Path file, String what) {
        JsonNode doc;
        try {
            doc = BenchFiles.JSON.readTree(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidInputException(what + " " + file + " is not a bench.json (" + firstLine(e) + ")");
        }
        if (doc == null || !"bench".equals(doc.path("command").asText()) || !doc.path("rows").isArray()) {
            throw new InvalidInputException(what + " " + file + " is not a bench.json written by sparsefeat bench");
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        for (JsonNode r : doc.get("rows")) {
            String key = r.path("kind").asText() + " " + r.path("path").asText() + " " + r.path("impl").asText() + " "
                    + r.path("shape").asText();
            JsonNode s = r.path("seconds");
            double[] v = null;
            if (s.isArray() && !s.isEmpty()) {
                v = new double[s.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = s.get(i).asDouble();
                    if (!(v[i] > 0) || !Double.isFinite(v[i])) {
                        throw new InvalidInputException(what + " " + file + ": row '" + key + "' has a time that is not a"
                                + " positive number");
                    }
                }
            }
            m.put(key, v);
        }
        return m;
    }

    private static String firstLine(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }
}
