package org.sparsefeat.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.net.Regularizer;
import org.sparsefeat.train.NetOptions;

class SpecParserTest {
    /** The example of the issue, as written. */
    static final String EXAMPLE = """
            name: ntk-constant-d3
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, regime: feature, h: 1000, reg: l1, lambda: 1.0e-4, sphere_w1: true, max_steps: 100000}
            d: [3]
            n: [64, 128, 256, 512, 1024]
            seeds: [0, 1, 2, 3]
            n_test: 4000
            target: {kind: constant}          # or {kind: teacher, act: abs, power: 1, width: 1.0e7}
            """;

    @Test
    void theIssuesExampleParses() {
        SweepSpec s = SpecParser.parse(EXAMPLE, "example.yaml");
        assertEquals("ntk-constant-d3", s.name());
        assertEquals(2, s.methods().size());
        MethodSpec.Krr krr = (MethodSpec.Krr) s.methods().get(0);
        assertEquals(KernelType.NTK, krr.kernel().type());
        MethodSpec.Net net = (MethodSpec.Net) s.methods().get(1);
        assertEquals(1000, net.h());
        assertEquals(Regularizer.L1, net.rule().reg());
        assertEquals(1e-4, net.rule().lambda());
        assertTrue(net.rule().sphereW1());
        assertEquals(100_000, net.maxSteps());
        assertEquals(2 * 5 * 4, s.grid().size());
        assertEquals(4000, s.nTest());
        assertTrue(s.target() instanceof Target.Constant);
        SweepSpec teacher = SpecParser.parse(EXAMPLE.replace("target: {kind: constant}",
                "target: {kind: teacher, act: abs, power: 1, width: 1.0e7}"), "t.yaml");
        assertEquals(10_000_000L, ((Target.Teacher) teacher.target()).width());
    }

    @Test
    void methodsMayRunOnPartOfTheGrid() {
        SweepSpec s = SpecParser.parse(EXAMPLE.replace("{kind: krr, kernel: ntk, ridge: 0}",
                "{kind: krr, kernel: ntk, ridge: 0, n: [64, 128]}"), "x.yaml");
        assertEquals(2 * 4 + 5 * 4, s.grid().size());
    }

    @Test
    void everyPresetParses() {
        for (String p : Presets.NAMES) {
            for (String scale : new String[] {"paper", "small"}) {
                for (String yaml : Presets.get(p, scale)) {
                    assertTrue(SpecParser.parse(yaml, p).grid().size() > 0, p);
                }
            }
        }
    }

    private static void assertError(String yaml, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecParser.parse(yaml, "s.yaml"));
        assertTrue(e.getMessage().startsWith("s.yaml: "), e.getMessage());
        assertFalse(e.getMessage().contains("--"), "a spec's error names its keys, not CLI flags: " + e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void badSpecsNameTheFileAndTheKey() {
        assertError(EXAMPLE.replace("n_test: 4000", "n_tests: 4000"), "unknown key 'n_tests'");
        assertError(EXAMPLE.replace("kernel: ntk", "kernal: ntk"), "methods[0]", "unknown key 'kernal'");
        assertError(EXAMPLE.replace("lambda: 1.0e-4", "lambda: small"), "methods[1].lambda", "expected a number");
        assertError(EXAMPLE.replace("sphere_w1: true", "sphere_w1: 1"), "methods[1].sphere_w1", "true or false");
        assertError(EXAMPLE.replace("d: [3]", "d: []"), "d: the grid is empty");
        assertError(EXAMPLE.replace("d: [3]", "d: [1]"), "d[0]", "d >= 2");
        assertError(EXAMPLE.replace("seeds: [0, 1, 2, 3]", "seeds: [0, 1, 1]"), "seeds[2]", "appears twice");
        assertError(EXAMPLE.replace("n: [64, 128, 256, 512, 1024]", "n: 64"), "n: expected a list");
        assertError(EXAMPLE.replace("kind: krr, kernel: ntk", "kind: krr, kernel: rbf"), "methods[0].kernel",
                "unknown kernel 'rbf'");
        assertError(EXAMPLE.replace("kind: krr,", "kind: lasso,"), "methods[0].kind", "expected krr, net or sparse");
        assertError(EXAMPLE.replace("kind: krr,", "kind: svm,"), "methods[0].kind", "svm is a method of image sweeps");
        assertError(EXAMPLE.replace("regime: feature", "regime: feature, alpha: 100, minus_f0: false"), "methods[1].alpha 100.0 > 1",
                "needs methods[1].minus_f0");
        assertError(EXAMPLE.replace("{kind: krr, kernel: ntk, ridge: 0}", "{kind: krr, kernel: ntk, ridge: 0, d: [5]}"),
                "methods[0].d", "not in the sweep's d");
        assertError(EXAMPLE.replace("{kind: krr, kernel: ntk, ridge: 0}",
                "{kind: krr, kernel: ntk, ridge: 0}\n  - {kind: krr, kernel: ntk, ridge: 1}"), "methods[1]",
                "label 'krr-ntk' is used by another method");
        assertError(EXAMPLE.replace("target: {kind: constant}", "target: {kind: teacher, power: -1}"), "target.power must be");
        assertError(EXAMPLE.replace("lambda: 1.0e-4", "lambda: -1"), "s.yaml: methods[1].lambda must be a finite number >= 0");
        assertError(EXAMPLE.replace("regime: feature", "regime: feature, lr: 0"), "s.yaml: methods[1].lr must be");
        assertError(EXAMPLE.replace("regime: feature", "regime: feature, scale: big"), "s.yaml: methods[1].scale 'big' is"
                + " unknown");
        assertError(EXAMPLE.replace("target: {kind: constant}", "target: {kind: grf, jitter: -1}"), "target.jitter must be");
        assertError(EXAMPLE.replace("target: {kind: constant}", "target: {kind: constant, value: NaN}"),
                "target.value of a constant target must be finite");
        assertError(EXAMPLE.replace("methods:", "methods: []\nx:"), "unknown key 'x'");
        assertError("name: [unclosed", "not valid YAML");
        assertError(EXAMPLE.replace("name: ntk-constant-d3", "name: 'a b'"), "name", "expected a name");
    }

    @Test
    void aNetTakesEveryOptionOfItsRecordUnderItsName() {
        // every option a spec accepts, written under its record name with the feature regime's defaults, given to
        // a lazy net: the net is the feature regime's, so each key reached its option
        NetOptions feature = NetOptions.defaults(NetOptions.Regime.FEATURE);
        StringBuilder net = new StringBuilder("{kind: net, regime: lazy");
        feature.toMap().forEach((k, v) -> {
            if (NetOptions.specKeys().contains(k)) {
                net.append(", ").append(k).append(": ").append(v);
            }
        });
        SweepSpec s = SpecParser.parse(EXAMPLE.replace(
                "{kind: net, regime: feature, h: 1000, reg: l1, lambda: 1.0e-4, sphere_w1: true, max_steps: 100000}",
                net + "}"), "all.yaml");
        assertEquals(feature, ((MethodSpec.Net) s.methods().get(1)).options());
        assertEquals(NetOptions.defaults(NetOptions.Regime.LAZY), ((MethodSpec.Net) SpecParser.parse(EXAMPLE.replace(
                "{kind: net, regime: feature, h: 1000, reg: l1, lambda: 1.0e-4, sphere_w1: true, max_steps: 100000}",
                "{kind: net, regime: lazy}"), "lazy.yaml").methods().get(1)).options());
        // keys unknown to the record, or the train command's own, are refused by name
        assertError(EXAMPLE.replace("regime: feature", "regime: feature, lamda: 1"), "methods[1]",
                "unknown key 'lamda'");
        assertError(EXAMPLE.replace("regime: feature", "regime: feature, bias: true"), "methods[1]",
                "unknown key 'bias'");
        assertError(EXAMPLE.replace("h: 1000", "h: 0"), "methods[1].h must be >= 1");
        assertError(EXAMPLE.replace("regime: feature", "regime: feature, init_w1: W1.npy"),
                "methods[1].init_w1 'W1.npy'");
    }

    @Test
    void aKernelMethodTakesTheKeysOfItsRecord() {
        org.sparsefeat.krr.KrrOptions laplace = org.sparsefeat.krr.KrrOptions.of(java.util.Map.of("kernel", "laplace",
                "kernel_param", 0.5, "ridge", 1e-3));
        StringBuilder krr = new StringBuilder("{kind: krr");
        laplace.toMap().forEach((k, v) -> krr.append(", ").append(k).append(": ").append(v));
        SweepSpec s = SpecParser.parse(EXAMPLE.replace("{kind: krr, kernel: ntk, ridge: 0}", krr + "}"), "k.yaml");
        MethodSpec.Krr m = (MethodSpec.Krr) s.methods().getFirst();
        assertEquals(laplace, new org.sparsefeat.krr.KrrOptions(m.kernel(), m.ridge()));
        assertError(EXAMPLE.replace("ridge: 0", "ridge: -1"), "s.yaml: methods[0].ridge must be a finite number >= 0");
    }
}
