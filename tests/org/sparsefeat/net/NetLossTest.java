package org.sparsefeat.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Java side of the per-step rule, by hand (docs/method.md, 'The two-layer network'). */
class NetLossTest {
    @Test
    void predictorIsAlphaTimesOutputsMinusInitialOnes() {
        assertArrayEquals(new double[] {20, -10}, NetLoss.predictor(10, new double[] {3, 1}, new double[] {1, 2}));
        assertArrayEquals(new double[] {0.5, -1}, NetLoss.predictor(0.5, new double[] {1, -2}, null));
        assertThrows(IllegalArgumentException.class, () -> NetLoss.predictor(1, new double[2], new double[3]));
    }

    @Test
    void halfMseIsOneOverTwoNOfTheSquaredErrors() {
        // errors 1, -2, 3: (1 + 4 + 9) / 6
        assertEquals(14.0 / 6, NetLoss.halfMse(new double[] {1, 0, 3}, new double[] {0, 2, 0}), 0);
    }

    @Test
    void stopsOnNanTheFloorOrTheTarget() {
        assertTrue(NetLoss.stops(Double.NaN, 0, Double.NEGATIVE_INFINITY));
        assertTrue(NetLoss.stops(1e-31, 1e-30, Double.NEGATIVE_INFINITY));
        assertFalse(NetLoss.stops(1e-30, 1e-30, Double.NEGATIVE_INFINITY), "the floor is strict");
        assertTrue(NetLoss.stops(0.25, 1e-30, 0.25), "the target is not");
        assertFalse(NetLoss.stops(0.26, 1e-30, 0.25));
    }
}
