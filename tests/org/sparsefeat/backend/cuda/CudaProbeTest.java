package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.Backends;
import org.sparsefeat.util.InvalidInputException;

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
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Backends.open("cuda", 1));
        String shown = e.render(parameter -> "--" + parameter);  // as the CLI shows it
        assertTrue(shown.contains("no usable GPU") && shown.contains("--backend cpu"), shown);
        try (Backend b = Backends.open("auto", 1)) {
            assertEquals("cpu", b.name());
        }
    }
}
