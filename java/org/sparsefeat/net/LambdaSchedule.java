package org.sparsefeat.net;

import java.util.Locale;
import org.sparsefeat.util.InvalidInputException;

/** lambda(t) (docs/method.md, 'The two-layer network'; the reference's --l_decay); ids and formulas in
 * native/include/sf_net.h. */
public enum LambdaSchedule {
    /** lambda. */
    NONE(0, "none"),
    /** lambda / (1 + t^p). */
    POW_LAW(1, "pow_law"),
    /** lambda e^{1 - t^p}. */
    EXP(2, "exp"),
    /** lambda e^{1 - sqrt(t) / n^0.7} / (1 + t). */
    PL_EXP(3, "pl_exp");

    private final int id;
    private final String cliName;

    LambdaSchedule(int id, String cliName) {
        this.id = id;
        this.cliName = cliName;
    }

    public int id() { return id; }

    public String cliName() { return cliName; }

    public static LambdaSchedule parse(String s) {
        for (LambdaSchedule l : values()) {
            if (l.cliName.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new InvalidInputException("{lambda_schedule} '" + s + "' is unknown; expected none, pow_law, exp or pl_exp");
    }
}
