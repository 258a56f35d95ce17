package org.sparsefeat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.LambdaSchedule;
import org.sparsefeat.net.Regularizer;
import org.sparsefeat.net.Scale;
import org.sparsefeat.util.InvalidInputException;

class NetOptionsTest {
    @Test
    void everyRegimesDefaultsRoundTripThroughTheirNames() {
        for (NetOptions.Regime regime : NetOptions.Regime.values()) {
            NetOptions d = NetOptions.defaults(regime);
            Map<String, Object> m = d.toMap();
            assertEquals(NetOptions.KEYS.stream().map(NetOptions.Key::name).toList(), m.keySet().stream().toList(),
                    "toMap writes every option under its name, in the keys' order");
            assertEquals(d, NetOptions.of(m, regime), regime.cliName());
            // written as text (a CLI or YAML user's spelling), the values read back the same
            Map<String, String> text = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> text.put(k, String.valueOf(v)));
            assertEquals(d, NetOptions.of(text, regime), regime.cliName());
        }
    }

    @Test
    void theFeatureRegimeDefaultsToThePapersRule() {
        NetOptions f = NetOptions.defaults(NetOptions.Regime.FEATURE);
        assertEquals("unitary", f.initW1());
        assertEquals("zero", f.initW2());
        GdRule rule = f.rule(true);
        assertEquals(new GdRule(1, false, 1, Regularizer.L1, 1e-4, LambdaSchedule.NONE, 1, true, false, false, false,
                1e-30), rule);
        assertEquals(1000, f.h());
        assertEquals(Scale.MEAN_FIELD, f.scale());
        assertEquals(10_000, f.maxSteps());
    }

    @Test
    void theLazyRegimeDefaultsToTheAlphaTrickWithLrOneOverAlpha() {
        NetOptions l = NetOptions.defaults(NetOptions.Regime.LAZY);
        assertEquals(new GdRule(1e3, true, 1e-3, Regularizer.NONE, 0, LambdaSchedule.NONE, 1, false, false, true, false,
                1e-30), l.rule(false));
        assertEquals("normal", l.initW1());
        assertEquals("normal", l.initW2());
        NetOptions big = NetOptions.of(Map.of("alpha", 1e4), NetOptions.Regime.LAZY);
        assertEquals(1e-4, big.lr());
        // a sweep's feature regime subtracts f0 for alpha > 1; the train command asks for it
        assertTrue(NetOptions.of(Map.of("alpha", 10), NetOptions.Regime.FEATURE).minusF0());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NetOptions.of(Map.of("alpha", 10), NetOptions.Regime.TRAIN));
        assertTrue(e.template().contains("{minus_f0}"), e.template());
    }

    @Test
    void aNameUnknownToTheOptionsIsRefusedNamingIt() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NetOptions.of(Map.of("lamda", 1e-3), NetOptions.Regime.FEATURE));
        assertTrue(e.getMessage().contains("'lamda'") && e.getMessage().contains("lambda_schedule"), e.getMessage());
    }

    @Test
    void validationNamesTheOptionsNeutrally() {
        InvalidInputException noReg = assertThrows(InvalidInputException.class,
                () -> NetOptions.of(Map.of("lambda", 1e-3), NetOptions.Regime.TRAIN));
        assertEquals("{lambda} 0.001 has no effect without a regulariser: add {reg} l1 or {reg} l2", noReg.template());
        assertThrows(InvalidInputException.class, () -> NetOptions.of(Map.of("reg", "none", "lambda", 1e-3),
                NetOptions.Regime.FEATURE));
        // without a regulariser the feature regime's lambda is 0, not a strength that does nothing
        assertEquals(0, NetOptions.of(Map.of("reg", "none"), NetOptions.Regime.FEATURE).lambda());
        assertEquals("{h} must be >= 1, got 0", assertThrows(InvalidInputException.class,
                () -> NetOptions.of(Map.of("h", 0), NetOptions.Regime.FEATURE)).template());
        assertEquals("{lr} expected a number, got 'fast'", assertThrows(InvalidInputException.class,
                () -> NetOptions.of(Map.of("lr", "fast"), NetOptions.Regime.FEATURE)).template());
        assertTrue(assertThrows(InvalidInputException.class, () -> NetOptions.of(Map.of("max_steps", "1.5"),
                NetOptions.Regime.FEATURE)).template().startsWith("{max_steps}"));
        assertTrue(assertThrows(InvalidInputException.class, () -> NetOptions.of(Map.of("init_w1", "gaussian"),
                NetOptions.Regime.FEATURE)).template().startsWith("{init_w1}"));
        assertFalse(NetOptions.of(Map.of("init_w2", "1e-10"), NetOptions.Regime.FEATURE).w2Kind().isZero());
    }
}
