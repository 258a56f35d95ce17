package org.sparsefeat.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.linalg.Matrix;

/**
 * Conic gradient descent on the README's Fig 4 example at d = 2 (constant target, w2 from 1e-10 N(0, 1), L1 at
 * lambda 1e-6, w1 on the sphere, lr 1), at h = 1000 instead of 10000: the rescaling must make every neuron descend,
 * whatever the sign of its w2 (docs/method.md, 'One step').
 */
class ConicGradientDescentTest {
    private static Backend backend;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    private static Dataset readmeData() {
        return Datasets.generate(new DataSpec(PointDistribution.SPHERE, 2, 64, 10, new Target.Constant(1), 0), backend);
    }

    private static TwoLayerNet readmeNet(int h) {
        return new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, h, 2, 0), null,
                NetInit.w2(NetInit.W2.parse("1e-10"), h, 0), Scale.MEAN_FIELD);
    }

    private static GdRule readmeRule() {
        return new GdRule(1, false, 1, Regularizer.L1, 1e-6, LambdaSchedule.NONE, 1, true, true, true, false, 1e-30);
    }

    /**
     * The training loss of the first 1e4 steps, read every 10 steps, never rises above 1.1 times its minimum so far
     * (the training-health rule's factor). The signed rescaling of w2's gradient made the neurons with w2 < 0 climb
     * the loss: the fit stalled near 1e-4 and the loss rose (here by more than 1.1x at step 440; NaN at h = 10000).
     */
    @Test
    void theReadmeExampleAtDimensionTwoNeverRises() {
        Dataset ds = readmeData();
        double min = Double.POSITIVE_INFINITY;
        NetProblem problem = new NetProblem(ds.xTrain(), ds.yTrain(), readmeNet(1000), readmeRule());
        try (NetBatch batch = backend.openNets(List.of(problem))) {
            for (int chunk = 0; chunk < 1000; chunk++) {
                batch.advance(new long[] {10}, new double[] {Double.NEGATIVE_INFINITY});
                double loss = batch.trainHalfMse(0);
                assertTrue(loss <= 1.1 * min,
                        "step " + batch.step(0) + ": loss " + loss + " above 1.1 x its minimum " + min);
                min = Math.min(min, loss);
            }
            assertEquals(10_000, batch.step(0));
        }
        assertTrue(min < 1e-4, "fitted: half MSE " + min);
    }

    /**
     * Every neuron descends: with the initial w2 of both signs, the first conic step lowers the loss to first order
     * (the change of every parameter has a non-positive dot product with its gradient), the neurons with w2 < 0
     * included. Under --reference-quirks the neurons with w2 < 0 climb instead (the reference's signed rescaling).
     */
    @Test
    void theConicStepDescendsForBothSignsOfW2AndTheQuirkClimbsForNegativeOnes() {
        Matrix x = GradientDescentTest.points(9, 3, 1);
        double[] y = new double[9];
        Arrays.fill(y, 1);
        TwoLayerNet init =
                GradientDescentTest.normalisedRows(GradientDescentTest.net(6, 3, false, Scale.MEAN_FIELD, 3));
        double[] w2 = init.w2();
        assertTrue(Arrays.stream(w2).anyMatch(v -> v < 0) && Arrays.stream(w2).anyMatch(v -> v > 0));
        for (boolean quirks : new boolean[] {false, true}) {
            GdRule rule = new GdRule(1, false, 1e-6, Regularizer.L1, 0.05, LambdaSchedule.NONE, 1, true, true, true,
                    quirks, 0);
            TwoLayerNet after;
            try (NetBatch batch = backend.openNets(List.of(new NetProblem(x, y, init, rule)))) {
                batch.advance(new long[] {1}, new double[] {Double.NEGATIVE_INFINITY});
                after = batch.weights(0);
            }
            double[] g = ReferenceNet.numericalGradient(init, x, y, null, rule, quirks ? 0.5 : 0.05, 1e-7);
            double[] p0 = ReferenceNet.flatten(init), p1 = ReferenceNet.flatten(after);
            int h = init.h(), d = init.d();
            for (int j = 0; j < h; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += (p1[j * d + k] - p0[j * d + k]) * g[j * d + k];
                }
                dot += (p1[h * d + j] - p0[h * d + j]) * g[h * d + j];
                boolean climbs = quirks && w2[j] < 0;
                assertTrue(climbs ? dot > 0 : dot < 0, (quirks ? "quirks" : "conic") + ", neuron " + j + " (w2 " + w2[j]
                        + "): the step's change dotted with the gradient is " + dot);
            }
        }
    }
}
