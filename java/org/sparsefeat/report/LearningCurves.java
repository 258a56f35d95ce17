package org.sparsefeat.report;

import static org.sparsefeat.report.SweepResults.number;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.sparsefeat.curve.Fits;
import org.sparsefeat.curve.MethodSpec;
import org.sparsefeat.curve.SweepSpec;
import org.sparsefeat.curve.Theory;
import org.sparsefeat.train.TrainingHealth;

/**
 * A sweep's learning curves, fitted: per (method, d) or (method, data set), the test errors against n over the seeds,
 * the fitted exponent beside the predicted one, atom counts and their slope, the stability R_f, and how many runs
 * TrainingHealth flagged.
 */
public final class LearningCurves {
    private LearningCurves() {}

    /**
     * One learning curve: the test errors of a method at one d (or on one data set), errors[i][s] at n[i] for
     * seed s.
     *
     * @param where          "d3" or the data set's name
     * @param trainAtLargest mean training error at the largest n: a net far from zero training error is
     *                       under-trained, and its slope says more about the optimiser than about the method
     * @param relativeStability R_f against n (image sweeps with stability; empty otherwise)
     * @param atomsExact     N_A counting every neuron with w2 != 0 (atoms holds the thresholded count)
     * @param health         how many of the curve's runs TrainingHealth flagged
     */
    public record Curve(MethodSpec method, String where, int d, int[] n, double[][] errors, double[][] atoms,
                        List<Fits.Point> points, Fits.Exponent fit, double predicted, double atomSlope,
                        double trainAtLargest, List<Fits.Point> relativeStability, double[][] atomsExact,
                        Health health) {}

    /**
     * The TrainingHealth flags of a curve's runs (nets only; records written before the rule have none).
     *
     * @param runs      runs with a verdict
     * @param unstable  runs flagged unstable, and the n where they were
     * @param notFitted runs flagged not fitted, and the n where they were
     */
    public record Health(int runs, int unstable, SortedSet<Integer> unstableAt, int notFitted,
                         SortedSet<Integer> notFittedAt) {
        public boolean ok() { return unstable == 0 && notFitted == 0; }

        /** "" when no run was flagged, else e.g. "unstable 3/15 (n 64-256); not fitted 2/15 (n 256)". */
        public String text() {
            List<String> parts = new ArrayList<>();
            if (unstable > 0) {
                parts.add("unstable " + unstable + "/" + runs + " (n " + range(unstableAt) + ")");
            }
            if (notFitted > 0) {
                parts.add("not fitted " + notFitted + "/" + runs + " (n " + range(notFittedAt) + ")");
            }
            return String.join("; ", parts);
        }

        private static String range(SortedSet<Integer> n) {
            return n.size() == 1 ? "" + n.first() : n.first() + "-" + n.last();
        }
    }

    /** The learning curves of a sweep's records: one per method and d (or data set) with any result. */
    public static List<Curve> of(SweepResults results) {
        SweepSpec spec = results.spec();
        List<Curve> curves = new ArrayList<>();
        int[] ns = spec.n().stream().mapToInt(Integer::intValue).sorted().toArray();
        String metric = spec.images() ? "test_error" : "test_mse";
        for (MethodSpec m : spec.methods()) {
            for (String where : spec.places()) {
                int d = spec.images() ? 0 : Integer.parseInt(where.substring(1));
                double[][] err = new double[ns.length][spec.seeds().size()];
                double[][] atoms = new double[ns.length][spec.seeds().size()];
                double[][] rf = new double[ns.length][spec.seeds().size()];
                double[][] atomsExact = new double[ns.length][spec.seeds().size()];
                int runs = 0, unstable = 0, notFitted = 0;
                SortedSet<Integer> unstableAt = new TreeSet<>(), notFittedAt = new TreeSet<>();
                boolean any = false;
                for (int i = 0; i < ns.length; i++) {
                    for (int s = 0; s < spec.seeds().size(); s++) {
                        JsonNode r = results.record(m, where, ns[i], spec.seeds().get(s));
                        err[i][s] = number(r, metric);
                        // the sparse limit's atoms are exact (merged, w != 0): one count for both columns
                        boolean lp = m instanceof MethodSpec.Sparse;
                        atoms[i][s] = number(r, lp ? "atoms" : "atoms_thresholded");
                        rf[i][s] = number(r, "R_f");
                        atomsExact[i][s] = number(r, lp ? "atoms" : "atoms_exact");
                        if (r != null && r.has("warnings") && r.get("warnings").isArray()) {
                            runs++;
                            for (JsonNode w : r.get("warnings")) {
                                if (w.asText().equals(TrainingHealth.Flag.UNSTABLE.code())) {
                                    unstable++;
                                    unstableAt.add(ns[i]);
                                } else if (w.asText().equals(TrainingHealth.Flag.NOT_FITTED.code())) {
                                    notFitted++;
                                    notFittedAt.add(ns[i]);
                                }
                            }
                        }
                        any |= r != null;
                    }
                }
                if (!any) {
                    continue;
                }
                // the n this method has results at (a method may run on part of the grid)
                int[] rows = IntStream.range(0, ns.length)
                        .filter(i -> Arrays.stream(err[i]).anyMatch(Double::isFinite)).toArray();
                int[] nUsed = Arrays.stream(rows).map(i -> ns[i]).toArray();
                double[][] errUsed = Arrays.stream(rows).mapToObj(i -> err[i]).toArray(double[][]::new);
                double[][] atomsUsed = Arrays.stream(rows).mapToObj(i -> atoms[i]).toArray(double[][]::new);
                double[][] rfUsed = Arrays.stream(rows).mapToObj(i -> rf[i]).toArray(double[][]::new);
                double[][] exactUsed = Arrays.stream(rows).mapToObj(i -> atomsExact[i]).toArray(double[][]::new);
                List<Fits.Point> points = Fits.points(nUsed, errUsed);
                Fits.Exponent fit = Fits.exponent(nUsed, errUsed, spec.fitMin(), spec.fitMax(), 1);
                double atomSlope = Double.NaN;
                if (m instanceof MethodSpec.Net || m instanceof MethodSpec.Sparse) {
                    List<Fits.Point> a = Fits.points(nUsed, atomsUsed);
                    if (a.size() >= 2) {
                        atomSlope = Fits.logLogLine(a.stream().mapToDouble(Fits.Point::n).toArray(),
                                a.stream().mapToDouble(p -> Math.max(p.mean(), 1e-300)).toArray())[0];
                    }
                }
                double train = Double.NaN;
                if (nUsed.length > 0) {
                    int largest = nUsed[nUsed.length - 1];
                    train = spec.seeds().stream().mapToDouble(s -> number(results.record(m, where, largest, s),
                            spec.images() ? "train_error" : "train_mse")).filter(Double::isFinite).average()
                            .orElse(Double.NaN);
                }
                curves.add(new Curve(m, where, d, nUsed, errUsed, atomsUsed, points, fit, Theory.beta(m, spec.target(), d),
                        atomSlope, train, Fits.points(nUsed, rfUsed), exactUsed,
                        new Health(runs, unstable, unstableAt, notFitted, notFittedAt)));
            }
        }
        return curves;
    }
}
