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
    boolean columns() { return !spec.images(); }

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
                + " and measured / predicted test MSE at the largest n, 1 where the theory's values hold. " + OFFSET
                + "</p>\n" : "";
    }

    /**
     * Why measured and predicted values differ where they do (docs/theory.md, 'Spectra and predicted curves', 'What it
     * is and is not'; BENCHMARKS.md, section 7, measured it): the slopes agree, the values only on a rough target.
     */
    static final String OFFSET = "On a rough target the two agree within about 15%. On the constant target the"
            + " prediction is low by a factor that grows with the kernel's smoothness and shrinks with d (about 2 for the"
            + " NTK at d = 3, 6 or more for rfk1 at d = 3): there the whole error is the shrinkage of the one k = 0 mode,"
            + " second order in kappa, where the training sets' fluctuations, which the theory's deterministic kappa"
            + " leaves out, weigh most (docs/theory.md, 'Spectra and predicted curves'). Such a factor is an offset of"
            + " the whole curve: compare the slopes there, not the values.";

    /** Measured / predicted beyond this factor either way is named below the table, with its explanation. */
    static final double FAR = 1.5;

    /** For each curve whose measured / predicted at the largest n is far from 1, what the page knows of why. */
    String htmlRemarks(java.util.List<LearningCurves.Curve> curves) {
        boolean constant = spec.target() != null && spec.target().kind().equals("constant");
        java.util.List<String> remarks = new java.util.ArrayList<>();
        for (LearningCurves.Curve c : curves) {
            double r = ratioAtLargest(c);
            if (!Double.isFinite(r) || (r < FAR && r > 1 / FAR)) {
                continue;
            }
            remarks.add("<b>" + SweepReport.esc(c.method().label()) + " at d = " + c.d() + "</b>: " + String.format(
                    Locale.ROOT, "measured %.2fx the prediction at n = %d; slope %s measured, %s predicted over the fitted"
                            + " range", r, c.n()[c.n().length - 1], c.fit() == null ? "n/a"
                            : String.format(Locale.ROOT, "%.2f", c.fit().beta()), text(slope(c), "%.2f"))
                    + (constant && r > 1 ? ": the constant target's offset above, not another law."
                            : ": not a difference docs/theory.md explains; treat it as unexplained."));
        }
        return remarks.isEmpty() ? "" : "<p class=\"note\">Measured / predicted far from 1 (beyond a factor "
                + FAR + "):<br>" + String.join("<br>", remarks) + "</p>\n";
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
