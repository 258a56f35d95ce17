package org.sparsefeat.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparsefeat.curve.MethodSpec;
import org.sparsefeat.curve.SweepPoint;
import org.sparsefeat.curve.SweepSpec;

/**
 * Gradient descent against the feature regime's limit (docs/method.md, 'The sparse limit'): where a sweep has a sparse
 * method and nets at the same (d, n, seed), the ratio of the net's test MSE to the limit's, per net method, and how
 * many of those ratios are within {@link #FACTOR}. A net near its lambda -> 0+ limit has a ratio near 1; far above it,
 * the run has not reached the limit (steps, lambda) and its curve measures the optimiser more than the regime.
 */
public final class LimitComparison {
    /** A net's test MSE counts as at the limit when at most this many times the limit's. */
    public static final double FACTOR = 2.0;

    /**
     * One net method against one sparse method over their common grid points.
     *
     * @param ratios the finite ratios net / limit, one per common point whose two MSEs are finite and the limit's > 0
     * @param notANumber common points where the net's test MSE is missing or not finite (a diverged run)
     */
    public record Row(String net, String limit, String where, double[] ratios, int notANumber) {
        public int points() { return ratios.length + notANumber; }

        public int within() { return (int) Arrays.stream(ratios).filter(r -> r <= FACTOR).count(); }

        /** The median ratio, NaN where no ratio is finite. */
        public double median() {
            if (ratios.length == 0) {
                return Double.NaN;
            }
            double[] s = ratios.clone();
            Arrays.sort(s);
            int m = s.length / 2;
            return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
        }
    }

    private LimitComparison() {}

    /** The rows of a sweep: one per (net method, sparse method, place) with at least one common point. */
    public static List<Row> of(SweepResults results) {
        SweepSpec spec = results.spec();
        List<Row> rows = new ArrayList<>();
        if (spec.images()) {
            return rows;  // the limit is of regression targets
        }
        for (MethodSpec limit : spec.methods()) {
            if (!(limit instanceof MethodSpec.Sparse)) {
                continue;
            }
            for (MethodSpec net : spec.methods()) {
                if (!(net instanceof MethodSpec.Net)) {
                    continue;
                }
                for (String where : spec.places()) {
                    List<Double> ratios = new ArrayList<>();
                    int nan = 0;
                    for (SweepPoint p : spec.grid()) {
                        if (!p.label().equals(limit.label()) || !p.where().equals(where)) {
                            continue;
                        }
                        double l = SweepResults.number(results.record(limit, where, p.n(), p.seed()), "test_mse");
                        JsonNode g = results.record(net, where, p.n(), p.seed());
                        if (g == null || !(l > 0) || !Double.isFinite(l)) {
                            continue;  // not a common point
                        }
                        double m = SweepResults.number(g, "test_mse");
                        if (Double.isFinite(m)) {
                            ratios.add(m / l);
                        } else {
                            nan++;
                        }
                    }
                    if (!ratios.isEmpty() || nan > 0) {
                        rows.add(new Row(net.label(), limit.label(), where,
                                ratios.stream().mapToDouble(Double::doubleValue).toArray(), nan));
                    }
                }
            }
        }
        return rows;
    }

    /** One line per row for the terminal; empty where the sweep has no common points. */
    public static String text(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%s against the limit %s at %s: %d of %d points within %.0fx of its test"
                            + " MSE, median ratio %s%s%n", r.net(), r.limit(), r.where(), r.within(), r.points(), FACTOR,
                    medianText(r), r.notANumber() > 0 ? " (" + r.notANumber() + " with no finite test MSE)" : ""));
        }
        return b.toString();
    }

    /** The page's section; empty where the sweep has no common points. */
    public static String html(List<Row> rows) {
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<h2>Gradient descent against the sparse limit</h2>\n<p class=\"note\">At each"
                + " (d, n, seed) where both ran: the net's test MSE divided by the sparse limit's (the feature regime's"
                + " lambda &rarr; 0+ limit, docs/method.md, 'The sparse limit'). "
                + String.format(Locale.ROOT, "<b>Within %.0fx</b> counts the points whose ratio is at most %.0f", FACTOR, FACTOR)
                + ": there the net is near the limit; a larger ratio means the run has not reached it (its steps or"
                + " lambda), and its curve measures the optimiser more than the regime.</p>\n<table>\n<tr><th>net</th>"
                + "<th>limit</th><th>d</th><th>points</th>" + String.format(Locale.ROOT, "<th>within %.0fx</th>", FACTOR)
                + "<th>median ratio</th><th>no finite test MSE</th></tr>\n");
        for (Row r : rows) {
            b.append("<tr><td>").append(SweepReport.esc(r.net())).append("</td><td>").append(SweepReport.esc(r.limit()))
                    .append("</td><td>").append(SweepReport.esc(r.where().substring(1))).append("</td><td>")
                    .append(r.points()).append("</td><td>").append(r.within()).append("</td><td>").append(medianText(r))
                    .append("</td><td>").append(r.notANumber()).append("</td></tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    private static String medianText(Row r) {
        return Double.isNaN(r.median()) ? "none" : String.format(Locale.ROOT, "%.3g", r.median());
    }
}
