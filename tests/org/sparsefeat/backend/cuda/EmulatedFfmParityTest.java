package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.sparsefeat.backend.Backend;

/**
 * The parity suite through the FFM binding of the driver API (the fallback for a driver JCuda cannot load),
 * bound to the emulator's driver entry points.
 */
class EmulatedFfmParityTest extends CudaParity {
    @Override
    protected Backend open() {
        assumeTrue(CudaBackend.emulatorAvailable(), EmulatedDevice::whyNot);
        return CudaBackend.emulatedThroughFfm(2);
    }
}
