package org.sparsefeat.krr;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.distributed.Cluster;
import org.sparsefeat.distributed.DistributedMatrix;
import org.sparsefeat.distributed.Launcher;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.linalg.OpenBlas;
import org.sparsefeat.linalg.tiled.MemoryTiles;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.linalg.tiled.ScratchTiles;
import org.sparsefeat.linalg.tiled.TileEngine;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TileStore;
import org.sparsefeat.linalg.tiled.TiledCholesky;
import org.sparsefeat.linalg.tiled.TiledFactor;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.PhaseTimer;

/** Exact kernel ridge(less) regression: c = (K + ridge I)^{-1} y by Cholesky, in float64. */
public final class KernelRidge {
    private KernelRidge() {}

    /**
     * Fits on (x, y); phases "plan", "gram", "cholesky", "solve" are timed into {@code timer}.
     *
     * @throws org.sparsefeat.linalg.NotPositiveDefiniteException when K + ridge I is numerically singular
     */
    public static KrrModel fit(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y, PhaseTimer timer) {
        try (Fit fit = fitWithFactor(backend, kernel, ridge, x, y, timer)) {
            return fit.model();
        }
    }

    /**
     * A fitted model with the Cholesky factor L of K + ridge I it was solved with, and the memory plan it kept; closing
     * frees the factor.
     */
    public record Fit(KrrModel model, GramFactor factor, MemoryPlan plan) implements AutoCloseable {
        @Override
        public void close() { factor.close(); }

        /** Closes after a stop: a scratch store's finished journal stays for the rerun. */
        void closeKeepingScratch() { keepScratch(factor); }
    }

    /** As {@link #fit}, keeping the factor (n x n) for later use, such as the training predictions. */
    public static Fit fitWithFactor(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y, PhaseTimer timer) {
        return fitWithFactor(backend, kernel, ridge, x, y, 0, timer, KrrResources.DEFAULT);
    }

    /**
     * As {@link #fit}, keeping the factor, with a memory plan made first ({@link MemoryPlan}): in tiles of native memory
     * where K fits, out of core in a scratch file where it does not (in the device's memory on a GPU).
     *
     * @param nTest the test points that will be predicted, for the plan's estimate
     * @throws org.sparsefeat.linalg.tiled.Monitor.Stopped when the resources' monitor asked to stop
     */
    public static Fit fitWithFactor(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y, int nTest,
            PhaseTimer timer, KrrResources resources) {
        return fitWithFactor(backend, kernel, ridge, x, y, nTest, timer, resources, null, 0);
    }

    /**
     * As above; with a {@code cluster}, K is factored over its ranks (ScaLAPACK), each holding its own blocks, with a
     * per-rank memory plan; every rank calls this with the same inputs. Null: this process alone. With
     * {@code resources.scratch()}, each rank journals its part there every {@code checkpointMinutes} (0: every panel)
     * and a rerun resumes from the journal ({@link DistributedJournal}).
     */
    public static Fit fitWithFactor(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y, int nTest,
            PhaseTimer timer, KrrResources resources, Cluster cluster, double checkpointMinutes) {
        if (x.rows() != y.length) {
            throw new IllegalArgumentException("X has " + x.rows() + " rows but y has " + y.length + " values");
        }
        if (x.rows() < 1) {
            throw new IllegalArgumentException("need at least one training point");
        }
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new InvalidInputException("{ridge} must be a finite number >= 0, got " + ridge);
        }
        if (cluster != null) {
            DistributedJournal journal = resources.scratch() == null ? null : DistributedJournal.open(cluster,
                    resources.scratch(), timer.time("plan", () -> fingerprint(backend, kernel, ridge, x)));
            int resume = journal == null ? -1 : journal.agreed();
            MemoryPlan plan = timer.time("plan", () -> MemoryPlan.distributed(x.rows(), cluster.size(),
                    cluster.grid().block(), DistributedMatrix.maxLocalElements(x.rows(), cluster.grid()),
                    Launcher.localSize(System.getenv()), resources, DistributedMatrix.MAX_LOCAL_ELEMENTS,
                    journal == null ? null : journal.dir(), Math.max(0, resume)));
            resources.onPlan().accept(plan);
            return solved(DistributedGramFactor.factor(cluster, backend, kernel, ridge, x, timer, resources.monitor(),
                    journal, resume, checkpointMinutes), kernel, ridge, x, y, plan, timer);
        }
        String fingerprint = timer.time("plan", () -> fingerprint(backend, kernel, ridge, x));
        TileRates rates = timer.time("plan", () -> x.rows() >= PLAN_MEASURES_FROM
                ? new TileRates(Rates.of(backend, kernel, x), backend, kernel, x) : null);
        MemoryPlan.DeviceSide device = backend.factorsOnDevice()
                ? new MemoryPlan.DeviceSide(backend.deviceMemoryFree(), backend.tileEngine().isPresent()) : null;
        MemoryPlan plan = timer.time("plan", () -> MemoryPlan.make(x.rows(), nTest, device, resources, fingerprint,
                rates == null ? null : rates::at));
        resources.onPlan().accept(plan);
        GramFactor factor = switch (plan.mode()) {
            case DEVICE -> backend.factorGram(kernel, x, ridge, timer);
            case TILES, SCRATCH -> factorTiles(backend, kernel, ridge, x, plan, fingerprint,
                    rates == null ? null : rates.at(plan.tile()), timer, resources);
            case DISTRIBUTED -> throw new IllegalStateException("a distributed plan without a cluster");
        };
        return solved(factor, kernel, ridge, x, y, plan, timer);
    }

    /** The coefficients from the factor; the factor freed on a failure, a stopped scratch journal kept. */
    private static Fit solved(GramFactor factor, Kernel kernel, double ridge, Matrix x, double[] y, MemoryPlan plan,
            PhaseTimer timer) {
        try {
            double[] c = timer.time("solve", () -> factor.solve(y));
            return new Fit(new KrrModel(kernel, ridge, x, c), factor, plan);
        } catch (Monitor.Stopped e) {
            keepScratch(factor);
            throw e;
        } catch (RuntimeException e) {
            factor.close();
            throw e;
        }
    }

    /** Rates measured on the plan's tiles once, however often the plan asks. */
    private static final class TileRates {
        private final Rates base;
        private final Backend backend;
        private final Kernel kernel;
        private final Matrix x;
        private int tile = -1;
        private Rates atTile;

        TileRates(Rates base, Backend backend, Kernel kernel, Matrix x) {
            this.base = base;
            this.backend = backend;
            this.kernel = kernel;
            this.x = x;
        }

        Rates at(int b) {
            if (b != tile) {
                tile = b;
                atTile = base.atTile(backend, kernel, x, b);
            }
            return atTile;
        }
    }

    /**
     * Closes a factor whose fit was stopped after the factorisation: a scratch store's journal, complete, stays, so that
     * the same command resumes with the solve.
     */
    static void keepScratch(GramFactor factor) {
        if (factor instanceof TiledGramFactor t) {
            t.closeKeepingScratch();
        } else {
            factor.close();
        }
    }

    /** From this n on, a plan measures the machine's rates for its estimate (about 0.1 s). */
    static final int PLAN_MEASURES_FROM = 4096;

    private static GramFactor factorTiles(Backend backend, Kernel kernel, double ridge, Matrix x, MemoryPlan plan,
            String fingerprint, Rates rates, PhaseTimer timer, KrrResources resources) {
        TileEngine<?> engine = plan.streamed() ? backend.tileEngine().orElseThrow() : TileEngine.HOST;
        if (backend.factorsOnDevice() && !plan.streamed()) {
            backend.recordCpuFallback("cholesky: n = " + x.rows() + " in " + plan.mode().label() + " on the host (the"
                    + " device has no cuBLAS to stream tiles with)");
        }
        TileGrid grid = new TileGrid(x.rows(), plan.tile());
        // the store's allocation counts as the factorisation's: fresh pages, untouched (FreshMemory), it is cheap; their
        // first touch is the Gram's, by the threads that fill the tiles
        long t0 = System.nanoTime();
        TileStore store = plan.mode() == MemoryPlan.Mode.TILES ? new MemoryTiles(grid)
                : ScratchTiles.open(plan.scratch(), grid, fingerprint);
        GramTiles source = new GramTiles(backend, kernel, x,
                rates == null ? Rates.TYPICAL_FLOPS_PER_ENTRY : rates.flopsPerEntry());
        try {
            TiledCholesky.factor(store, engine, source, ridge, plan.panelsFor(grid, store.finishedColumns(),
                    store.bufferElements()), resources.monitor());
        } catch (NotPositiveDefiniteException e) {
            if (store instanceof ScratchTiles s) {
                s.delete();  // a singular system fails again on a rerun: nothing to resume
            } else {
                store.close();
            }
            throw e;
        } catch (RuntimeException e) {
            store.close();  // a full disk, too little memory: the journal stays for a rerun once that is fixed
            throw e;
        } finally {
            double total = (System.nanoTime() - t0) * 1e-9;
            timer.add("gram", source.seconds());
            timer.add("cholesky", total - source.seconds());
        }
        try {
            return new TiledGramFactor(new TiledFactor(store, resources.monitor()));
        } catch (RuntimeException e) {
            store.close();  // no memory for the solve's buffer: the journal stays, complete, for a rerun
            throw e;
        }
    }

    /**
     * SHA-256 of the points, the kernel, the ridge and what computes the tiles (the backend, OpenBLAS's thread count),
     * in hex: names a factorisation's scratch files, so that a rerun resumes only a journal whose finished columns it
     * would have computed to the same bits.
     */
    static String fingerprint(Backend backend, Kernel kernel, double ridge, Matrix x) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer head = ByteBuffer.allocate(28);
            head.putInt(x.rows()).putInt(x.cols()).putDouble(ridge).putDouble(kernel.param()).putInt(OpenBlas.threads());
            md.update(head.array());
            md.update((kernel.type().cliName() + "/" + backend.name()).getBytes(StandardCharsets.UTF_8));
            ByteBuffer block = ByteBuffer.allocate(1 << 16);
            for (double v : x.data()) {
                if (!block.hasRemaining()) {
                    md.update(block.array());
                    block.clear();
                }
                block.putDouble(v);
            }
            md.update(block.array(), 0, block.position());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KrrModel fit(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y) {
        return fit(backend, kernel, ridge, x, y, new PhaseTimer());
    }
}
