package org.sparsefeat.net;

import java.util.Locale;
import org.sparsefeat.util.InvalidInputException;

/** The regulariser R(w) added to the loss (docs/method.md, 'The two-layer network'); ids as in sf_net.h. */
public enum Regularizer {
    NONE(0),
    /** (lambda/H) sum_h |w1_h| |w2_h| (path norm), or (lambda/H) sum_h |w2_h| when w1 lives on the sphere. */
    L1(1),
    /** (lambda/(2H)) sum of all parameters squared. */
    L2(2);

    private final int id;

    Regularizer(int id) { this.id = id; }

    public int id() { return id; }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    public static Regularizer parse(String s) {
        for (Regularizer r : values()) {
            if (r.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new InvalidInputException("{reg} '" + s + "' is unknown; expected none, l1 or l2");
    }
}
