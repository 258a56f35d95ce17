package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.Backends;

class CudaProbeTest {
    @Test
    void withoutAGpuTheProbeSaysWhyInOneLineAndAutoFallsBackToTheCpu() {
        if (CudaBackend.available()) {
            assertEquals("cuda", Backends.open("auto", 1).name());
            return;
        }
        String why = CudaBackend.whyNot();
        assertFalse(why.isEmpty());
        assertFalse(why.contains("\n"), why);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.open("cuda", 1));
        assertTrue(e.getMessage().contains("no usable GPU") && e.getMessage().contains("--backend cpu"), e.getMessage());
        try (Backend b = Backends.open("auto", 1)) {
            assertEquals("cpu", b.name());
        }
    }
}
