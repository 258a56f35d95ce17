package org.sparsefeat.data;

import java.util.Locale;
import org.sparsefeat.util.InvalidInputException;

/** Where input points live. */
public enum PointDistribution {
    /** Uniform on the unit sphere S^{d-1}: g / |g| with g ~ N(0, I_d). The paper's setting. */
    SPHERE,
    /** g / sqrt(d) with g ~ N(0, I_d): the reference's "normal". */
    GAUSSIAN,
    /** Uniform in the unit ball: a sphere point times U^{1/d}. */
    BALL;

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    public static PointDistribution parse(String s) {
        for (PointDistribution p : values()) {
            if (p.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new InvalidInputException("unknown point distribution '" + s + "'; expected sphere, gaussian or ball");
    }

    @Override
    public String toString() { return cliName(); }
}
