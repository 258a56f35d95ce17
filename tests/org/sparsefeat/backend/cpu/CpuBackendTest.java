package org.sparsefeat.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
import org.sparsefeat.linalg.Matrix;

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
}
