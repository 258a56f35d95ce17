package org.sparsefeat.krr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.util.InvalidInputException;

class KrrOptionsTest {
    @Test
    void defaultsAreRidgelessNtkAndRoundTripThroughTheirNames() {
        KrrOptions d = KrrOptions.defaults();
        assertEquals(KernelType.NTK, d.kernel().type());
        assertEquals(0, d.ridge());
        assertEquals(KrrOptions.NAMES, d.toMap().keySet().stream().toList());
        assertEquals(d, KrrOptions.of(d.toMap()));
        KrrOptions laplace = KrrOptions.of(Map.of("kernel", "laplace", "kernel_param", "0.001", "ridge", 1e-6));
        assertEquals(0.001, laplace.kernel().param());
        assertEquals(laplace, KrrOptions.of(laplace.toMap()));
    }

    @Test
    void errorsNameTheOption() {
        assertEquals("{ridge} must be a finite number >= 0, got -1.0", assertThrows(InvalidInputException.class,
                () -> KrrOptions.of(Map.of("ridge", -1))).template());
        assertTrue(assertThrows(InvalidInputException.class, () -> KrrOptions.of(Map.of("kernel", "rbf")))
                .template().startsWith("{kernel}: unknown kernel 'rbf'"));
        assertTrue(assertThrows(InvalidInputException.class, () -> KrrOptions.of(Map.of("kernel_param", 2)))
                .template().contains("{kernel_param}"));
        assertTrue(assertThrows(InvalidInputException.class, () -> KrrOptions.of(Map.of("ridges", 0)))
                .getMessage().contains("'ridges'"));
    }
}
