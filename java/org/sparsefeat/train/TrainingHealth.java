package org.sparsefeat.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one rule that says whether a trained net's numbers can be taken at face value. Its verdict travels with
 * the result: results.jsonl ("warnings"), the sweep's live log, {@code train}'s summary line and the report
 * table's row, so that an unstable or unfitted net is never shown as a plain number.
 *
 * <ul>
 *   <li><b>unstable</b>: the training objective, half MSE + alpha R(w) at the checkpoints, rose above
 *   {@link #RISE_FACTOR} times its lowest earlier value, or diverged. Gradient descent with a step below the
 *   stability edge 2 / (sharpness) lowers the objective at every step; a rise means the step outgrew the
 *   landscape (with the mean-field step lr h, a neuron's first-layer speed grows with |w2_h|, so the edge
 *   falls as the net condenses into atoms) and the run oscillates instead of converging. The objective, not
 *   the MSE alone, is watched because L1 legitimately trades a little MSE for a smaller penalty.</li>
 *   <li><b>not_fitted</b>: the final training half MSE is above {@link #FIT_FRACTION} times the initial one
 *   (for w2 = 0 at the start: the target's mean square). The theory's predictors interpolate; a net that left
 *   more of its own training set unexplained measures the step budget, not the method.</li>
 * </ul>
 */
public final class TrainingHealth {
    /** A rise of the objective above this factor times its running minimum flags the run unstable. */
    public static final double RISE_FACTOR = 1.1;
    /** A final training half MSE above this fraction of the initial one flags the run not fitted. */
    public static final double FIT_FRACTION = 1e-3;

    /** The flags, by the names results.jsonl and the report use. */
    public enum Flag {
        UNSTABLE, NOT_FITTED;

        public String code() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * @param flags  empty for a healthy run
     * @param detail one sentence per flag with the numbers behind it ("" when healthy)
     */
    public record Verdict(List<Flag> flags, String detail) {
        public static final Verdict OK = new Verdict(List.of(), "");

        public Verdict {
            flags = List.copyOf(flags);
        }

        public boolean ok() { return flags.isEmpty(); }

        /** The flags' codes, e.g. ["unstable", "not_fitted"]. */
        public List<String> codes() { return flags.stream().map(Flag::code).toList(); }

        /** For a log or summary line: "" when healthy, else " WARNING unstable: ...". */
        public String suffix() { return ok() ? "" : " WARNING " + detail; }
    }

    private TrainingHealth() {}

    /**
     * @param steps     the checkpoints' steps, ascending; the first is the initial state
     * @param objective the training objective at each checkpoint (NaN after a divergence)
     * @param trainHalfMse the training half MSE at each checkpoint
     */
    public static Verdict assess(long[] steps, double[] objective, double[] trainHalfMse) {
        int m = steps.length;
        if (objective.length != m || trainHalfMse.length != m) {
            throw new IllegalArgumentException("assess: " + m + " steps but " + objective.length + " objectives and "
                    + trainHalfMse.length + " training errors");
        }
        if (m == 0) {
            return Verdict.OK;
        }
        List<Flag> flags = new ArrayList<>();
        List<String> why = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY, worst = 0, worstFrom = Double.NaN;
        long minStep = 0, worstFromStep = -1, worstStep = -1, nanStep = -1;
        for (int i = 0; i < m; i++) {
            double v = objective[i];
            if (Double.isNaN(v)) {
                nanStep = steps[i];
                break;
            }
            if (min < Double.POSITIVE_INFINITY && v / min > worst) {
                worst = v / min;
                worstStep = steps[i];
                worstFrom = min;
                worstFromStep = minStep;
            }
            if (v < min) {
                min = v;
                minStep = steps[i];
            }
        }
        if (nanStep >= 0) {
            flags.add(Flag.UNSTABLE);
            why.add(String.format(Locale.ROOT, "unstable: the training loss diverged (not a number) at step %d", nanStep));
        } else if (worst > RISE_FACTOR) {
            flags.add(Flag.UNSTABLE);
            why.add(String.format(Locale.ROOT, "unstable: the training loss rose %.2fx above its minimum %.2e (step %d)"
                    + " by step %d (rule: > %.2fx)", worst, worstFrom, worstFromStep, worstStep, RISE_FACTOR));
        }
        double first = trainHalfMse[0], last = trainHalfMse[m - 1];
        if (nanStep < 0 && first > 0 && last > FIT_FRACTION * first) {
            flags.add(Flag.NOT_FITTED);
            why.add(String.format(Locale.ROOT, "not fitted: final training MSE %.2e is %.1e of the initial %.2e (rule:"
                    + " > %.0e)", 2 * last, last / first, 2 * first, FIT_FRACTION));
        }
        return flags.isEmpty() ? Verdict.OK : new Verdict(flags, String.join("; ", why));
    }
}
