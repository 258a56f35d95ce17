package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.BackendContract;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.Matrix;

/** Prediction on the device is matrix-free: no device allocation anywhere near a block of K(test, train). */
class EmulatedPredictionMemoryTest {
    @Test
    void gramTimesAllocatesNoBlockOfTheGramOnTheDevice() {
        assumeTrue(Emulator.available(), Emulator::whyNot);
        Device emulated = Emulator.device(true);
        AtomicLong largest = new AtomicLong();
        Device recording = (Device) Proxy.newProxyInstance(Device.class.getClassLoader(), new Class<?>[] {Device.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("allocate")) {
                        largest.accumulateAndGet((Long) args[1], Math::max);
                    }
                    try {
                        return method.invoke(emulated, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Matrix x = Points.sample(PointDistribution.SPHERE, 300, 3, 1, Philox.STREAM_TEST_POINTS);
        Matrix y = Points.sample(PointDistribution.SPHERE, 1000, 3, 2, Philox.STREAM_TRAIN_POINTS);
        double[] c = new double[y.rows()];
        for (int j = 0; j < c.length; j++) {
            c[j] = Math.cos(j);
        }
        Kernel k = Kernel.of(KernelType.NTK);
        double[] f;
        try (CudaBackend cuda = new CudaBackend(recording, 1)) {
            f = cuda.gramTimes(k, x, y, c);
        }
        long blockOfK = 8L * x.rows() * y.rows();
        assertTrue(largest.get() < blockOfK / 8, "largest device allocation " + largest.get() + " bytes for a "
                + blockOfK + "-byte K");
        try (CpuBackend cpu = new CpuBackend(1)) {
            double diff = BackendContract.relativeDifference(f, cpu.gramTimes(k, x, y, c));
            assertTrue(diff < 1e-12, "against the CPU: " + diff);
        }
    }
}
