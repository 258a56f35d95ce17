package org.sparsefeat.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    @TempDir
    Path dir;

    @Test
    void readsIdxRawAndGzipped() throws Exception {
        for (boolean gz : new boolean[] {false, true}) {
            Path img = dir.resolve("i" + gz), lab = dir.resolve("l" + gz);
            FakeImages.writeIdx(img, lab, 25, 28, gz);
            ImageSet s = Idx.read("fake", img, lab);
            assertEquals(25, s.size());
            assertEquals(784, s.dimension());
            assertEquals(7, s.labels()[17]);
            assertEquals(FakeImages.pixel(3, 3, 5, 6, 28) / 255.0, s.pixels().get(3, 5 * 28 + 6), 0.0);
        }
    }

    private void assertBad(org.junit.jupiter.api.function.Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) {
            assertTrue(ex.getMessage().contains(p), "'" + ex.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void refusesCorruptIdxFilesNamingThem() throws Exception {
        Path img = dir.resolve("img"), lab = dir.resolve("lab");
        FakeImages.writeIdx(img, lab, 10, 28, false);
        byte[] good = Files.readAllBytes(img);
        Path truncated = dir.resolve("truncated");
        Files.write(truncated, Arrays.copyOf(good, good.length - 100));
        assertBad(() -> Idx.read("x", truncated, lab), "truncated", "truncated: fewer pixels");
        assertBad(() -> Idx.read("x", lab, lab), "magic number 0x00000801 is not that of IDX images");
        assertBad(() -> Idx.read("x", img, img), "is not that of IDX labels");
        Path other = dir.resolve("other"), otherLab = dir.resolve("otherLab");
        FakeImages.writeIdx(other, otherLab, 12, 28, false);
        assertBad(() -> Idx.read("x", img, otherLab), "10 images but otherLab holds 12 labels");
        assertBad(() -> Idx.read("x", dir.resolve("missing"), lab), "missing", "no such file");
    }

    @Test
    void readsCifarBatchesAndRefusesCorruptOnes() throws Exception {
        String[] batches = {"a.bin", "b.bin"};
        FakeImages.writeCifarBatch(dir.resolve("a.bin"), 20, 0);
        FakeImages.writeCifarBatch(dir.resolve("b.bin"), 20, 3);
        ImageSet s = Cifar10.read(dir, batches, 20);
        assertEquals(40, s.size());
        assertEquals(3072, s.dimension());
        assertEquals(3, s.channels());
        assertEquals(3, s.labels()[20]);
        assertEquals(((FakeImages.pixel(1, 1, 2, 3, 32) + 10) & 0xff) / 255.0, s.pixels().get(1, 1024 + 2 * 32 + 3), 0.0);
        assertBad(() -> Cifar10.read(dir, new String[] {"a.bin", "c.bin"}, 20), "c.bin", "no such file");
        Files.write(dir.resolve("short.bin"), Arrays.copyOf(Files.readAllBytes(dir.resolve("a.bin")), 3073 * 19));
        assertBad(() -> Cifar10.read(dir, new String[] {"short.bin"}, 20), "short.bin", "truncated?");
        byte[] bad = Files.readAllBytes(dir.resolve("a.bin"));
        bad[3073 * 4] = 12;
        Files.write(dir.resolve("label.bin"), bad);
        assertBad(() -> Cifar10.read(dir, new String[] {"label.bin"}, 20), "record 4 has label 12");
    }

    @Test
    void poolsTrainAndTestAndSelects() throws Exception {
        FakeImages.mnistRoot(dir, 30, 20);
        ImageSet all = new DatasetStore(dir).load("mnist");
        assertEquals(50, all.size());
        ImageSet two = all.select(new int[] {31, 2});
        assertEquals(all.labels()[31], two.labels()[0]);
        assertArrayEquals(all.pixels().row(2), two.pixels().row(1), 0.0);
        assertBad(() -> new DatasetStore(dir).load("fashion"), "not installed", "datasets install fashion");
        assertBad(() -> new DatasetStore(dir).load("svhn"), "unknown data set 'svhn'");
    }
}
