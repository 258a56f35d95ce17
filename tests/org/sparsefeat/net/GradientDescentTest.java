package org.sparsefeat.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.linalg.Matrix;

/** The native gradient-descent step against the plain Java model (ReferenceNet) and by hand. */
class GradientDescentTest {
    private static Backend backend;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    static Matrix points(int n, int d, long seed) {
        return Points.sample(PointDistribution.SPHERE, n, d, seed, Philox.STREAM_TRAIN_POINTS);
    }

    static double[] targets(Matrix x) {
        double[] y = new double[x.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.sin(3 * x.get(i, 0)) + x.get(i, 1);
        }
        return y;
    }

    static TwoLayerNet net(int h, int d, boolean bias, Scale scale, long seed) {
        Matrix w1 = NetInit.w1(NetInit.W1.NORMAL, h, d, seed);
        double[] w2 = NetInit.w2(NetInit.W2.parse("normal"), h, seed);
        double[] b = null;
        if (bias) {
            b = NetInit.w2(NetInit.W2.parse("0.3"), h, seed + 1);
        }
        return new TwoLayerNet(w1, b, w2, scale);
    }

    static TwoLayerNet normalisedRows(TwoLayerNet net) {
        Matrix w1 = net.w1().copy();
        double[] nr = w1.rowNorms();
        for (int j = 0; j < w1.rows(); j++) {
            for (int k = 0; k < w1.cols(); k++) {
                w1.set(j, k, w1.get(j, k) / nr[j]);
            }
        }
        return new TwoLayerNet(w1, net.b(), net.w2(), net.scale());
    }

    /** One native step with the given rule. */
    static TwoLayerNet step(TwoLayerNet init, Matrix x, double[] y, GdRule rule, int steps) {
        try (NetBatch batch = backend.openNets(List.of(new NetProblem(x, y, init, rule)))) {
            batch.advance(new long[] {steps}, new double[] {Double.NEGATIVE_INFINITY});
            return batch.weights(0);
        }
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("none", Regularizer.NONE, false, false, false, 1.0, false),
                Arguments.of("l2", Regularizer.L2, false, false, false, 1.0, false),
                Arguments.of("l2 bias ntk-scale", Regularizer.L2, false, false, true, 1.0, true),
                Arguments.of("l1 path norm", Regularizer.L1, false, false, false, 1.0, false),
                Arguments.of("l1 path norm, bias", Regularizer.L1, false, false, true, 1.0, false),
                Arguments.of("l1 sphere", Regularizer.L1, true, false, false, 1.0, false),
                Arguments.of("l1 sphere, bias", Regularizer.L1, true, false, true, 1.0, false),
                Arguments.of("alpha 100, f0 subtracted", Regularizer.NONE, false, false, false, 100.0, false),
                Arguments.of("conic, l1", Regularizer.L1, false, true, false, 1.0, false),
                Arguments.of("conic, sphere, l1", Regularizer.L1, true, true, false, 1.0, false));
    }

    /**
     * The step is p - eta g with g the gradient of the loss, after the conic rescaling and the tangent
     * projection. Recover g from a step with a tiny eta and compare with finite differences of ReferenceNet.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void stepFollowsTheGradientOfTheLoss(String name, Regularizer reg, boolean sphere, boolean conic, boolean bias,
                                         double alpha, boolean ntkScale) {
        int h = 7, d = 3;
        Matrix x = points(9, d, 1);
        double[] y = targets(x);
        TwoLayerNet init = net(h, d, bias, ntkScale ? Scale.NTK : Scale.MEAN_FIELD, 3);
        if (sphere) {
            init = normalisedRows(init);
        }
        double lr = 1e-9, eta = lr * h;
        GdRule rule = new GdRule(alpha, alpha > 1, lr, reg, 0.05, LambdaSchedule.NONE, 1, sphere, conic, true, false, 0);
        TwoLayerNet after = step(init, x, y, rule, 1);
        double[] p0 = ReferenceNet.flatten(init), p1 = ReferenceNet.flatten(after);
        double[] f0 = alpha > 1 ? ReferenceNet.outputs(init, x) : null;
        double[] g = ReferenceNet.numericalGradient(init, x, y, f0, rule, 1e-6);
        double[] expected = transform(g, init, sphere, conic);
        double[] measured = new double[p0.length];
        for (int q = 0; q < p0.length; q++) {
            measured[q] = (p0[q] - p1[q]) / eta;
        }
        double num = 0, den = 0;
        for (int q = 0; q < p0.length; q++) {
            num += (measured[q] - expected[q]) * (measured[q] - expected[q]);
            den += expected[q] * expected[q];
        }
        assertTrue(den > 0);
        assertTrue(Math.sqrt(num / den) < 1e-5, name + ": relative error " + Math.sqrt(num / den));
    }

    static Stream<Arguments> scheduledRules() {
        return Stream.of(
                Arguments.of("pow_law p 1.5 at step 7, l2", LambdaSchedule.POW_LAW, 1.5, 7, false, Regularizer.L2, false, false),
                Arguments.of("exp p 0.5 at step 3, l1 path norm", LambdaSchedule.EXP, 0.5, 3, false, Regularizer.L1, false,
                        false),
                Arguments.of("pl_exp at step 40, l1 sphere", LambdaSchedule.PL_EXP, 1.0, 40, false, Regularizer.L1, true,
                        false),
                Arguments.of("pl_exp at step 0, l2", LambdaSchedule.PL_EXP, 1.0, 0, false, Regularizer.L2, false, false),
                Arguments.of("quirks at step 0: lambda 0.5", LambdaSchedule.NONE, 1.0, 0, true, Regularizer.L2, false, false),
                Arguments.of("quirks at step 4: the rule's lambda", LambdaSchedule.POW_LAW, 1.0, 4, true, Regularizer.L2,
                        false, false),
                Arguments.of("quirks, conic at step 7: signed division", LambdaSchedule.NONE, 1.0, 7, true, Regularizer.L1, false, true),
                Arguments.of("conic, not yet at step 3", LambdaSchedule.NONE, 1.0, 3, false, Regularizer.L1, false, true),
                Arguments.of("conic, active at step 6", LambdaSchedule.EXP, 0.3, 6, false, Regularizer.L1, false, true));
    }

    /**
     * A step taken at step t (the net restored there) against ReferenceNet's lambda(t), conic switch and quirks: the
     * schedules and the quirks come from the document in ReferenceNet, not from sf_net.h, so this is their oracle.
     * The regulariser the batch reports at step t is checked too. Conic cases leave conicFromStart off, so the step
     * number decides.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scheduledRules")
    void scheduledAndQuirkyStepsFollowTheReference(String name, LambdaSchedule schedule, double power, int start,
                                                   boolean quirks, Regularizer reg, boolean sphere, boolean conic) {
        int h = 7, d = 3, n = 9;
        Matrix x = points(n, d, 1);
        double[] y = targets(x);
        TwoLayerNet init = net(h, d, false, Scale.MEAN_FIELD, 3);
        if (sphere) {
            init = normalisedRows(init);
        }
        double lr = 1e-9, eta = lr * h;
        GdRule rule = new GdRule(1, false, lr, reg, 0.4, schedule, power, sphere, conic, false, quirks, 0);
        double lambda = ReferenceNet.lambdaAt(rule, start, n);
        TwoLayerNet after;
        try (NetBatch batch = backend.openNets(List.of(new NetProblem(x, y, init, rule)))) {
            batch.restore(List.of(init), new long[] {start}, new double[] {0});
            assertEquals(ReferenceNet.regularizer(init, rule, lambda), batch.regularizer(0),
                    1e-13 * Math.max(1, Math.abs(batch.regularizer(0))), name + ": R(w) at step " + start);
            batch.advance(new long[] {1}, new double[] {Double.NEGATIVE_INFINITY});
            after = batch.weights(0);
        }
        double[] p0 = ReferenceNet.flatten(init), p1 = ReferenceNet.flatten(after);
        double[] g = ReferenceNet.numericalGradient(init, x, y, null, rule, lambda, 1e-6);
        double[] expected = transform(g, init, sphere, ReferenceNet.conicAt(rule, start), quirks);
        double num = 0, den = 0;
        for (int q = 0; q < p0.length; q++) {
            double measured = (p0[q] - p1[q]) / eta;
            num += (measured - expected[q]) * (measured - expected[q]);
            den += expected[q] * expected[q];
        }
        assertTrue(den > 0);
        assertTrue(Math.sqrt(num / den) < 1e-5, name + ": relative error " + Math.sqrt(num / den));
    }

    /**
     * What the step does to the gradient: conic rescaling (first layer divided by |w2|, w2's gradient multiplied by
     * |w2|), then the sphere's tangent projection.
     */
    private static double[] transform(double[] g, TwoLayerNet net, boolean sphere, boolean conic) {
        return transform(g, net, sphere, conic, false);
    }

    /** The same; signed divides and multiplies by w2 instead of |w2| (the reference's quirk). */
    private static double[] transform(double[] g, TwoLayerNet net, boolean sphere, boolean conic, boolean signed) {
        int h = net.h(), d = net.d(), off = h * d + (net.hasBias() ? h : 0);
        double[] t = g.clone();
        for (int j = 0; j < h; j++) {
            double w2 = net.w2()[j];
            if (conic) {
                double q = signed ? w2 : Math.abs(w2);
                for (int k = 0; k < d; k++) {
                    t[j * d + k] /= q;
                }
                if (net.hasBias()) {
                    t[h * d + j] /= q;
                }
                t[off + j] *= q;
            }
            if (sphere) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += t[j * d + k] * net.w1().get(j, k);
                }
                for (int k = 0; k < d; k++) {
                    t[j * d + k] -= dot * net.w1().get(j, k);
                }
            }
        }
        return t;
    }

    /** The per-neuron form of docs/method.md, 'Training by gradient descent', by hand for a 2-neuron net on 2 points. */
    @Test
    void oneStepOfTheFeatureRuleByHand() {
        Matrix x = Matrix.of(new double[][] {{1, 0}, {0.6, 0.8}});
        double[] y = {1, -0.5};
        Matrix w1 = Matrix.of(new double[][] {{0.8, 0.6}, {0, -1}});
        double[] w2 = {0.5, -2};
        TwoLayerNet init = new TwoLayerNet(w1, null, w2, Scale.MEAN_FIELD);
        double lr = 0.1, lambda = 0.01;
        TwoLayerNet after = step(init, x, y, GdRule.featureL1(lr, lambda), 1);
        // z = w1 x: neuron 0: (0.8, 0.96); neuron 1: (0, -0.8) -> only neuron 0 is active
        // f = (1/2) sum_h w2_h relu(z): f = (0.2, 0.24); r = (f - y)/n = (-0.4, 0.37)
        double r0 = (0.2 - 1) / 2, r1 = (0.24 + 0.5) / 2;
        double dw2a = -lr * (r0 * 0.8 + r1 * 0.96 + lambda);       // sign(0.5) = +1
        double dw2b = -lr * (0 + lambda * -1);                      // inactive, sign(-2) = -1
        double[] g = {0.5 * (r0 * 1 + r1 * 0.6), 0.5 * (r0 * 0 + r1 * 0.8)};  // w2_h sum_i r_i 1{z>0} x_i
        double dot = g[0] * 0.8 + g[1] * 0.6;
        double[] t = {g[0] - dot * 0.8, g[1] - dot * 0.6};
        double[] w1a = {0.8 - lr * t[0], 0.6 - lr * t[1]};
        double na = Math.hypot(w1a[0], w1a[1]);
        assertArrayEquals(new double[] {0.5 + dw2a, -2 + dw2b}, after.w2(), 1e-15);
        assertArrayEquals(new double[] {w1a[0] / na, w1a[1] / na, 0, -1}, after.w1().data(), 1e-15);
    }

    @Test
    void batchedNetsEqualNetsTrainedOneByOneBitForBit() {
        List<NetProblem> problems = List.of(
                new NetProblem(points(37, 3, 1), targets(points(37, 3, 1)), net(600, 3, false, Scale.MEAN_FIELD, 1),
                        GdRule.featureL1(0.5, 1e-3)),
                new NetProblem(points(64, 3, 2), targets(points(64, 3, 2)), net(300, 3, true, Scale.NTK, 2),
                        new GdRule(10, true, 0.05, Regularizer.L2, 1e-3, LambdaSchedule.NONE, 1, false, false, true, false, 0)),
                new NetProblem(points(5, 3, 3), targets(points(5, 3, 3)), net(1000, 3, false, Scale.MEAN_FIELD, 3),
                        new GdRule(1, false, 0.2, Regularizer.L1, 1e-3, LambdaSchedule.POW_LAW, 0.5, false, true, true,
                                false, 0)));
        long[] steps = {40, 40, 40};
        double[] never = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int threads : new int[] {1, 2, 5}) {  // 5 threads > 3 nets: the per-step block-parallel path
            try (CpuBackend b = new CpuBackend(threads); NetBatch all = b.openNets(problems)) {
                all.advance(steps, never);
                for (int k = 0; k < problems.size(); k++) {
                    try (NetBatch one = backend.openNets(List.of(problems.get(k)))) {
                        one.advance(new long[] {40}, new double[] {Double.NEGATIVE_INFINITY});
                        TwoLayerNet a = all.weights(k), s = one.weights(0);
                        assertArrayEquals(s.w1().data(), a.w1().data(), "w1 of net " + k + ", threads " + threads);
                        assertArrayEquals(s.w2(), a.w2(), "w2 of net " + k + ", threads " + threads);
                        assertEquals(one.trainHalfMse(0), all.trainHalfMse(k), 0.0);
                    }
                }
            }
        }
    }

    /** The AVX2 and AVX-512 builds of the step differ only in the order of their final lane sums. */
    @Test
    void bothInstructionSetsTakeTheSameSteps() {
        Matrix x = points(77, 5, 8);
        double[] y = targets(x);
        TwoLayerNet init = normalisedRows(net(700, 5, false, Scale.MEAN_FIELD, 8));
        GdRule rule = GdRule.featureL1(1, 1e-4);
        try {
            assertEquals(3, CpuBackend.selectInstructionSet(3));
            TwoLayerNet avx2 = step(init, x, y, rule, 100);
            int wide = CpuBackend.selectInstructionSet(4);
            TwoLayerNet other = step(init, x, y, rule, 100);
            assertArrayEquals(avx2.w2(), other.w2(), 1e-12 * java.util.Arrays.stream(avx2.w2()).map(Math::abs).max()
                    .orElseThrow(), "ISA " + wide);
            assertArrayEquals(avx2.w1().data(), other.w1().data(), 1e-12);
        } finally {
            CpuBackend.selectInstructionSet(0);
        }
    }

    @Test
    void theSphereConstraintKeepsUnitRows() {
        Matrix x = points(30, 4, 5);
        TwoLayerNet init = normalisedRows(net(200, 4, false, Scale.MEAN_FIELD, 5));
        TwoLayerNet after = step(init, x, targets(x), GdRule.featureL1(1, 1e-3), 500);
        for (double nr : after.w1().rowNorms()) {
            assertEquals(1.0, nr, 1e-14);
        }
    }

    @Test
    void trainingLowersTheLossAndOutputsMatchTheReferenceForward() {
        Matrix x = points(40, 3, 6);
        double[] y = targets(x);
        TwoLayerNet init = net(300, 3, true, Scale.MEAN_FIELD, 6);
        GdRule rule = new GdRule(1, false, 1, Regularizer.NONE, 0, LambdaSchedule.NONE, 1, false, false, true, false, 0);
        try (NetBatch b = backend.openNets(List.of(new NetProblem(x, y, init, rule)))) {
            double before = b.trainHalfMse(0);
            b.advance(new long[] {200}, new double[] {Double.NEGATIVE_INFINITY});
            assertTrue(b.trainHalfMse(0) < before / 4, before + " -> " + b.trainHalfMse(0));
            TwoLayerNet w = b.weights(0);
            double[] ref = ReferenceNet.outputs(w, x);
            assertArrayEquals(ref, backend.netOutputs(w, x), 1e-13);
            assertEquals(ReferenceNet.loss(w, x, y, null, rule), b.trainHalfMse(0), 1e-14);
        }
    }

    @Test
    void rulesRejectBadValues() {
        assertThrows(IllegalArgumentException.class,
                () -> new GdRule(10, false, 1, Regularizer.NONE, 0, LambdaSchedule.NONE, 1, false, false, true, false, 0));
        assertThrows(IllegalArgumentException.class, () -> GdRule.featureL1(0, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> GdRule.featureL1(1, -1));
        assertThrows(IllegalArgumentException.class, () -> new TwoLayerNet(Matrix.zeros(0, 3), null, new double[0],
                Scale.MEAN_FIELD));
    }
}
