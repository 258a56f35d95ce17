package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.sparsefeat.backend.Backend;

/** The parity suite on the CPU emulator of the kernels. */
class EmulatedCudaParityTest extends CudaParity {
    @Override
    protected Backend open() {
        assumeTrue(CudaBackend.emulatorAvailable(), EmulatedDevice::whyNot);
        return CudaBackend.emulated(2, true);
    }
}
