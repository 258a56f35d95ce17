package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

/**
 * A device whose kernels do nothing (a launch the driver accepted but that never ran, say) must make the GPU
 * training fail with a message, not spin until the device check's deadline.
 */
class CudaNetBatchGuardTest {
    @Test
    @Timeout(60)   // without the guard the loop never ends: fail, don't hang
    void aBatchWhoseStepsNeverAdvanceFailsInsteadOfLooping() {
        assumeTrue(Emulator.available(), Emulator::whyNot);
        try (Device real = Emulator.device(false)) {
            Device idle = (Device) Proxy.newProxyInstance(Device.class.getClassLoader(), new Class<?>[] {Device.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "prepare" -> (Device.Launch) () -> {};
                        case "launch" -> null;
                        default -> {
                            try {
                                yield method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    });
            Matrix x = Points.sample(PointDistribution.SPHERE, 16, 3, 1, Philox.STREAM_TRAIN_POINTS);
            double[] y = new double[16];
            TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.UNITARY, 8, 3, 1), null,
                    NetInit.w2(NetInit.W2.parse("1e-3"), 8, 1), Scale.MEAN_FIELD);
            // the kernels are loaded (and the layout checked, which runs one) on the real device
            try (CudaNetBatch batch = new CudaNetBatch(idle, CudaNetBatch.Kernels.load(real),
                    List.of(new NetProblem(x, y, init, GdRule.featureL1(1, 1e-4))))) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> batch.advance(new long[] {300}, new double[] {Double.NEGATIVE_INFINITY}));
                assertTrue(e.getMessage().contains("no progress"), e.getMessage());
            }
        }
    }
}
