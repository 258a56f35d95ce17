package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.util.PhaseTimer;

/**
 * The GPU Cholesky's two paths on the emulator, against OpenBLAS: recursive, with diagonal blocks of at most 256
 * in our kernels and cuBLAS's DTRSM and DSYRK between them (the emulator's entry points, through the same FFM
 * binding as on a GPU), and our kernels alone.
 */
class EmulatedCholeskyPathsTest {
    @BeforeAll
    static void emulator() { assumeTrue(CudaBackend.emulatorAvailable(), EmulatedDevice::whyNot); }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bothPathsFactorAsOpenBlasAcrossSeveralPanels(boolean withBlas) {
        int n = 600;  // with cuBLAS: two levels of recursion, diagonal blocks of 160, 160, 160 and 120
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 4, 11, Philox.STREAM_TRAIN_POINTS);
        try (CudaBackend gpu = CudaBackend.emulated(1, withBlas); CpuBackend cpu = new CpuBackend(1)) {
            Matrix k = cpu.gramLower(Kernel.of(KernelType.LAPLACE), x);
            Matrix a = k.copy(), b = k.copy();
            gpu.cholesky(a, 1e-10);
            cpu.cholesky(b, 1e-10);
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
        try (CudaBackend gpu = CudaBackend.emulated(1, true); CpuBackend cpu = new CpuBackend(1);
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
    @ValueSource(booleans = {true, false})
    void aFailedPivotInALaterPanelIsReportedWhereOpenBlasReportsIt(boolean withBlas) {
        int n = 400;
        Matrix x = Points.sample(PointDistribution.SPHERE, n, 3, 12, Philox.STREAM_TRAIN_POINTS);
        System.arraycopy(x.data(), 10 * 3, x.data(), 300 * 3, 3);  // point 301 repeats point 11: a singular matrix
        try (CudaBackend gpu = CudaBackend.emulated(1, withBlas); CpuBackend cpu = new CpuBackend(1)) {
            Matrix k = cpu.gramLower(Kernel.of(KernelType.NTK), x);
            var g = assertThrows(NotPositiveDefiniteException.class, () -> gpu.cholesky(k.copy(), 0));
            var c = assertThrows(NotPositiveDefiniteException.class, () -> cpu.cholesky(k.copy(), 0));
            assertEquals(c.pivot(), g.pivot());
            assertTrue(g.pivot() > 224, "in the second diagonal block: " + g.pivot());
        }
    }
}
