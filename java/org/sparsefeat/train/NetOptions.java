package org.sparsefeat.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.LambdaSchedule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.Regularizer;
import org.sparsefeat.net.Scale;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OptionValues;

/**
 * Every option of a two-layer net and its training, in one place: its canonical name (snake_case: the sweep spec's
 * key and the result's JSON key; the CLI's flag is {@code --kebab-case}), its default per {@link Regime}, and its
 * validation (errors name options as {@code {name}}, rendered by the CLI as flags and by the sweep-spec parser as
 * keys). {@link #of} reads options from names to values, {@link #toMap} writes them back.
 *
 * @param initW1 a {@link NetInit.W1} kind, or (train command only) a .npy file
 * @param initW2 a {@link NetInit.W2} kind, or (train command only) a .npy file
 */
public record NetOptions(int h, Scale scale, boolean bias, String initW1, String initW2, double alpha, boolean minusF0,
                         double lr, Regularizer reg, double lambda, LambdaSchedule lambdaSchedule, double lambdaPower,
                         boolean sphereW1, boolean conic, boolean referenceQuirks, double lossStop, long maxSteps,
                         long saveFreq) {

    /**
     * Whose defaults: the train command's plain gradient descent, or a sweep's regime (README, 'sweep and report: learning curves'): feature =
     * the paper's rule (alpha 1, L1 on w2 with lambda 1e-4, w1 on the sphere, w1 unitary, w2 zero, lr 1); lazy =
     * the alpha-trick (alpha 1e3, f0 subtracted, no regulariser, w1 and w2 normal, lr = 1/alpha).
     */
    public enum Regime {
        TRAIN, FEATURE, LAZY;

        public String cliName() { return name().toLowerCase(Locale.ROOT); }

        /** A sweep's regime: feature or lazy. */
        public static Regime sweep(String s) {
            return switch (s) {
                case "feature" -> FEATURE;
                case "lazy" -> LAZY;
                default -> throw new InvalidInputException("{regime} expected feature or lazy, got '" + s + "'");
            };
        }
    }

    /** How an option's value is written. */
    public enum Type { INT, COUNT, NUMBER, FLAG, TEXT }

    /**
     * One option.
     *
     * @param spec        whether sweep specs accept it (the others are the train command's own)
     * @param label       the value's placeholder in help
     * @param description its help, without the default; it names options as {@code {name}}
     */
    public record Key(String name, Type type, boolean spec, String label, String description) {
        /** The CLI's flag. */
        public String flag() { return "--" + name.replace('_', '-'); }
    }

    /** The options, in help order. */
    public static final List<Key> KEYS = List.of(
            new Key("h", Type.INT, true, "H", "Neurons (taken from {init_w1} or {init_w2} when one is a .npy file)."),
            new Key("scale", Type.TEXT, true, "mean-field|ntk",
                    "Output prefactor 1/h (mean-field, the reference's) or 1/sqrt(h)."),
            new Key("bias", Type.FLAG, false, null, "Give each neuron a bias (initialised to 0; unused in the paper)."),
            new Key("init_w1", Type.TEXT, true, "KIND|W1.npy",
                    "normal (iid N(0,1)), unitary (rows on the sphere), fibonacci, or a float64 .npy of shape (h, d)."),
            new Key("init_w2", Type.TEXT, true, "KIND|w2.npy",
                    "normal, zero, one (random +-1), a number s (s N(0,1)), or a .npy of shape (h,)."),
            new Key("alpha", Type.NUMBER, true, "A", "The alpha-trick's scale."),
            new Key("minus_f0", Type.FLAG, true, null,
                    "Predict alpha (f - f0), f0 the frozen initial net (required for alpha > 1)."),
            new Key("lr", Type.NUMBER, true, "LR", "Learning rate; the step is lr*h."),
            new Key("reg", Type.TEXT, true, "none|l1|l2",
                    "Regulariser: l1 = (lambda/h) sum |w1_h||w2_h| (path norm), or (lambda/h) sum |w2_h| with"
                            + " {sphere_w1}; l2 = (lambda/2h) sum p^2."),
            new Key("lambda", Type.NUMBER, true, "L", "Regularisation strength."),
            new Key("lambda_schedule", Type.TEXT, true, "none|pow_law|exp|pl_exp", "lambda(t) at step t, p ="
                    + " {lambda_power}: none lambda; pow_law lambda / (1 + t^p); exp lambda e^{1 - t^p}; pl_exp"
                    + " lambda e^{1 - sqrt(t) / n^0.7} / (1 + t) (docs/method.md, 'The two-layer network')."),
            new Key("lambda_power", Type.NUMBER, true, "P", "The p of pow_law and exp."),
            new Key("sphere_w1", Type.FLAG, true, null, "Keep every row of w1 on the unit sphere."),
            new Key("conic", Type.FLAG, true, null, "Conic gradient descent (Chizat and Bach)."),
            new Key("reference_quirks", Type.FLAG, false, null, "Reproduce the reference's quirks for step-by-step"
                    + " comparison: the step-0 regulariser with lambda = 0.5, conic GD's signed rescaling, the atom-norm"
                    + " indexing."),
            new Key("loss_stop", Type.NUMBER, true, "E", "Stop when the training half MSE falls below this."),
            new Key("max_steps", Type.COUNT, true, "T", "Step limit, e.g. 1e6."),
            new Key("save_freq", Type.COUNT, true, "S", "Checkpoints: log-spaced up to S steps, then every S."));

    public NetOptions {
        if (h < 1) {
            throw new InvalidInputException("{h} must be >= 1, got " + h);
        }
        if (scale == null || reg == null || lambdaSchedule == null || initW1 == null || initW2 == null) {
            throw new IllegalArgumentException("scale, reg, lambda_schedule, init_w1 and init_w2 are required");
        }
        if (!initW1.endsWith(".npy")) {
            NetInit.W1.parse(initW1);
        }
        if (!initW2.endsWith(".npy")) {
            NetInit.W2.parse(initW2);
        }
        new GdRule(alpha, minusF0, lr, reg, lambda, lambdaSchedule, lambdaPower, sphereW1, conic, false,
                referenceQuirks, lossStop);
        new CheckpointSchedule(maxSteps, saveFreq);
    }

    /** The defaults of a regime. */
    public static NetOptions defaults(Regime regime) { return of(Map.of(), regime); }

    /**
     * Options from names to values (numbers, booleans or their text), the others at the regime's defaults. A name
     * not in {@link #KEYS} is refused. Two defaults follow alpha: minus_f0 is on for alpha > 1 in a sweep's
     * regimes, and the lazy regime's lr is 1/alpha.
     */
    public static NetOptions of(Map<String, ?> values, Regime regime) {
        OptionValues r = new OptionValues(values).requireKnown("net", KEYS.stream().map(Key::name).toList());
        boolean feature = regime == Regime.FEATURE, lazy = regime == Regime.LAZY;
        double alpha = r.number("alpha", lazy ? 1e3 : 1);
        Regularizer reg = Regularizer.parse(r.text("reg", feature ? "l1" : "none"));
        double lambda = r.number("lambda", feature && reg != Regularizer.NONE ? 1e-4 : 0);
        LambdaSchedule schedule = LambdaSchedule.parse(r.text("lambda_schedule", "none"));
        NetOptions o = new NetOptions((int) r.count("h", 1000, Integer.MAX_VALUE),
                Scale.parse(r.text("scale", "mean-field")), r.flag("bias", false),
                r.text("init_w1", feature ? "unitary" : "normal"), r.text("init_w2", feature ? "zero" : "normal"),
                alpha, r.flag("minus_f0", lazy || regime != Regime.TRAIN && alpha > 1),
                r.number("lr", lazy ? 1 / alpha : 1), reg, lambda, schedule, r.number("lambda_power", 1),
                r.flag("sphere_w1", feature), r.flag("conic", false), r.flag("reference_quirks", false),
                r.number("loss_stop", 1e-30), r.count("max_steps", 10_000, Long.MAX_VALUE),
                r.count("save_freq", 10_000, Long.MAX_VALUE));
        if (reg == Regularizer.NONE && (lambda != 0 || schedule != LambdaSchedule.NONE)) {
            throw new InvalidInputException((lambda != 0 ? "{lambda} " + lambda : "{lambda_schedule} "
                    + schedule.cliName()) + " has no effect without a regulariser: add {reg} l1 or {reg} l2");
        }
        return o;
    }

    /** The options by name, as {@link #of} reads them and results record them. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("h", h);
        m.put("scale", scale.cliName());
        m.put("bias", bias);
        m.put("init_w1", initW1);
        m.put("init_w2", initW2);
        m.put("alpha", alpha);
        m.put("minus_f0", minusF0);
        m.put("lr", lr);
        m.put("reg", reg.cliName());
        m.put("lambda", lambda);
        m.put("lambda_schedule", lambdaSchedule.cliName());
        m.put("lambda_power", lambdaPower);
        m.put("sphere_w1", sphereW1);
        m.put("conic", conic);
        m.put("reference_quirks", referenceQuirks);
        m.put("loss_stop", lossStop);
        m.put("max_steps", maxSteps);
        m.put("save_freq", saveFreq);
        return m;
    }

    /** The engine's rule; {@code w2StartsAtZero} decides when conic GD may start. */
    public GdRule rule(boolean w2StartsAtZero) {
        return new GdRule(alpha, minusF0, lr, reg, lambda, lambdaSchedule, lambdaPower, sphereW1, conic,
                !w2StartsAtZero, referenceQuirks, lossStop);
    }

    /** w1's kind (not a file). */
    public NetInit.W1 w1Kind() { return NetInit.W1.parse(initW1); }

    /** w2's kind (not a file). */
    public NetInit.W2 w2Kind() { return NetInit.W2.parse(initW2); }

    /** The trainer's options; atom counting is the train command's. */
    public Trainer.Options trainer(boolean atomsEveryCheckpoint, double atomEpsilon) {
        return new Trainer.Options(maxSteps, saveFreq, atomsEveryCheckpoint, atomEpsilon);
    }

    /** The names of the options a sweep spec accepts. */
    public static List<String> specKeys() {
        List<String> out = new ArrayList<>();
        for (Key k : KEYS) {
            if (k.spec()) {
                out.add(k.name());
            }
        }
        return out;
    }
}
