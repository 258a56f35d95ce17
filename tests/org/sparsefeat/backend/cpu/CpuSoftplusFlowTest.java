package org.sparsefeat.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.linalg.Matrix;

/** The image net's gradient flow on the CPU: its gradients against finite differences, its trial and accept. */
class CpuSoftplusFlowTest {
    private static CpuBackend cpu;

    @BeforeAll
    static void open() { cpu = new CpuBackend(2); }

    @AfterAll
    static void close() { cpu.close(); }

    private static double[] params(int h, int dim, long seed) {
        return Points.sample(PointDistribution.GAUSSIAN, 1, h * dim + h, seed, Philox.STREAM_TRAIN_POINTS).data();
    }

    /** dF/dparams of F = sum_i g_i f(x_i), against central finite differences. */
    @Test
    void theNetsGradientMatchesFiniteDifferences() {
        Matrix x = Points.sample(PointDistribution.SPHERE, 7, 12, 3, Philox.STREAM_TRAIN_POINTS);
        int h = 5;
        double[] g = {0.3, -1, 0.5, 2, -0.7, 0.1, 1.1};
        double[] p = params(h, 12, 1);
        double[] grad = CpuSoftplusFlow.gradient(p, h, x, CpuSoftplusFlow.forward(cpu, p, h, 5, 1.4, x), g);
        double worst = 0;
        for (int q = 0; q < p.length; q += 3) {
            double keep = p[q];
            p[q] = keep + 1e-6;
            double up = dot(g, CpuSoftplusFlow.forward(cpu, p, h, 5, 1.4, x).f());
            p[q] = keep - 1e-6;
            double down = dot(g, CpuSoftplusFlow.forward(cpu, p, h, 5, 1.4, x).f());
            p[q] = keep;
            worst = Math.max(worst, Math.abs((up - down) / 2e-6 - grad[q]));
        }
        assertTrue(worst < 1e-8, "largest error " + worst);
    }

    /**
     * Along the flow: a trial at dt lowers the loss by about dt |grad|^2 (the loss's first order), it is not the current
     * point until accepted, and the outputs moved (dout) and the gradient turned (dgrad) by amounts that shrink with dt.
     */
    @Test
    void aTrialFollowsTheGradientAndBecomesCurrentWhenAccepted() {
        Matrix x = Points.sample(PointDistribution.SPHERE, 20, 6, 4, Philox.STREAM_TRAIN_POINTS);
        double[] y = new double[20];
        for (int i = 0; i < y.length; i++) {
            y[i] = x.get(i, 0) > 0 ? 1 : -1;
        }
        int h = 8;
        SoftplusFlow.Problem problem = new SoftplusFlow.Problem(params(h, 6, 2), h, 5, 1.4, x, y, x, 1, 20);
        try (SoftplusFlow flow = cpu.softplusFlow(problem)) {
            SoftplusFlow.Point start = flow.current();
            assertEquals(0, start.dout(), 0.0);
            assertEquals(0, start.minMargin(), 0.0, "f = f0 at the start");
            double[] grad = flow.gradient();
            double norm2 = dot(grad, grad);
            double dt = 1e-4;
            SoftplusFlow.Point t = flow.trial(dt);
            assertEquals(-dt * norm2, t.loss() - start.loss(), 1e-3 * dt * norm2, "first order");
            assertEquals(start, flow.current(), "a trial is not the current point");
            SoftplusFlow.Point small = flow.trial(dt / 10);
            assertTrue(small.dout() < t.dout() && small.dgrad() < t.dgrad(), small + " against " + t);
            flow.accept();
            assertEquals(small, flow.current());
            double[] p = flow.params();
            double[] p0 = problem.params();
            for (int q = 0; q < p.length; q++) {
                assertEquals(p0[q] - dt / 10 * grad[q], p[q], 1e-15 * (1 + Math.abs(p0[q])));
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
