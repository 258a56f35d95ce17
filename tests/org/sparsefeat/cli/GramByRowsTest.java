package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparsefeat.backend.BackendContract;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.Npy;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.OutputFile;

/** `gram --out` by blocks of rows: the same matrix as whole, exactly symmetric, for any block size. */
class GramByRowsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "d = {0}, {1} rows per block")
    @CsvSource({"5, 7", "5, 130", "60, 16"})  // d = 60 takes the GEMM path of the Gram
    void blocksOfRowsGiveTheWholeGramExactlySymmetric(int d, int blockRows) throws Exception {
        Matrix a = Points.sample(PointDistribution.SPHERE, 130, d, 4, Philox.STREAM_TRAIN_POINTS);
        Matrix b = Points.sample(PointDistribution.SPHERE, 45, d, 5, Philox.STREAM_TRAIN_POINTS);
        Kernel k = Kernel.of(KernelType.NTK);
        try (CpuBackend backend = new CpuBackend(2)) {
            Path square = dir.resolve("k.npy");
            OutputFile.write(square, GramCommand.body(backend, k, a, null, false, blockRows));
            Matrix g = Npy.readMatrix(square, "k");
            for (int i = 0; i < 130; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(g.get(i, j), g.get(j, i), 0.0, "K[" + i + ", " + j + "]");
                }
            }
            Matrix whole = backend.gramLower(k, a);
            whole.mirrorLowerToUpper();
            assertTrue(BackendContract.relativeDifference(whole.data(), g.data()) < 1e-15);
            assertArrayEquals(whole.diagonal(), g.diagonal(), "the diagonal as the same-points Gram computes it");

            Path rect = dir.resolve("kab.npy");
            OutputFile.write(rect, GramCommand.body(backend, k, a, b, false, blockRows));
            assertArrayEquals(backend.gram(k, a, b).data(), Npy.readMatrix(rect, "kab").data());

            Path single = dir.resolve("k32.npy");
            OutputFile.write(single, GramCommand.body(backend, k, a, b, true, blockRows));
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(single))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int data = 10 + bytes.getShort(8);
            assertEquals(data + 130 * 45 * 4, bytes.capacity());
            double[] exact = backend.gram(k, a, b).data();
            for (int e = 0; e < exact.length; e++) {
                assertEquals((float) exact[e], bytes.getFloat(data + 4 * e), 0.0f, "entry " + e);
            }
        }
    }
}
