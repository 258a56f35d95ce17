package org.sparsefeat.classify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OptionValues;

/**
 * The options of the image experiments' softplus net (docs/method.md, 'Image experiments') in one place: names (the
 * sweep spec's keys and the result's JSON keys; the CLI's flags are {@code --kebab-case}), defaults per regime
 * (feature: alpha 1e-6, lazy: alpha 1e4, f0 subtracted in both; the reference's flow otherwise) and validation.
 *
 * @param h        neurons
 * @param alpha    the alpha-trick's scale
 * @param actBeta  the softplus's sharpness
 * @param lossBeta the soft hinge's sharpness
 * @param stopFrac stop when more training margins than this are met
 * @param maxWall  wall-clock limit of a net, in seconds
 * @param maxSteps accepted-step limit of a net
 */
public record ImageNetOptions(int h, double alpha, double actBeta, double lossBeta, double stopFrac, double maxWall,
                              long maxSteps) {
    /** The options' names. */
    public static final List<String> NAMES = List.of("h", "alpha", "act_beta", "loss_beta", "stop_frac", "max_wall",
            "max_steps");

    public ImageNetOptions {
        if (h < 1) {
            throw new InvalidInputException("{h} must be >= 1, got " + h);
        }
        if (!(actBeta > 0) || Double.isInfinite(actBeta)) {
            throw new InvalidInputException("{act_beta} must be a finite number > 0, got " + actBeta);
        }
        new GradientFlow.Options(alpha, lossBeta, 1, 1, stopFrac, maxWall, maxSteps);  // its checks; bounds in flow()
    }

    /** The reference's soft-hinge beta_l and stopping fraction (Fig 1): the defaults. */
    static final double LOSS_BETA = 20, STOP_FRAC = 0.99;

    /** The default alpha of a regime: feature 1e-6, lazy 1e4. */
    public static double alpha(String regime) {
        return switch (regime) {
            case "feature" -> 1e-6;
            case "lazy" -> 1e4;
            default -> throw new InvalidInputException("{regime} expected feature or lazy, got '" + regime + "'");
        };
    }

    public static ImageNetOptions defaults(String regime) { return of(Map.of(), regime); }

    /** Options from names to values (numbers or text), the others at the regime's defaults; an unknown name is refused. */
    public static ImageNetOptions of(Map<String, ?> values, String regime) {
        OptionValues v = new OptionValues(values).requireKnown("image net", NAMES);
        return new ImageNetOptions((int) v.count("h", 1000, Integer.MAX_VALUE), v.number("alpha", alpha(regime)),
                v.number("act_beta", 5), v.number("loss_beta", LOSS_BETA), v.number("stop_frac", STOP_FRAC),
                v.number("max_wall", 20000), v.count("max_steps", 100_000, Long.MAX_VALUE));
    }

    /** The options by name, as {@link #of} reads them and results record them. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("h", h);
        m.put("alpha", alpha);
        m.put("act_beta", actBeta);
        m.put("loss_beta", lossBeta);
        m.put("stop_frac", stopFrac);
        m.put("max_wall", maxWall);
        m.put("max_steps", maxSteps);
        return m;
    }

    /** The gradient flow: the reference's step bounds with these options. */
    public GradientFlow.Options flow() {
        return new GradientFlow.Options(alpha, lossBeta, GradientFlow.MAX_DGRAD, GradientFlow.MAX_DOUT, stopFrac, maxWall,
                maxSteps);
    }

    /** The experiment's method. */
    public ImageExperiment.Method.Net method() { return new ImageExperiment.Method.Net(h, actBeta, flow()); }
}
