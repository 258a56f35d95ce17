package org.sparsefeat.curve;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.sparsefeat.classify.FlowCheckpointFile;
import org.sparsefeat.net.Scale;
import org.sparsefeat.train.BatchState;
import org.sparsefeat.train.Snapshots;
import org.sparsefeat.util.CheckpointHeader;

/**
 * The saved states of a sweep's batches of nets in training: DIR/checkpoints/NAME.ckpt, one per batch,
 * written whole (temporary file, then rename) every {@code every} and when the sweep is asked to stop, and
 * deleted once the batch's results are in results.jsonl. A file starts with its batch's identity (the method,
 * the data and the points' keys): a batch resumes only from a file of the same identity. An image net's gradient flow
 * is saved the same way, one file per point (DIR/checkpoints/KEY.flow, {@link FlowCheckpointFile}).
 */
final class BatchCheckpoints {
    static final String DIR = "checkpoints";
    static final String SUFFIX = ".ckpt";
    /** An image net's flow: DIR/checkpoints/KEY.flow. */
    static final String FLOW_SUFFIX = ".flow";
    private static final int MAGIC = 0x53464332;  // "SFC2": identity, progress, BatchState
    private static final String WHAT = "batch checkpoint";

    private final Path dir;
    private final Duration every;
    private final BooleanSupplier stop;
    private final Consumer<String> log;

    BatchCheckpoints(Path sweepDir, Duration every, BooleanSupplier stop, Consumer<String> log) {
        this.dir = sweepDir.resolve(DIR);
        this.every = every;
        this.stop = stop;
        this.log = log;
    }

    /** A batch: its file's name and the identity its file must hold. */
    record Batch(String name, String identity) {
        private static final String KEYS = "\nkeys=";

        static Batch of(SweepSpec spec, MethodSpec method, List<SweepPoint> points) {
            StringBuilder id = new StringBuilder(base(spec, method, points.getFirst().where())).append(KEYS);
            points.forEach(p -> id.append(p.key()).append(' '));
            String hash = sha256(id.toString()).substring(0, 16);
            String name = (method.label() + "-" + points.getFirst().where()).replaceAll("[^A-Za-z0-9._-]", "_") + "-" + hash;
            return new Batch(name, id.toString());
        }

        /**
         * Everything a net's result depends on but its key (see SpecExtension: the largest n only matters for a
         * GRF target).
         */
        static String base(SweepSpec spec, MethodSpec method, String where) {
            return "method=" + SpecExtension.unrestricted(method) + "\nwhere=" + where + "\npoints=" + spec.points() + "\ntarget=" + spec.target()
                    + "\nn_test=" + spec.nTest()
                    + (spec.target() instanceof org.sparsefeat.data.Target.KernelGrf ? "\nmax_n=" + spec.maxN() : "");
        }

        String base() { return identity.substring(0, identity.indexOf(KEYS)); }

        List<String> keys() {
            return List.of(identity.substring(identity.indexOf(KEYS) + KEYS.length()).trim().split(" "));
        }
    }

    /** A batch with a checkpoint, and the fraction of its steps made (finished nets count whole). */
    record Saved(Batch batch, double progress) {}

    /** The batches that have a checkpoint (unreadable files are left out). */
    List<Saved> saved() {
        List<Saved> out = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
                    String id = CheckpointHeader.read(in, MAGIC, WHAT);
                    String name = f.getFileName().toString();
                    out.add(new Saved(new Batch(name.substring(0, name.length() - SUFFIX.length()), id),
                            Math.clamp(in.readDouble(), 0.0, 1.0)));
                } catch (IOException | RuntimeException e) {
                    // unreadable: removeAllBut deletes it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    Path file(Batch b) { return dir.resolve(b.name() + SUFFIX); }

    /**
     * The snapshots of one batch of nets of {@code maxSteps} steps: resumes from its file when the file is this
     * batch's.
     */
    Snapshots of(Batch batch, List<Scale> scales, long maxSteps) {
        return new Snapshots() {
            private long lastSave = System.nanoTime();

            @Override
            public BatchState load() {
                Path f = file(batch);
                if (!Files.exists(f)) {
                    return null;
                }
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
                    if (!CheckpointHeader.read(in, MAGIC, WHAT).equals(batch.identity())) {
                        log.accept("    " + f + " is another batch's checkpoint: starting from step 0");
                        return null;
                    }
                    in.readDouble();  // the progress, for estimates
                    BatchState s = BatchState.read(in, scales);
                    log.accept(String.format("    resuming from %s (step %d, saved after %s of training)", f,
                            s.nets().stream().mapToLong(BatchState.Net::step).min().orElse(0),
                            org.sparsefeat.util.Durations.format(s.seconds())));
                    return s;
                } catch (IOException | RuntimeException e) {
                    log.accept("    cannot read " + f + " (" + e.getMessage() + "): starting from step 0");
                    return null;
                }
            }

            @Override
            public boolean due() { return System.nanoTime() - lastSave >= every.toNanos(); }

            @Override
            public void save(BatchState state) {
                double steps = state.nets().stream().mapToDouble(n -> n.status() == null ? n.step() : maxSteps).sum();
                write(batch, state, steps / ((double) maxSteps * state.nets().size()));
                lastSave = System.nanoTime();
            }

            @Override
            public boolean stopRequested() { return stop.getAsBoolean(); }
        };
    }

    private void write(Batch batch, BatchState state, double progress) {
        Path f = file(batch);
        try {
            Files.createDirectories(dir);
            // whole or not at all (a temporary file, synced, renamed over the last checkpoint)
            org.sparsefeat.util.OutputFile.writeStream(f, stream -> {
                DataOutputStream out = new DataOutputStream(stream);
                CheckpointHeader.write(out, MAGIC, batch.identity());
                out.writeDouble(progress);
                state.write(out);
                out.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the batch checkpoint " + f + ": " + e.getMessage(), e);
        }
    }

    /** The name of an image net's flow checkpoint in the directory: the point's key, made a file name. */
    static String flowFile(SweepPoint p) { return p.key().replaceAll("[^A-Za-z0-9._-]", "_") + FLOW_SUFFIX; }

    /**
     * The checkpoint of an image net's gradient flow at point p ({@code params} parameters), saved as often as a
     * batch's, resumed only by the same method at the same point of the same data, on the same backend and threads
     * ({@code backend}: a resumed flow gives the bits of an uninterrupted one there).
     */
    FlowCheckpointFile flow(SweepSpec spec, MethodSpec method, SweepPoint p, int params, String backend) {
        String identity = "method=" + SpecExtension.unrestricted(method) + "\nkey=" + p.key() + "\nn_test=" + spec.nTest()
                + "\nstability=" + spec.stability() + "\nbackend=" + backend;
        return new FlowCheckpointFile(dir.resolve(flowFile(p)), identity, params, every, stop, line -> log.accept("    " + line));
    }

    /** After the batch's results were appended. */
    void finished(Batch batch) {
        try {
            Files.deleteIfExists(file(batch));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file(batch) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the checkpoints of batches and flows ({@code names}: batch names, flow file names) that will not run again (their points finished, or the sweep was
     * extended so that its batches are made up differently), and temporary files of a killed save.
     */
    void removeAllBut(Set<String> names) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                boolean current = name.endsWith(SUFFIX) ? names.contains(name.substring(0, name.length() - SUFFIX.length()))
                        : name.endsWith(FLOW_SUFFIX) && names.contains(name);
                if (!current && (name.endsWith(SUFFIX) || name.endsWith(FLOW_SUFFIX) || name.endsWith(".part"))) {
                    log.accept("  removing " + f + ": no batch or flow of this run resumes from it");
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
