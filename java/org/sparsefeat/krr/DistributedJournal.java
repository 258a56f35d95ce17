package org.sparsefeat.krr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sparsefeat.distributed.Cluster;
import org.sparsefeat.distributed.DistributedMatrix;

/**
 * A distributed factorisation's journal in {@code --scratch} (node-local is fine: each rank reads only its own files):
 * per rank, its local array after the columns it names ({@code rank-R-colK.bin}) and {@code rank-R.json}, the last
 * columns it journaled. A checkpoint is written by every rank, then agreed (a collective) before any rank deletes its
 * previous one, so that each rank always holds the checkpoint all ranks finished; a rerun of the same command (same
 * problem, grid and block: the directory's name) resumes from the latest checkpoint every rank holds, to the same bits.
 */
final class DistributedJournal {
    private final Cluster cluster;
    private final Path dir;
    private int saved = -1;
    private int previous = -1;

    private DistributedJournal(Cluster cluster, Path dir) {
        this.cluster = cluster;
        this.dir = dir;
    }

    static DistributedJournal open(Cluster cluster, Path scratch, String fingerprint) {
        Path dir = scratch.resolve("sparsefeat-krr-" + fingerprint.substring(0, 16) + "-" + cluster.grid().label()
                + "-b" + cluster.grid().block());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the scratch directory " + dir + ": " + e.getMessage(), e);
        }
        return new DistributedJournal(cluster, dir);
    }

    Path dir() { return dir; }

    private Path array(int columns) { return dir.resolve("rank-" + cluster.rank() + "-col" + columns + ".bin"); }

    private Path journal() { return dir.resolve("rank-" + cluster.rank() + ".json"); }

    /** The columns this rank journaled, or -1. */
    private int journaled() {
        try {
            String s = Files.readString(journal(), StandardCharsets.UTF_8).replaceAll("[^0-9]", "");
            return s.isEmpty() ? -1 : Integer.parseInt(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The columns of the latest checkpoint all ranks hold, or -1 (nothing to resume: fill afresh), before any work: the
     * plan announces it. A collective.
     */
    int agreed() {
        double[] mine = new double[cluster.size()];
        int own = journaled();
        mine[cluster.rank()] = own + 1;  // 0: none
        cluster.sum(mine);
        int columns = Integer.MAX_VALUE;
        for (double v : mine) {
            columns = Math.min(columns, (int) v - 1);
        }
        boolean usable = columns >= 0 && Files.isRegularFile(array(columns));
        return cluster.any(!usable) ? -1 : columns;
    }

    /** Loads the checkpoint after {@code columns} ({@link #agreed}) into {@code m}. */
    void load(DistributedMatrix m, int columns) {
        int own = journaled();
        try {
            m.load(array(columns));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal " + array(columns) + ": " + e.getMessage(), e);
        }
        saved = columns;
        previous = own != columns ? own : -1;
    }

    /** Journals {@code m} after {@code columns} on every rank (a collective), then drops the older checkpoints. */
    void checkpoint(DistributedMatrix m, int columns) {
        try {
            Path tmp = dir.resolve(array(columns).getFileName() + ".part");
            m.save(tmp);
            Files.move(tmp, array(columns), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Path jtmp = dir.resolve(journal().getFileName() + ".part");
            Files.writeString(jtmp, "{\"columns\": " + columns + "}\n", StandardCharsets.UTF_8);
            Files.move(jtmp, journal(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal in " + dir + ": " + e.getMessage(), e);
        }
        cluster.any(false);  // every rank has journaled these columns: the checkpoint before is no longer needed
        for (int old : new int[] {previous, saved}) {
            if (old >= 0 && old != columns) {
                try {
                    Files.deleteIfExists(array(old));
                } catch (IOException e) {
                    // a stale checkpoint left behind costs disk only
                }
            }
        }
        previous = -1;
        saved = columns;
    }

    /** Deletes this rank's files, and the directory once empty: a finished factor (or a singular one) needs none. */
    void delete() {
        try (var files = Files.list(dir)) {
            String prefix = "rank-" + cluster.rank() + "-", json = "rank-" + cluster.rank() + ".json";
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(prefix) || name.equals(json)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            return;
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // another rank's files are still there; the last rank out removes it
        }
    }
}
