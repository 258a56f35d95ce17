package org.sparsefeat.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparsefeat.classify.ImageNetOptions;

/** The image net's cost model, which the sweep's estimate before it starts rests on. */
class CostModelTest {
    private static final ImageNetOptions FEATURE = ImageNetOptions.defaults("feature");

    /**
     * The point it was fitted on: `images classify --dataset mnist --method feature --n 256` took 405 s of flow (25 444
     * trials) on this project's 2-core machine (BENCHMARKS.md, section 4); the model must stay within 25% of it.
     */
    @Test
    void theModelMatchesTheMeasuredFlowAtN256() {
        double model = CostModel.imageNet(256, 784, FEATURE, false, 2);
        assertEquals(405, model, 0.25 * 405, "model " + model + " s");
    }

    @Test
    void aNetCostsAtMostItsWallClockLimitAndItsStepLimit() {
        double big = CostModel.imageNet(10_000, 3072, FEATURE, false, 2);
        assertEquals(FEATURE.maxWall(), big, 0.0, "n = 10 000 on CIFAR-sized images hits max_wall on 2 cores");
        // at n = 1024 a flow of 102 400 trials (under max_wall); with max_steps 100, 104 trials of the same cost
        double uncapped = CostModel.imageNet(1024, 784, FEATURE, false, 2);
        double capped = CostModel.imageNet(1024, 784, ImageNetOptions.of(Map.of("max_steps", 100), "feature"), false, 2);
        assertTrue(uncapped < FEATURE.maxWall(), "under max_wall: " + uncapped);
        assertEquals(100 * (1 + CostModel.REJECTED) / (CostModel.TRIALS_PER_POINT * 1024), capped / uncapped, 1e-12);
    }

    @Test
    void moreCoresAndAGpuAreFasterAndTheCostGrowsWithN() {
        double two = CostModel.imageNet(512, 784, FEATURE, false, 2);
        double sixteen = CostModel.imageNet(512, 784, FEATURE, false, 16);
        double gpu = CostModel.imageNet(512, 784, FEATURE, true, 2);
        assertEquals(8, two / sixteen, 1e-9);
        assertTrue(gpu < two / 20, "a GPU: " + gpu + " s against " + two + " s");
        assertTrue(CostModel.imageNet(1024, 784, FEATURE, false, 2) > 2 * two, "more points, more trials, each dearer");
    }
}
