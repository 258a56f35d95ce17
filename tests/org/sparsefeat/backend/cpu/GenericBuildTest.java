package org.sparsefeat.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

/**
 * The baseline x86-64 build of the native loops (SPARSEFEAT_ISA=generic, the slow path benchmarks/guard.sh forces
 * in its self-test) computes what the AVX2 build computes: only the speed may differ. No FMA and other lane sums,
 * so agreement to rounding, not bits.
 */
class GenericBuildTest {
    private static final Matrix X = Points.sample(PointDistribution.SPHERE, 37, 5, 3, Philox.STREAM_TRAIN_POINTS);
    private static final Matrix Y = Points.sample(PointDistribution.SPHERE, 29, 5, 3, Philox.STREAM_TEST_POINTS);

    /** What {@code run} gives on the generic build and on the AVX2 build, in that order. */
    private static double[][] onBothBuilds(Supplier<double[]> run) {
        try {
            assertEquals(1, CpuBackend.selectInstructionSet(1));
            double[] generic = run.get();
            assertEquals(3, CpuBackend.selectInstructionSet(3));
            return new double[][] {generic, run.get()};
        } finally {
            CpuBackend.selectInstructionSet(0);
        }
    }

    private static void assertClose(double[][] pair, double relative) {
        double scale = 0;
        for (double v : pair[1]) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, "a non-zero result to compare");
        assertArrayEquals(pair[1], pair[0], relative * scale);
    }

    @Test
    void gramAndTeacherAgreeWithTheAvx2Build() {
        try (CpuBackend backend = new CpuBackend(1)) {
            for (KernelType type : List.of(KernelType.NTK, KernelType.LAPLACE)) {
                Kernel kernel = Kernel.of(type);
                assertClose(onBothBuilds(() -> backend.gram(kernel, Y, X).data()), 1e-13);
            }
            TeacherField field = new TeacherField(5, TeacherActivation.ABS, 1, 1000);
            assertClose(onBothBuilds(() -> backend.teacher(X, field)), 1e-13);
        }
    }

    @Test
    void gradientDescentStepsAgreeWithTheAvx2Build() {
        TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, 300, 5, 1), null,
                NetInit.w2(NetInit.W2.parse("1e-3"), 300, 1), Scale.MEAN_FIELD);
        double[] y = new double[X.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.abs(X.get(i, 0)) - 0.5;
        }
        try (CpuBackend backend = new CpuBackend(1)) {
            double[][] w2 = onBothBuilds(() -> {
                try (NetBatch batch = backend.openNets(List.of(new NetProblem(X, y, init, GdRule.featureL1(1, 1e-4))))) {
                    batch.advance(new long[] {50}, new double[] {Double.NEGATIVE_INFINITY});
                    return batch.weights(0).w2();
                }
            });
            assertClose(w2, 1e-10);
        }
    }
}
