package org.sparsefeat.report;

import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import org.sparsefeat.curve.MethodSpec;
import org.sparsefeat.curve.SweepSpec;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.theory.Eigenlearning;
import org.sparsefeat.theory.Spectrum;

/**
 * The predicted learning curve of each kernel-regression curve of a sweep on sphere points (docs/theory.md,
 * 'Spectra and predicted curves'): the predicted test MSE at the curve's n, its slope over the fitted range and
 * measured / predicted at the largest n. Kept apart from SweepReport, which only asks it for these.
 */
final class PredictedCurves {
    /** What the report says about the prediction (plain text, nothing to escape in HTML). */
    static final String NOTE = "Dotted lines named 'predicted' are the predicted curves of kernel regression: the spectral"
            + " (eigenlearning) theory of docs/theory.md, 'Spectra and predicted curves', from the kernel's and the"
            + " target's spectra on the sphere. A prediction is an average over training sets and targets, from an"
            + " asymptotic theory: it is not a fit, does not describe one seed, and is approximate at small n;"
            + " its large-n slope is the predicted beta.";

    private final SweepSpec spec;
    private final Map<LearningCurves.Curve, double[]> cache = new IdentityHashMap<>();

    PredictedCurves(SweepSpec spec) { this.spec = spec; }

    /** The predicted test MSE at each n of the curve (NaN where none is made), or null where no theory applies. */
    double[] of(LearningCurves.Curve c) {
        if (spec.images() || spec.points() != PointDistribution.SPHERE || spec.target() == null
                || !(c.method() instanceof MethodSpec.Krr k) || c.n().length == 0) {
            return null;
        }
        return cache.computeIfAbsent(c, key -> {
            int kmax = Eigenlearning.kmaxFor(c.d(), c.n()[c.n().length - 1]);
            Eigenlearning e = new Eigenlearning(Spectrum.ofKernel(k.kernel(), c.d(), kmax),
                    Spectrum.ofTarget(spec.target(), c.d(), kmax));
            return java.util.Arrays.stream(c.n()).mapToDouble(n -> e.predict(n, k.ridge()).testMse()).toArray();
        });
    }

    /** The predicted curve's slope -d log eps / d log n between the fit's end points, or NaN. */
    double slope(LearningCurves.Curve c) {
        double[] p = of(c);
        if (p == null || c.fit() == null) {
            return Double.NaN;
        }
        int i = indexOf(c.n(), c.fit().nMin()), j = indexOf(c.n(), c.fit().nMax());
        if (i < 0 || j <= i || !(p[i] > 0) || !(p[j] > 0)) {
            return Double.NaN;
        }
        return -Math.log(p[j] / p[i]) / Math.log((double) c.n()[j] / c.n()[i]);
    }

    /** Mean measured test MSE over predicted at the largest n, or NaN. */
    double ratioAtLargest(LearningCurves.Curve c) {
        double[] p = of(c);
        if (p == null || c.points().isEmpty()) {
            return Double.NaN;
        }
        var last = c.points().getLast();
        int i = indexOf(c.n(), (int) last.n());
        return i >= 0 && p[i] > 0 ? last.mean() / p[i] : Double.NaN;
    }

    /** Sphere sweeps get the prediction's columns (empty where no prediction is made); image sweeps none. */
    private boolean columns() { return !spec.images(); }

    String csvHeader() { return columns() ? ",predicted_test_mse" : ""; }

    /** ",value" of the predicted test MSE at n, "," where there is none; "" in image sweeps. */
    String csvCell(LearningCurves.Curve c, int n) {
        if (!columns()) {
            return "";
        }
        double[] p = of(c);
        int i = p == null ? -1 : indexOf(c.n(), n);
        return i >= 0 && Double.isFinite(p[i]) ? String.format(Locale.ROOT, ",%.6e", p[i]) : ",";
    }

    String htmlNote() {
        return columns() ? "<p class=\"note\">" + NOTE + " Columns: the predicted curve's slope over the fitted n range,"
                + " and measured / predicted test MSE at the largest n.</p>\n" : "";
    }

    String htmlHeader() {
        return columns() ? "<th>predicted curve's slope</th><th>measured / predicted at largest n</th>" : "";
    }

    String htmlCells(LearningCurves.Curve c) {
        return columns() ? "<td class=\"pred\">" + text(slope(c), "%.2f") + "</td><td>" + text(ratioAtLargest(c), "%.2f")
                + "</td>" : "";
    }

    /** The dotted series of the learning-curve plot, in the curve's colour, or null. */
    Plots.Series series(LearningCurves.Curve c, int color) {
        double[] p = of(c);
        if (p == null) {
            return null;
        }
        double[] x = java.util.Arrays.stream(c.n()).asDoubleStream().toArray();
        return new Plots.Series("predicted " + c.method().label(), x, p, null, true, color, true);
    }

    static String text(double v, String format) { return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : ""; }

    private static int indexOf(int[] ns, int n) {
        for (int i = 0; i < ns.length; i++) {
            if (ns[i] == n) {
                return i;
            }
        }
        return -1;
    }
}
