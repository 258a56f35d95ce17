package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.BackendContract;

/**
 * The CUDA backend passes the same contract as the CPU backend; without a usable GPU every test of the
 * contract is skipped by an assumption (CudaProbeTest checks the probe itself).
 */
class CudaBackendTest extends BackendContract {
    @Override
    protected Backend open() {
        assumeTrue(CudaBackend.available(), () -> "no usable GPU: " + CudaBackend.whyNot());
        return new CudaBackend(2);
    }
}
