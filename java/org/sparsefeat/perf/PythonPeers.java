package org.sparsefeat.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.sparsefeat.data.Npy;

/**
 * One peer library in python3 (benchmarks/bench_peers.py), given the same points as an NPY file and the same warm-up
 * and repeat counts. Whatever keeps a peer from running (no python3, no such library, no GPU for it, the script
 * missing, a crash) becomes a row that says so: once for the whole run when the library is missing
 * ({@link #whyAbsent}), per row when one size fails.
 */
final class PythonPeers {
    /** The peer libraries bench_peers.py drives: its impl argument and the rows' label. */
    enum Library {
        NUMPY("numpy", "numpy/scipy"),
        TORCH("torch", "PyTorch cpu"),
        TORCH_CUDA("torch-cuda", "PyTorch cuda"),
        CUPY("cupy", "CuPy");

        final String argument;
        final String label;

        Library(String argument, String label) {
            this.argument = argument;
            this.label = label;
        }

        /**
         * The peers of a run: the host's libraries when the paths run on the host, the GPU's when they run on a device
         * (there the numpy/scipy peers would time the host, not what the run measures).
         */
        static List<Library> of(boolean onDevice) { return onDevice ? List.of(TORCH_CUDA, CUPY) : List.of(NUMPY, TORCH); }
    }

    private static final long LIMIT_SECONDS = 600;
    private static final long PROBE_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path script;
    private final Path work;
    private final Library library;

    PythonPeers(Path work, Library library) {
        this.script = script();
        this.work = work;
        this.library = library;
    }

    String label() { return library.label; }

    /**
     * benchmarks/bench_peers.py of the checkout the classes were built from: the nearest ancestor of the classes that
     * holds it (target/classes here, target/gpu/classes on the device check's machine), else the working directory's.
     */
    static Path script() {
        Path relative = Path.of("benchmarks", "bench_peers.py");
        try {
            Path classes = Path.of(PythonPeers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = classes.getParent(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(relative))) {
                    return dir.resolve(relative);
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // classes from somewhere without a path: the working directory's script, if any
        }
        return relative;
    }

    /** Why this library cannot run here (no python3, not installed, no GPU for it), or null when it can. */
    String whyAbsent(BooleanSupplier stop) {
        if (!Files.isRegularFile(script)) {
            return "no peer script at " + script;
        }
        Answer a = call(List.of("probe", "-", "0", "0"), PROBE_SECONDS, stop);
        return a.absent();
    }

    Row run(HotPath path, int n, HotPath.Case c, Suite suite, BooleanSupplier stop) {
        String shape = path.shape().at(n);
        Path x = work.resolve("x-" + path.name() + "-" + n + ".npy");
        try {
            Npy.write(x, c.points());
            List<String> args = new ArrayList<>(List.of(path.peer(), x.toString(), "" + suite.warmups, "" + suite.repeats,
                    "ridge=" + HotPath.RIDGE));
            args.addAll(c.peerArguments());
            Answer a = call(args, LIMIT_SECONDS, stop);
            if (a.absent() != null) {
                return Row.absent(path.name(), library.label, n, shape, a.absent());
            }
            JsonNode s = a.json().get("seconds");
            double[] seconds = new double[s.size()];
            for (int i = 0; i < seconds.length; i++) {
                seconds[i] = s.get(i).asDouble();
            }
            return new Row(Row.PEER, path.name(), library.label, n, shape, path.workModel(), path.work().at(n), "GFLOP/s",
                    new Timing(seconds), Double.NaN, Double.NaN, a.json().get("impl").asText());
        } catch (IOException e) {
            return Row.absent(path.name(), library.label, n, shape, "could not write the peer's points: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(x);
            } catch (IOException e) {
                // a temporary file in bench's own work directory, which is removed at the end
            }
        }
    }

    /** What bench_peers.py answered: its JSON, or why there is none. */
    private record Answer(JsonNode json, String absent) {}

    /** Runs bench_peers.py with this library and {@code args}; stops it at Ctrl-C or after {@code limit} seconds. */
    private Answer call(List<String> args, long limit, BooleanSupplier stop) {
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
        cmd.addAll(args);
        cmd.add("impl=" + library.argument);
        Path out = work.resolve("peer.json");
        Path err = work.resolve("peer.err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(limit);
                while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                    if (stop.getAsBoolean()) {
                        throw new Timing.Stopped();
                    }
                    if (System.nanoTime() > end) {
                        return new Answer(null, "python3 peer still running after " + limit + " s: stopped");
                    }
                }
            } finally {
                p.destroyForcibly();
            }
            String text = Files.readString(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0 || text.isEmpty()) {
                List<String> lines = Files.readAllLines(err);
                return new Answer(null, "python3 peer failed (exit " + p.exitValue() + ")"
                        + (lines.isEmpty() ? "" : ": " + lines.getLast()));
            }
            JsonNode r = JSON.readTree(text);
            return r.has("absent") ? new Answer(null, r.get("absent").asText()) : new Answer(r, null);
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("python3") ? "no python3 on the PATH"
                    : "python3 peer failed: " + e.getMessage();
            return new Answer(null, why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Timing.Stopped();
        }
    }
}
