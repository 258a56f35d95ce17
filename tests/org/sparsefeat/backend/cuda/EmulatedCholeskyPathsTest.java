package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.util.PhaseTimer;

/**
 * The GPU Cholesky's two paths on the emulator, against OpenBLAS: recursive, with diagonal blocks of at most 256
 * in our kernels and cuBLAS's DTRSM and DSYRK between them (the emulator's entry points, through the same FFM
 * binding as on a GPU), and our kernels alone; each with both leaves of cuda/cholesky.cu
 * (-Dsparsefeat.cuda.choleskyLeaf=32, the old 32-column chain, and 64, one launch per 64 x 64 block).
 */
class EmulatedCholeskyPathsTest {
    @BeforeAll
    static void emulator() { assumeTrue(Emulator.available(), Emulator::whyNot); }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bothPathsFactorAsOpenBlasAcrossSeveralPanels(boolean withBlas) {
        int n = 600;  // with cuBLAS: two levels of recursion, diagonal blocks of 160, 160, 160 and 120
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 4, 11, Philox.STREAM_TRAIN_POINTS);
        try (CudaBackend gpu = Emulator.backend(1, withBlas); CpuBackend cpu = new CpuBackend(1)) {
            Matrix k = cpu.gramLower(Kernel.of(KernelType.LAPLACE), x);
            Matrix a = k.copy(), b = k.copy();
            gpu.cholesky(a, 1e-10);
            HostLinalg.cholesky(b, 1e-10);
            a.zeroUpper();
            b.zeroUpper();
            double diff = 0, norm = 0;
            for (int i = 0; i < a.data().length; i++) {
                diff += Math.pow(a.data()[i] - b.data()[i], 2);
                norm += Math.pow(b.data()[i], 2);
            }
            assertTrue(Math.sqrt(diff / norm) < 1e-12, "factor differs from OpenBLAS's by " + Math.sqrt(diff / norm));
            assertTrue(gpu.device().contains(withBlas ? "cuBLAS" : "no cuBLAS"), gpu.device());
        }
    }

    /** The solves in our kernels and through cuBLAS's DTRSV (-Dsparsefeat.cuda.solve=cublas) give OpenBLAS's. */
    @ParameterizedTest
    @ValueSource(strings = {"kernels", "cublas"})
    void bothSolvePathsSolveAsOpenBlas(String path) {
        int n = 150;
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 3, 13, Philox.STREAM_TRAIN_POINTS);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = Math.sin(i);
        }
        String before = System.getProperty("sparsefeat.cuda.solve");
        System.setProperty("sparsefeat.cuda.solve", path);
        try (CudaBackend gpu = Emulator.backend(1, true); CpuBackend cpu = new CpuBackend(1);
             var g = gpu.factorGram(Kernel.of(KernelType.NTK), x, 1e-8, new PhaseTimer());
             var c = cpu.factorGram(Kernel.of(KernelType.NTK), x, 1e-8, new PhaseTimer())) {
            double diff = org.sparsefeat.backend.BackendContract.relativeDifference(g.solve(b), c.solve(b));
            assertTrue(diff < 1e-10, path + ": " + diff);
        } finally {
            if (before == null) {
                System.clearProperty("sparsefeat.cuda.solve");
            } else {
                System.setProperty("sparsefeat.cuda.solve", before);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"32, true", "32, false", "64, true", "64, false"})
    void aFailedPivotInALaterPanelIsReportedWhereOpenBlasReportsIt(int leaf, boolean withBlas) {
        int n = 400;
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 3, 12, Philox.STREAM_TRAIN_POINTS);
        System.arraycopy(x.data(), 10 * 3, x.data(), 300 * 3, 3);  // point 301 repeats point 11: a singular matrix
        withLeaf(leaf, () -> {
            try (CudaBackend gpu = Emulator.backend(1, withBlas); CpuBackend cpu = new CpuBackend(1)) {
                Matrix k = cpu.gramLower(Kernel.of(KernelType.NTK), x);
                var g = assertThrows(NotPositiveDefiniteException.class, () -> gpu.cholesky(k.copy(), 0));
                var c = assertThrows(NotPositiveDefiniteException.class, () -> HostLinalg.cholesky(k.copy(), 0));
                assertEquals(c.pivot(), g.pivot());
                assertTrue(g.pivot() > 224, "in the second diagonal block: " + g.pivot());
            }
        });
    }

    /**
     * LAPACK's test of a factor, ||A - L L^T||_F / (n eps ||A||_F) small, for both leaves with and without cuBLAS,
     * at sizes that leave partial blocks (1, 63, 65, 200 and 300 are no multiple of 64) and cross the recursion;
     * and the factor is OpenBLAS's to rounding.
     */
    @ParameterizedTest
    @CsvSource({"32, true", "32, false", "64, true", "64, false"})
    void bothLeavesFactorAsOpenBlasAtSizesWithPartialBlocks(int leaf, boolean withBlas) {
        withLeaf(leaf, () -> {
            try (CudaBackend gpu = Emulator.backend(1, withBlas); CpuBackend cpu = new CpuBackend(1)) {
                assertTrue(gpu.choleskyPath().startsWith("leaf " + leaf), gpu.choleskyPath());
                for (int n : new int[] {1, 63, 64, 65, 200, 300}) {
                    Matrix x = Points.sample(PointDistribution.SPHERE, n, 4, 20 + n, Philox.STREAM_TRAIN_POINTS);
                    Matrix k = cpu.gramLower(Kernel.of(KernelType.LAPLACE), x);
                    Matrix a = k.copy(), b = k.copy();
                    gpu.cholesky(a, 1e-3);
                    HostLinalg.cholesky(b, 1e-3);
                    a.zeroUpper();
                    b.zeroUpper();
                    double residual = residual(k, 1e-3, a);
                    assertTrue(residual < 10, "leaf " + leaf + ", n = " + n + ": ||A - L L^T|| / (n eps ||A||) = " + residual);
                    double diff = org.sparsefeat.backend.BackendContract.relativeDifference(a.data(), b.data());
                    assertTrue(diff < 1e-12, "leaf " + leaf + ", n = " + n + ": factor differs from OpenBLAS's by " + diff);
                }
            }
        });
    }

    /**
     * A pivot that is exactly non-positive (a negative diagonal entry, in a partial block past the first leaf) is
     * found on the device where LAPACK finds it: info = its index + 1, the first one only. (A NaN entry is not
     * compared: OpenBLAS passes it through and the CPU's verdict then comes from the NaN threshold, at pivot 1.)
     */
    @ParameterizedTest
    @CsvSource({"32, true", "32, false", "64, true", "64, false"})
    void anExactlyNonPositivePivotIsLapacksInfo(int leaf, boolean withBlas) {
        int n = 150;
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 4, 31, Philox.STREAM_TRAIN_POINTS);
        withLeaf(leaf, () -> {
            try (CudaBackend gpu = Emulator.backend(1, withBlas); CpuBackend cpu = new CpuBackend(1)) {
                Matrix k = cpu.gramLower(Kernel.of(KernelType.LAPLACE), x);
                Matrix m = k.copy();
                m.set(130, 130, -1.0);
                m.set(140, 140, -1.0);   // a later failure must not overwrite the first
                var g = assertThrows(NotPositiveDefiniteException.class, () -> gpu.cholesky(m.copy(), 0));
                var c = assertThrows(NotPositiveDefiniteException.class, () -> HostLinalg.cholesky(m.copy(), 0));
                assertEquals(131, c.pivot(), "OpenBLAS's pivot: " + c.getMessage());
                assertEquals(c.pivot(), g.pivot(), "leaf " + leaf + ": " + g.getMessage());
                assertTrue(g.getMessage().contains("leading minor of order 131"), g.getMessage());
            }
        });
    }

    @org.junit.jupiter.api.Test
    void aLeafOtherThan32Or64IsRefusedByName() {
        withLeaf(48, () -> {
            try (CudaBackend gpu = Emulator.backend(1, true)) {
                var e = assertThrows(IllegalArgumentException.class, () -> gpu.cholesky(Matrix.of(new double[][] {{4}}), 0));
                assertTrue(e.getMessage().contains("sparsefeat.cuda.choleskyLeaf must be 32 or 64, got '48'"), e.getMessage());
            }
        });
    }

    @org.junit.jupiter.api.Test
    void aBadBlockIsRefusedByNameBeforeTheMatrixIsTouched() {
        String before = System.getProperty(CudaBackend.CHOLESKY_BLOCK);
        System.setProperty(CudaBackend.CHOLESKY_BLOCK, "big");
        try (CudaBackend gpu = Emulator.backend(1, true)) {
            Matrix m = Matrix.of(new double[][] {{4}});
            var e = assertThrows(IllegalArgumentException.class, () -> gpu.cholesky(m, 1));
            assertTrue(e.getMessage().contains("sparsefeat.cuda.choleskyBlock must be a positive number of rows or 'all', got 'big'"),
                    e.getMessage());
            assertEquals(4, m.get(0, 0));
        } finally {
            if (before == null) {
                System.clearProperty(CudaBackend.CHOLESKY_BLOCK);
            } else {
                System.setProperty(CudaBackend.CHOLESKY_BLOCK, before);
            }
        }
    }

    /** ||A + ridge I - L L^T||_F / (n eps ||A + ridge I||_F), A and L lower (A's upper triangle ignored). */
    private static double residual(Matrix a, double ridge, Matrix l) {
        int n = a.rows();
        double diff = 0, norm = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int p = 0; p <= j; p++) {
                    s += l.get(i, p) * l.get(j, p);
                }
                double aij = a.get(i, j) + (i == j ? ridge : 0);
                double w = i == j ? 1 : 2;   // the upper triangle mirrors the lower
                diff += w * (aij - s) * (aij - s);
                norm += w * aij * aij;
            }
        }
        return Math.sqrt(diff / norm) / (n * Math.ulp(1.0));
    }

    private static void withLeaf(int leaf, Runnable body) {
        String before = System.getProperty(CudaBackend.CHOLESKY_LEAF);
        System.setProperty(CudaBackend.CHOLESKY_LEAF, Integer.toString(leaf));
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(CudaBackend.CHOLESKY_LEAF);
            } else {
                System.setProperty(CudaBackend.CHOLESKY_LEAF, before);
            }
        }
    }
}
