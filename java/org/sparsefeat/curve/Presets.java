package org.sparsefeat.curve;

import java.util.List;
import java.util.Locale;
import org.sparsefeat.util.InvalidInputException;

/**
 * The paper's figures as sweeps (docs/method.md, 'The paper's figures'), at the paper's sizes (for a GPU, or a long CPU
 * run) and at a small scale that finishes in minutes on a 2-core CPU. A figure whose panels use different targets is
 * several sweeps. Each preset is YAML, written into the sweep directory as its spec.
 */
public final class Presets {
    public static final List<String> NAMES = List.of("fig4", "figG1", "figG3", "fig1", "fig6", "demo");

    private Presets() {}

    /** The sweeps (YAML texts) of a preset at scale "paper" or "small". */
    public static List<String> get(String name, String scale) {
        boolean small = switch (scale.toLowerCase(Locale.ROOT)) {
            case "small" -> true;
            case "paper" -> false;
            default -> throw new InvalidInputException("{scale} '" + scale + "' is unknown; expected paper or small");
        };
        return switch (name) {
            case "fig4" -> List.of(small ? FIG4_SMALL : FIG4);
            case "figG1" -> small ? List.of(G1_A1_SMALL, G1_A4_SMALL) : List.of(G1_A1, G1_A4, G1_A6);
            case "figG3" -> List.of(small ? G3_SMALL : G3);
            case "fig1" -> List.of(small ? FIG1_SMALL : FIG1);
            case "fig6" -> List.of(small ? FIG6_SMALL : FIG6);
            case "demo" -> List.of(DEMO_CONSTANT, DEMO_TEACHER);
            default -> throw new InvalidInputException("unknown preset '" + name + "'; expected one of "
                    + String.join(", ", NAMES));
        };
    }

    /** Fig 4: the constant target, feature-regime nets with a small L1 against NTK regression. */
    static final String FIG4 = """
            name: fig4
            # docs/method.md, "The paper's figures": nets with h = 1e4, L1 on w2, w1 on the sphere, lr 1; lambda and
            # steps depend on d
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, label: net-feature-d2, d: [2], regime: feature, h: 10000, lambda: 1.0e-6, max_steps: 1.0e7,
                 init_w2: "1e-10", conic: true, save_freq: 10000}
              - {kind: net, label: net-feature-d3, d: [3], regime: feature, h: 10000, lambda: 1.0e-5, max_steps: 1.0e6,
                 save_freq: 10000}
              - {kind: net, label: net-feature-d5, d: [5], regime: feature, h: 10000, lambda: 1.0e-4, max_steps: 1.0e5,
                 save_freq: 10000}
            d: [2, 3, 5]
            n: [8, 16, 32, 64, 128, 256, 512, 1024]
            seeds: [0, 1, 2, 3, 4]
            n_test: 10000
            target: {kind: constant}
            """;

    static final String FIG4_SMALL = """
            name: fig4-small
            # Fig 4 at a size for a 2-core CPU: h = 1000 and 20x to 50x fewer steps; the paper's settings otherwise
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, label: net-feature-d3, d: [3], regime: feature, h: 1000, lambda: 1.0e-5, max_steps: 20000}
              - {kind: net, label: net-feature-d5, d: [5], regime: feature, h: 1000, lambda: 1.0e-4, max_steps: 5000}
            d: [3, 5]
            n: [16, 32, 64, 128, 256]
            seeds: [0, 1, 2]
            n_test: 2000
            target: {kind: constant}
            """;

    /** G.1, a = 1: a rough teacher, where feature and lazy learning share the exponent 0.75 at d = 5. */
    static final String G1_A1 = """
            name: figG1-a1
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, regime: feature, h: 10000, lambda: 1.0e-5, lr: 0.1, max_steps: 1.0e7, save_freq: 10000,
                 n: [8, 16, 32, 64, 128, 256, 512, 1024]}
            d: [5]
            n: [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]
            seeds: [0, 1, 2, 3, 4, 5]
            n_test: 10000
            target: {kind: teacher, act: abs, power: 1, width: 1.0e7}
            """;

    static final String G1_A4 = """
            name: figG1-a4
            methods:
              - {kind: net, regime: feature, h: 10000, lambda: 1.0e-5, lr: 0.3, max_steps: 1.0e7, save_freq: 10000}
            d: [5]
            n: [8, 16, 32, 64, 128, 256, 512, 1024]
            seeds: [0, 1, 2, 3, 4, 5]
            n_test: 10000
            target: {kind: teacher, act: abs, power: 4, width: 1.0e7}
            """;

    static final String G1_A6 = """
            name: figG1-a6
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
            d: [5]
            n: [8, 16, 32, 128, 256, 512, 1024, 2048, 4096, 8192]
            seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
            n_test: 10000
            target: {kind: teacher, act: abs, power: 6, width: 1.0e7}
            """;

    static final String G1_A1_SMALL = """
            name: figG1-a1-small
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, regime: feature, h: 1000, lambda: 1.0e-5, lr: 0.1, max_steps: 20000, n: [16, 32, 64, 128, 256]}
            d: [5]
            n: [16, 32, 64, 128, 256, 512, 1024, 2048]
            seeds: [0, 1, 2]
            n_test: 2000
            target: {kind: teacher, act: abs, power: 1, width: 1.0e6}
            """;

    static final String G1_A4_SMALL = """
            name: figG1-a4-small
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, regime: feature, h: 1000, lambda: 1.0e-5, lr: 0.3, max_steps: 20000, n: [16, 32, 64, 128, 256]}
            d: [5]
            n: [16, 32, 64, 128, 256, 512, 1024, 2048]
            seeds: [0, 1, 2]
            n_test: 2000
            target: {kind: teacher, act: abs, power: 4, width: 1.0e6}
            """;

    /** G.3: the feature regime by the alpha-trick alone (alpha -> 0, no L1), default initialisation. */
    static final String G3 = """
            name: figG3
            methods:
              - {kind: net, label: net-alpha-d2, d: [2], regime: feature, alpha: 1.0e-6, reg: none, sphere_w1: false,
                 init_w1: normal, init_w2: normal, h: 10000, max_steps: 1.0e7, save_freq: 10000}
              - {kind: net, label: net-alpha-d3, d: [3], regime: feature, alpha: 1.0e-25, reg: none, sphere_w1: false,
                 init_w1: normal, init_w2: normal, h: 10000, max_steps: 1.0e7, save_freq: 10000}
              - {kind: net, label: net-alpha-d5, d: [5], regime: feature, alpha: 1.0e-50, reg: none, sphere_w1: false,
                 init_w1: normal, init_w2: normal, h: 10000, max_steps: 1.0e6, save_freq: 10000}
            d: [2, 3, 5]
            n: [8, 16, 32, 64, 128, 256, 512, 1024]
            seeds: [0, 1, 2, 3, 4]
            n_test: 8192
            target: {kind: constant}
            """;

    static final String G3_SMALL = """
            name: figG3-small
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, label: net-alpha-d3, regime: feature, alpha: 1.0e-6, reg: none, sphere_w1: false,
                 init_w1: normal, init_w2: normal, h: 1000, max_steps: 20000}
            d: [3]
            n: [16, 32, 64, 128, 256]
            seeds: [0, 1, 2]
            n_test: 2000
            target: {kind: constant}
            """;

    /**
     * Fig 1: parity of MNIST, Fashion-MNIST and CIFAR-10 images, the feature-regime net against its kernel
     * counterpart, the hard-margin SVM on the NTK (docs/method.md, 'Image experiments'). LIBSVM holds the Gram as
     * objects, so the SVM stops at n = 5000 here. Needs the data sets installed (sparsefeat datasets install ...).
     */
    static final String FIG1 = """
            name: fig1
            methods:
              - {kind: net, regime: feature, h: 1000, alpha: 1.0e-6}
              - {kind: svm, kernel: ntk, c: 1.0e20, n: [32, 64, 128, 256, 512, 1250, 2500, 5000]}
            datasets: [mnist, fashion, cifar10]
            n: [32, 64, 128, 256, 512, 1250, 2500, 5000, 10000]
            seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
            n_test: 5000
            """;

    static final String FIG1_SMALL = """
            name: fig1-small
            # narrower nets (h = 100) and at most 10 000 accepted flow steps: about ten minutes on 2 cores
            methods:
              - {kind: net, regime: feature, h: 100, alpha: 1.0e-6, max_steps: 10000}
              - {kind: svm, kernel: ntk, c: 1.0e20}
            datasets: [mnist, fashion]
            n: [64, 128, 256]
            seeds: [0, 1]
            n_test: 2000
            """;

    /** Fig 6: relative stability to deformations R_f of the feature-regime net, its lazy twin and the SVM. */
    static final String FIG6 = """
            name: fig6
            methods:
              - {kind: net, regime: feature, h: 1000, alpha: 1.0e-6}
              - {kind: net, regime: lazy, h: 1000, alpha: 1.0e4}
              - {kind: svm, kernel: ntk, c: 1.0e20}
            datasets: [mnist, fashion, cifar10]
            n: [1024]
            seeds: [0, 1, 2, 3, 4]
            n_test: 5000
            stability: {images: 500, delta: 1, cutoff: 3}
            """;

    static final String FIG6_SMALL = """
            name: fig6-small
            methods:
              - {kind: net, regime: feature, h: 100, alpha: 1.0e-6, max_steps: 10000}
              - {kind: net, regime: lazy, h: 100, alpha: 1.0e4, max_steps: 3000}
              - {kind: svm, kernel: ntk, c: 1.0e20}
            datasets: [mnist]
            n: [256]
            seeds: [0, 1]
            n_test: 2000
            stability: {images: 300, delta: 1, cutoff: 3}
            """;

    /**
     * The README's main job: kernels against a feature-regime net, on a smooth and on a rough target. Kernel
     * regression costs milliseconds, so the kernels run to n = 1024, past the pre-asymptotic range where their
     * slopes still drift (over n <= 256 the NTK on the constant target measures 3.7 against 3); the nets stop
     * at n = 256 (constant) and n = 128 (teacher), the most the demo's budget trains (see DEMO_TEACHER).
     */
    static final String DEMO_CONSTANT = """
            name: demo-constant
            # the net: the paper's Fig-4 rule at d = 3 (lambda 1e-5, lr 1) with h = 500 and 2e4 steps
            methods:
              - {kind: krr, kernel: ntk, ridge: 0, n: [16, 32, 64, 128, 256, 512, 1024]}
              - {kind: krr, kernel: rfk1, ridge: 0, n: [16, 32, 64, 128, 256, 512, 1024]}
              - {kind: net, regime: feature, h: 500, lambda: 1.0e-5, max_steps: 20000, n: [16, 32, 64, 128, 256]}
            d: [3]
            n: [16, 32, 64, 128, 256, 512, 1024]
            seeds: [0, 1, 2]
            n_test: 1000
            target: {kind: constant}
            """;

    /**
     * The rough target. The net uses lr 0.3 (the paper's G.1 uses 0.1 for a = 1): at lr 1 the step lr h outgrows
     * the landscape once the weights condense (a neuron's first-layer speed grows with |w2_h|), and the training
     * loss rises and oscillates after ~1e4 steps; at 0.3 it falls over the run for most seeds. 2e5 steps at n <= 128
     * (about 25 s on 2 cores) still leave 0.1 - 0.5% of the target's power unfitted at n >= 32: the net has fewer
     * atoms than points there and grows them slowly (the paper runs 1e7 steps), so the report flags those runs
     * "not fitted" (train.TrainingHealth) rather than hiding it.
     */
    static final String DEMO_TEACHER = """
            name: demo-teacher
            # the net: lr 0.3, not 1: at lr 1 its training loss rises and oscillates after ~1e4 steps (README, demo)
            methods:
              - {kind: krr, kernel: ntk, ridge: 0, n: [16, 32, 64, 128, 256, 512, 1024]}
              - {kind: krr, kernel: rfk1, ridge: 0, n: [16, 32, 64, 128, 256, 512, 1024]}
              - {kind: net, regime: feature, h: 500, lambda: 1.0e-5, lr: 0.3, max_steps: 200000, n: [8, 16, 32, 64, 128]}
            d: [3]
            n: [8, 16, 32, 64, 128, 256, 512, 1024]
            seeds: [0, 1, 2]
            n_test: 1000
            target: {kind: teacher, act: abs, power: 1, width: 1.0e5}
            """;
}
