package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.sparsefeat.backend.Backend;

/** The parity suite on a real GPU; skipped without one. */
class GpuCudaParityTest extends CudaParity {
    @Override
    protected Backend open() {
        assumeTrue(CudaBackend.available(), () -> "no usable GPU: " + CudaBackend.whyNot());
        return new CudaBackend(2);
    }
}
