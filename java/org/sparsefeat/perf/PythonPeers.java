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
import org.sparsefeat.linalg.Matrix;

/**
 * The numpy/scipy peers: benchmarks/bench_peers.py in python3, given the same points as an NPY file and the same
 * warm-up and repeat counts. Whatever keeps a peer from running (no python3, no numpy, the script missing, a crash)
 * becomes a row that says so.
 */
final class PythonPeers {
    static final String IMPL = "numpy/scipy";
    private static final long LIMIT_SECONDS = 600;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path script;
    private final Path work;

    PythonPeers(Path work) {
        this.script = script();
        this.work = work;
    }

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

    Row run(HotPath path, int n, HotPath.Case c, Suite suite, BooleanSupplier stop) {
        String shape = path.shape().at(n);
        if (!Files.isRegularFile(script)) {
            return Row.absent(path.name(), IMPL, n, shape, "no peer script at " + script);
        }
        try {
            Path x = work.resolve("x-" + path.name() + "-" + n + ".npy");
            Matrix points = c.points();
            Npy.write(x, points);
            List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), path.peer(), x.toString(),
                    "" + suite.warmups, "" + suite.repeats, "ridge=" + HotPath.RIDGE));
            cmd.addAll(c.peerArguments());
            Path out = work.resolve("peer.json");
            Path err = work.resolve("peer.err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
                while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                    if (stop.getAsBoolean()) {
                        throw new Timing.Stopped();
                    }
                    if (System.nanoTime() > end) {
                        return Row.absent(path.name(), IMPL, n, shape, "python3 peer still running after " + LIMIT_SECONDS
                                + " s: stopped");
                    }
                }
            } finally {
                p.destroyForcibly();
                Files.deleteIfExists(x);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0 || text.isEmpty()) {
                List<String> lines = Files.readAllLines(err);
                return Row.absent(path.name(), IMPL, n, shape, "python3 peer failed (exit " + p.exitValue() + ")"
                        + (lines.isEmpty() ? "" : ": " + lines.getLast()));
            }
            JsonNode r = JSON.readTree(text);
            if (r.has("absent")) {
                return Row.absent(path.name(), IMPL, n, shape, r.get("absent").asText());
            }
            double[] s = new double[r.get("seconds").size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = r.get("seconds").get(i).asDouble();
            }
            return new Row(Row.PEER, path.name(), IMPL, n, shape, path.workModel(), path.work().at(n), "GFLOP/s",
                    new Timing(s), Double.NaN, Double.NaN, r.get("impl").asText());
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("python3") ? "no python3 on the PATH"
                    : "python3 peer failed: " + e.getMessage();
            return Row.absent(path.name(), IMPL, n, shape, why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Timing.Stopped();
        }
    }
}
