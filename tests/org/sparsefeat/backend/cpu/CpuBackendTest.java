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

    /** A prediction's bits depend neither on the thread count nor on how the caller splits the points into blocks. */
    @Test
    void gramTimesDoesNotDependOnThreadsOrBlocks() {
        Matrix x = Points.sample(PointDistribution.SPHERE, 777, 5, 6, Philox.STREAM_TEST_POINTS);
        Matrix y = Points.sample(PointDistribution.SPHERE, 1500, 5, 7, Philox.STREAM_TRAIN_POINTS);
        double[] c = new double[y.rows()];
        for (int j = 0; j < c.length; j++) {
            c[j] = Math.sin(j);
        }
        Kernel k = Kernel.of(KernelType.NTK);
        try (CpuBackend one = new CpuBackend(1); CpuBackend three = new CpuBackend(3)) {
            double[] f = one.gramTimes(k, x, y, c);
            assertArrayEquals(f, three.gramTimes(k, x, y, c));
            double[] tail = three.gramTimes(k, x.rowRange(101, 777), y, c);
            assertArrayEquals(java.util.Arrays.copyOfRange(f, 101, 777), tail);
        }
    }

    /**
     * Prediction is matrix-free: K(X, C) c of 2048 points against 4096 centres allocates a small fraction of the
     * 64 MiB that the block of K would take (one thread, so that all of its work runs on the thread measured).
     */
    @Test
    void gramTimesStoresNoBlockOfTheGram() {
        Matrix x = Points.sample(PointDistribution.SPHERE, 2048, 3, 8, Philox.STREAM_TEST_POINTS);
        Matrix y = Points.sample(PointDistribution.SPHERE, 4096, 3, 9, Philox.STREAM_TRAIN_POINTS);
        double[] c = new double[y.rows()];
        java.util.Arrays.fill(c, 1.0);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (CpuBackend one = new CpuBackend(1)) {
            one.gramTimes(Kernel.of(KernelType.LAPLACE), x, y, c);  // binds the native call first
            long before = threads.getCurrentThreadAllocatedBytes();
            one.gramTimes(Kernel.of(KernelType.LAPLACE), x, y, c);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            long blockOfK = 8L * x.rows() * y.rows();
            assertTrue(allocated < blockOfK / 32, "allocated " + allocated + " bytes for a " + blockOfK + "-byte K");
        }
    }

    /** A tile written where it lies in native memory has the bits of the heap Gram; a diagonal one is symmetric. */
    @Test
    void gramIntoNativeMemoryIsTheHeapGram() {
        Matrix x = Points.sample(PointDistribution.GAUSSIAN, 70, 5, 6, Philox.STREAM_TEST_POINTS);
        Matrix y = Points.sample(PointDistribution.GAUSSIAN, 2100, 5, 7, Philox.STREAM_TRAIN_POINTS);
        Kernel k = Kernel.of(KernelType.NTK);
        try (CpuBackend b = new CpuBackend(2); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            var out = arena.allocate(8L * x.rows() * y.rows());
            b.gramInto(k, x, y, out);
            assertArrayEquals(b.gram(k, x, y).data(), out.toArray(java.lang.foreign.ValueLayout.JAVA_DOUBLE));
            var diag = arena.allocate(8L * x.rows() * x.rows());
            b.gramInto(k, x, x, diag);
            Matrix lower = b.gramLower(k, x);
            lower.mirrorLowerToUpper();
            assertArrayEquals(lower.data(), diag.toArray(java.lang.foreign.ValueLayout.JAVA_DOUBLE));
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
