package org.sparsefeat.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.BackendContract;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.backend.Backends;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NativeThreads;

class CpuBackendTest extends BackendContract {
    @Override
    protected Backend open() { return new CpuBackend(2); }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Matrix x = Points.sample(PointDistribution.SPHERE, 500, 5, 4, Philox.STREAM_TRAIN_POINTS);
        TeacherField f = new TeacherField(1, TeacherActivation.ABS, 1, 30_000);
        try (CpuBackend one = new CpuBackend(1); CpuBackend three = new CpuBackend(3)) {
            assertArrayEquals(one.teacher(x, f), three.teacher(x, f));
            Kernel k = Kernel.of(KernelType.NTK);
            assertArrayEquals(one.gramLower(k, x).data(), three.gramLower(k, x).data());
        }
    }

    /** OpenBLAS's count is the process's: a backend's own count must not change it, whatever order they come in. */
    @Test
    void constructingBackendsLeavesOpenBlasThreadsAlone() {
        int before = NativeThreads.openBlasThreads();
        Matrix x = Points.sample(PointDistribution.SPHERE, 300, 60, 8, Philox.STREAM_TRAIN_POINTS);  // d >= 48: GEMM
        Kernel k = Kernel.of(KernelType.LAPLACE);
        try (CpuBackend one = new CpuBackend(1)) {
            double[] alone = one.gram(k, x, x).data();
            try (CpuBackend three = new CpuBackend(3)) {
                assertEquals(before, NativeThreads.openBlasThreads(), "after new CpuBackend(3)");
                assertEquals(1, one.threads());
                assertEquals(3, three.threads());
                assertArrayEquals(alone, one.gram(k, x, x).data(), "the first backend after the second opened");
                assertTrue(three.device().contains("3 threads, OpenBLAS (" + before + ")"), three.device());
            }
        }
        assertEquals(before, NativeThreads.openBlasThreads(), "after both closed");
    }

    /** The process-level entry sets the count, once: again with the same count it is a no-op. */
    @Test
    void theProcessSetsOpenBlasThreadsExplicitly() {
        int before = NativeThreads.openBlasThreads();
        int other = before == 1 ? 2 : 1;
        try (Backend b = Backends.open("cpu", other)) {
            assertEquals(other, NativeThreads.openBlasThreads());
            NativeThreads.setOpenBlasThreads(other);
            assertEquals(other, NativeThreads.openBlasThreads());
        } finally {
            NativeThreads.setOpenBlasThreads(before);
        }
        assertEquals(before, NativeThreads.openBlasThreads());
    }
}
