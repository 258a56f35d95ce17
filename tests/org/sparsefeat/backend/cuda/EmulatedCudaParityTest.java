package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.sparsefeat.backend.Backend;

/**
 * The parity suite on the CPU emulator of the kernels, through the FFM binding of the driver API (the fallback
 * for a driver JCuda cannot load), bound to the emulator's driver entry points.
 */
class EmulatedCudaParityTest extends CudaParity {
    @Override
    protected Backend open() {
        assumeTrue(Emulator.available(), Emulator::whyNot);
        return Emulator.backend(2, true);
    }
}
