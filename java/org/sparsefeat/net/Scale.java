package org.sparsefeat.net;

import java.util.Locale;
import org.sparsefeat.util.InvalidInputException;

/** The output prefactor s in f(x) = s sum_h w2_h relu(w1_h . x + b_h). */
public enum Scale {
    /** s = 1/h: the mean-field (feature-learning) normalisation, hard-wired in the reference. */
    MEAN_FIELD,
    /** s = 1/sqrt(h): the NTK normalisation. */
    NTK;

    public double factor(int h) { return this == MEAN_FIELD ? 1.0 / h : 1.0 / Math.sqrt(h); }

    public String cliName() { return this == MEAN_FIELD ? "mean-field" : "ntk"; }

    public static Scale parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "mean-field", "meanfield", "1/h" -> MEAN_FIELD;
            case "ntk", "1/sqrt(h)", "sqrt" -> NTK;
            default -> throw new InvalidInputException("{scale} '" + s + "' is unknown; expected mean-field (1/h) or ntk (1/sqrt(h))");
        };
    }
}
