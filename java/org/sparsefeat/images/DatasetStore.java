package org.sparsefeat.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.util.InvalidInputException;

/**
 * Where image data sets live and how they are read. The root is $SPARSEFEAT_DATA, else
 * ~/.cache/sparsefeat/datasets: mnist/ (the IDX files), fashion/ (gzipped IDX files; Debian's package, when
 * installed, is used in place from /usr/share/datasets/fashion-mnist), and cifar10.path (the directory the user
 * named). Getting them there is {@link org.sparsefeat.images.install.DatasetInstaller}'s job.
 */
public final class DatasetStore {
    public static final List<String> NAMES = List.of("mnist", "fashion", "cifar10");
    /** Where Debian's dataset-fashion-mnist puts its files. */
    public static final Path FASHION_SYSTEM = Path.of("/usr/share/datasets/fashion-mnist");

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
        if (name.equals("cifar10")) {
            return Cifar10.read(dir);
        }
        List<Path> f = files(name);  // train images and labels, then test images and labels
        return Idx.pool(name, Idx.read(name, f.get(0), f.get(1)), Idx.read(name, f.get(2), f.get(3)));
    }

    /** The files a data set is read from, or none when it is not installed: a command's inputs. */
    public List<Path> files(String name) {
        Path dir = location(name);
        if (dir == null) {
            return List.of();
        }
        String gz = name.equals("fashion") ? ".gz" : "";
        List<String> names = name.equals("cifar10") ? List.of(Cifar10.BATCHES) : List.of("train-images-idx3-ubyte" + gz,
                "train-labels-idx1-ubyte" + gz, "t10k-images-idx3-ubyte" + gz, "t10k-labels-idx1-ubyte" + gz);
        return names.stream().map(dir::resolve).toList();
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

    /** The name, or a message listing the known ones. */
    public static String requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new InvalidInputException("unknown data set '" + name + "'; expected one of " + String.join(", ", NAMES));
        }
        return name;
    }

    /** Pixels per image of a data set (28 x 28 grey; CIFAR-10 32 x 32 x 3), known before it is read: for estimates. */
    public static int dimension(String name) {
        return requireKnown(name).equals("cifar10") ? 32 * 32 * 3 : 28 * 28;
    }
}
