package org.sparsefeat.images.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.images.DatasetStore;
import org.sparsefeat.images.FakeImages;
import org.sparsefeat.util.InvalidInputException;

/** The installer writes where the store reads, and runs no package tool when it has nothing to do. */
class DatasetInstallerTest {
    @Test
    void anInstalledDataSetIsLeftAsItIs(@TempDir Path dir) throws IOException {
        DatasetStore store = new DatasetStore(FakeImages.mnistRoot(dir, 30, 10));
        Path mnist = store.location("mnist");
        long before = Files.getLastModifiedTime(mnist.resolve("train-images-idx3-ubyte")).toMillis();
        assertEquals(mnist, new DatasetInstaller(store).install("mnist", null));  // no npm run: it would replace them
        assertEquals(before, Files.getLastModifiedTime(mnist.resolve("train-images-idx3-ubyte")).toMillis());
        assertEquals(40, store.load("mnist").size());
    }

    @Test
    void badRequestsSayWhatToDoAndWriteNothing(@TempDir Path dir) {
        DatasetInstaller installer = new DatasetInstaller(new DatasetStore(dir.resolve("store")));
        var cifar = assertThrows(InvalidInputException.class, () -> installer.install("cifar10", null));
        assertTrue(cifar.getMessage().contains("cifar-10-batches-bin"), cifar.getMessage());
        var unknown = assertThrows(InvalidInputException.class, () -> installer.install("svhn", null));
        assertTrue(unknown.getMessage().contains("unknown data set 'svhn'"), unknown.getMessage());
        assertFalse(Files.exists(dir.resolve("store")));
    }
}
