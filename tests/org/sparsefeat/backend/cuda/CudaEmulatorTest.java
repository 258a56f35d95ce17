package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator finds the mistakes the README says it finds, with the deliberately wrong kernels of
 * cuda/emu/selftest.cu: otherwise the CUDA backend's emulated tests would prove less than they claim.
 */
class CudaEmulatorTest {
    private Device dev;

    @BeforeEach
    void open() {
        assumeTrue(Emulator.available(), Emulator::whyNot);
        dev = Emulator.device(false);
    }

    @AfterEach
    void close() {
        if (dev != null) {
            dev.close();
        }
    }

    private double[] run(String kernel, int blocks, int threads, KernelArgs args, DeviceArray out) {
        dev.launch(dev.kernel("selftest", kernel), Device.Dim.of(blocks), new Device.Dim(threads, 1, 1), args);
        return out.download();
    }

    @Test
    void aMissingBarrierGivesWrongResults() {
        try (DeviceArray out = DeviceArray.allocate(dev, "out", 64)) {
            double[] synced = run("sf_selftest_reverse", 1, 64, KernelArgs.of().i32(1).f64(0).ptr(out), out);
            for (int t = 0; t < 64; t++) {
                assertTrue(synced[t] == 63 - t, "with the barrier: out[" + t + "] = " + synced[t]);
            }
            // without it, a thread that runs before its partner reads the previous launch's value
            double[] racy = run("sf_selftest_reverse", 1, 64, KernelArgs.of().i32(0).f64(100).ptr(out), out);
            long wrong = java.util.stream.IntStream.range(0, 64).filter(t -> racy[t] != 163 - t).count();
            assertTrue(wrong > 0, "the missing barrier went unseen");
        }
    }

    @Test
    void barriersOnDifferentLinesAreRefused() {
        try (DeviceArray out = DeviceArray.allocate(dev, "out", 32)) {
            var e = assertThrows(IllegalStateException.class, () -> run("sf_selftest_divergent", 1, 32,
                    KernelArgs.of().ptr(out), out));
            assertTrue(e.getMessage().contains("barriers on different lines"), e.getMessage());
        }
    }

    @Test
    void blocksThatDependOnEachOthersWritesGiveWrongResults() {
        try (DeviceArray out = DeviceArray.allocate(dev, "out", 64)) {
            double[] v = run("sf_selftest_chain", 64, 32, KernelArgs.of().ptr(out), out);
            double[] inOrder = new double[64];
            for (int b = 0; b < 64; b++) {
                inOrder[b] = b;
            }
            assertFalse(Arrays.equals(inOrder, v), "blocks ran in order: the dependency went unseen");
        }
    }

    @Test
    void launchesBeyondCudasLimitsAndUnknownKernelsAreRefused() {
        try (DeviceArray out = DeviceArray.allocate(dev, "out", 64)) {
            var big = assertThrows(IllegalStateException.class, () -> dev.launch(dev.kernel("selftest", "sf_selftest_chain"),
                    Device.Dim.of(1), new Device.Dim(2048, 1, 1), KernelArgs.of().ptr(out)));
            assertTrue(big.getMessage().contains("not a valid CUDA block"), big.getMessage());
            // the driver's lookup already refuses it, as a GPU's would for a kernel missing from the fat binary
            var unknown = assertThrows(IllegalStateException.class, () -> dev.kernel("x", "sf_no_such"));
            assertTrue(unknown.getMessage().contains("cuModuleGetFunction(sf_no_such) failed: named symbol not found"),
                    unknown.getMessage());
        }
    }

    @Test
    void theGdDescriptorHasTheSameLayoutInJavaAndInCuda() {
        // cuda/gd.cu as the emulator's g++ compiled it against libsparsefeat's table (gcc), entry by entry; Java
        // writes the struct at the library's offsets (GdNetLayoutTest checks those field by field)
        var host = java.util.List.copyOf(org.sparsefeat.backend.cpu.NativeLayout.table().entrySet());
        long[] device = CudaNetBatch.Kernels.deviceLayout(dev, dev.kernel("gd", "sf_layout_values"), host.size());
        for (int i = 0; i < host.size(); i++) {
            assertEquals(host.get(i).getValue(), device[i], host.get(i).getKey());
        }
        assertEquals(Emulator.sizeofGdNet(), CudaNetBatch.DESCRIPTOR_BYTES, "sizeof(struct sf_gd_net)");
    }

    @Test
    void memoryNeverWrittenReadsAsNan() {
        try (DeviceArray a = DeviceArray.allocate(dev, "fresh", 10)) {
            for (double v : a.download()) {
                assertTrue(Double.isNaN(v), "fresh memory should read NaN, got " + v);
            }
        }
    }
}
