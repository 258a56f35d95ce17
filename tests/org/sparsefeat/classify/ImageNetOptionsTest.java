package org.sparsefeat.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparsefeat.util.InvalidInputException;

class ImageNetOptionsTest {
    @Test
    void regimesDifferByAlphaAndRoundTripThroughTheirNames() {
        ImageNetOptions feature = ImageNetOptions.defaults("feature"), lazy = ImageNetOptions.defaults("lazy");
        assertEquals(1e-6, feature.alpha());
        assertEquals(1e4, lazy.alpha());
        assertEquals(new ImageNetOptions(1000, 1e4, 5, 20, 0.99, 20000, 100_000), lazy);
        for (ImageNetOptions o : new ImageNetOptions[] {feature, lazy}) {
            assertEquals(ImageNetOptions.NAMES, o.toMap().keySet().stream().toList());
            assertEquals(o, ImageNetOptions.of(o.toMap(), "feature"));
        }
        // the flow is the reference's with these options
        GradientFlow.Options ref = GradientFlow.Options.reference(1e-6, 20000, 100_000);
        assertEquals(ref, feature.flow());
        assertEquals(new ImageExperiment.Method.Net(1000, 5, ref), feature.method());
    }

    @Test
    void errorsNameTheOption() {
        assertTrue(assertThrows(InvalidInputException.class, () -> ImageNetOptions.of(Map.of("stop_frac", 2), "lazy"))
                .template().startsWith("{stop_frac}"));
        assertTrue(assertThrows(InvalidInputException.class, () -> ImageNetOptions.of(Map.of("h", 0), "lazy"))
                .template().startsWith("{h}"));
        assertTrue(assertThrows(InvalidInputException.class, () -> ImageNetOptions.of(Map.of("lr", 1), "lazy"))
                .getMessage().contains("'lr'"));
        assertThrows(InvalidInputException.class, () -> ImageNetOptions.defaults("medium"));
    }
}
