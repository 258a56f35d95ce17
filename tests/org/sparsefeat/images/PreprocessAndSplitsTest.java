package org.sparsefeat.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessAndSplitsTest {
    @TempDir
    Path dir;

    @Test
    void centerNormalisationRemovesPixelMeansAndSetsNormsToSqrtD() throws Exception {
        ImageSet raw = new DatasetStore(FakeImages.mnistRoot(dir, 40, 20)).load("mnist");
        ImageSet s = Preprocess.centerNormalize(raw);
        int dim = s.dimension(), count = s.size();
        double[] mean = new double[dim];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < dim; k++) {
                mean[k] += raw.pixels().get(i, k) / count;
            }
        }
        for (int i : new int[] {0, 17, count - 1}) {  // image i = (raw_i - mean) sqrt(D) / |raw_i - mean|
            double[] centred = new double[dim];
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                centred[k] = raw.pixels().get(i, k) - mean[k];
                norm += centred[k] * centred[k];
            }
            for (int k = 0; k < dim; k++) {
                assertEquals(centred[k] * Math.sqrt(dim / norm), s.pixels().get(i, k), 1e-12);
            }
        }
        for (double norm : s.pixels().rowNorms()) {
            assertEquals(Math.sqrt(dim), norm, 1e-9);
        }
        assertArrayEquals(new double[] {1, -1, 1, -1}, Preprocess.parityLabels(new int[] {0, 1, 8, 9}), 0.0);
    }

    @Test
    void splitsAreDisjointClassInterleavedAndReproducible() {
        int[] classes = new int[1000];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = (i * 7) % 10;
        }
        Splits.Split a = Splits.split(classes, 200, 300, 1, 2);
        assertEquals(200, a.train().length);
        assertEquals(300, a.test().length);
        Set<Integer> seen = new HashSet<>();
        for (int i : a.train()) {
            seen.add(i);
        }
        for (int i : a.test()) {
            assertTrue(seen.add(i), "train and test share image " + i);
        }
        for (int[] part : new int[][] {a.train(), a.test()}) {  // every prefix of 10k images holds k of each class
            for (int prefix = 10; prefix <= part.length; prefix += 10) {
                int[] count = new int[10];
                for (int i = 0; i < prefix; i++) {
                    count[classes[part[i]]]++;
                }
                for (int c = 0; c < 10; c++) {
                    assertEquals(prefix / 10, count[c], "prefix " + prefix + " class " + c);
                }
            }
        }
        assertArrayEquals(a.train(), Splits.split(classes, 200, 300, 1, 2).train());
        assertArrayEquals(a.test(), Splits.split(classes, 100, 300, 9, 2).test(), "the test set does not depend on the train seed");
        assertTrue(!Arrays.equals(a.train(), Splits.split(classes, 200, 300, 3, 2).train()));
        assertThrows(IllegalArgumentException.class, () -> Splits.split(classes, 800, 300, 1, 2));
    }
}
