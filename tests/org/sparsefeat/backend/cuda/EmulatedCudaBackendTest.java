package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.BackendContract;

/**
 * The CUDA backend's kernels and driver code on the CPU emulator (cuda/emu): the same contract as the CPU
 * backend, so that machines without a GPU still check what the GPU will run.
 */
class EmulatedCudaBackendTest extends BackendContract {
    @Override
    protected Backend open() {
        assumeTrue(Emulator.available(), Emulator::whyNot);
        return Emulator.backend(2, true);
    }
}
