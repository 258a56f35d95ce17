package org.sparsefeat.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NativeThreads;
import org.sparsefeat.linalg.tiled.MemoryTiles;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.linalg.tiled.ScratchTiles;
import org.sparsefeat.linalg.tiled.TileGrid;
import org.sparsefeat.linalg.tiled.TileSource;
import org.sparsefeat.linalg.tiled.TileStore;
import org.sparsefeat.linalg.tiled.TiledCholesky;

/**
 * The tiled Cholesky (README, 'Memory') against LAPACK's dpotrf on the same NTK Gram: {@code dense} copies and factors
 * the n x n matrix; {@code tiles} copies its tiles into native memory and factors them; {@code scratch} does the same
 * into a scratch file with a budget of half the matrix (several panels, journaled columns). Each includes its
 * copy of the Gram, so the differences are the factorisations'.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch"})
public class TiledCholeskyBench {
    @Param({"4096"})
    public int n;

    @Param({"512", "1024"})
    public int tile;

    @Param({"2"})
    public int threads;

    private Matrix gram;
    private TileSource source;
    private Path scratch;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        NativeThreads.setOpenBlasThreads(threads);
        try (CpuBackend backend = new CpuBackend(threads)) {
            Matrix x = Points.sample(PointDistribution.SPHERE, n, 5, 0, Philox.STREAM_TRAIN_POINTS);
            gram = backend.gramLower(Kernel.of(KernelType.NTK), x);
            gram.mirrorLowerToUpper();
        }
        source = new TileSource() {
            @Override
            public void fill(TileGrid grid, int i, int j, MemorySegment t) {
                int rows = grid.size(i);
                for (int c = 0; c < grid.size(j); c++) {  // column c of the tile is row start(j) + c's part
                    MemorySegment.copy(gram.data(), (grid.start(j) + c) * n + grid.start(i), t, ValueLayout.JAVA_DOUBLE,
                            (long) c * rows * 8, rows);
                }
            }

            @Override
            public double maxDiagonal() { return 1; }

            @Override
            public double flopsPerEntry() { return 1; }
        };
        scratch = Files.createTempDirectory("sparsefeat-bench");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (var files = Files.list(scratch)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(scratch);
    }

    @Benchmark
    public Matrix dense() {
        Matrix k = gram.copy();
        HostLinalg.cholesky(k, 0);
        return k;
    }

    @Benchmark
    public int tiles() {
        TileGrid grid = new TileGrid(n, tile);
        try (TileStore store = new MemoryTiles(grid)) {
            TiledCholesky.factor(store, source, 0, List.of(new int[] {0, grid.count()}), Monitor.NONE);
            return store.finishedColumns();
        }
    }

    @Benchmark
    public int scratch() {
        TileGrid grid = new TileGrid(n, tile);
        try (ScratchTiles store = ScratchTiles.open(scratch.resolve("f"), grid, "bench")) {
            TiledCholesky.factor(store, source, 0, TiledCholesky.panels(grid, 0, grid.elements() / 2, store.bufferElements()),
                    Monitor.NONE);
            int done = store.finishedColumns();
            store.delete();
            return done;
        }
    }
}
