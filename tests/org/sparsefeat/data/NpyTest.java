package org.sparsefeat.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.linalg.Matrix;

class NpyTest {
    @TempDir
    Path dir;

    /** a = np.arange(12.0).reshape(3, 4) / 7 - 0.5, as in tests/resources/npy/README.md */
    private static double[] expected() {
        double[] a = new double[12];
        for (int i = 0; i < 12; i++) {
            a[i] = i / 7.0 - 0.5;
        }
        return a;
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void readsFilesWrittenByNumpyInEveryLayout() throws Exception {
        for (String f : new String[] {"c_order_3x4.npy", "fortran_order_3x4.npy", "big_endian_3x4.npy", "v2_3x4.npy"}) {
            Matrix m = Npy.readMatrix(fixture(f), f);
            assertEquals(3, m.rows(), f);
            assertEquals(4, m.cols(), f);
            assertArrayEquals(expected(), m.data(), 0.0, f);
        }
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 1}, Npy.readVector(fixture("vector_5.npy"), "y"), 0.0);
    }

    @Test
    void writesWhatItReadsBitForBit() throws IOException {
        Matrix m = new Matrix(2, 3, new double[] {1e-300, -0.0, Math.PI, Double.MIN_VALUE, 7, -1e300});
        Path f = dir.resolve("m.npy");
        Npy.write(f, m);
        assertEquals(0, (Files.size(f) - 8 * 6) % 64, "numpy aligns the data to 64 bytes");
        Npy.Array back = Npy.read(f);
        assertArrayEquals(new int[] {2, 3}, back.shape());
        assertArrayEquals(m.data(), back.data(), 0.0);
        Path v = dir.resolve("v.npy");
        Npy.write(v, new double[] {3, 4});
        assertArrayEquals(new int[] {2}, Npy.read(v).shape());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void ourFileMatchesNumpysBytes() throws Exception {
        Path f = dir.resolve("c.npy");
        Npy.write(f, new Matrix(3, 4, expected()));
        assertArrayEquals(Files.readAllBytes(fixture("c_order_3x4.npy")), Files.readAllBytes(f));
    }

    @Test
    void ourFloat32FileMatchesNumpysBytes() throws Exception {
        double[] e = expected();
        float[] f32 = new float[e.length];
        for (int i = 0; i < e.length; i++) {
            f32[i] = (float) e[i];
        }
        Path f = dir.resolve("f.npy");
        Npy.write(f, new int[] {3, 4}, f32);
        assertArrayEquals(Files.readAllBytes(fixture("float32_3x4.npy")), Files.readAllBytes(f));
    }

    @Test
    void numpyLoadsOurFiles() throws Exception {
        Path f = dir.resolve("m.npy");
        Npy.write(f, new Matrix(3, 4, expected()));
        ProcessBuilder pb = new ProcessBuilder("python3", "-c",
                "import numpy as np, sys; a = np.load(sys.argv[1]); "
                        + "b = np.arange(12.0).reshape(3, 4) / 7 - 0.5; print(a.dtype, a.shape, np.array_equal(a, b))",
                f.toString()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            assumeTrue(false, "python3 not available");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        assumeTrue(!out.contains("No module named"), "numpy not installed");
        assertEquals("float64 (3, 4) True", out);
    }

    @Test
    void rejectsWhatIsNotAFiniteFloat64ArrayWithAMessageNamingTheFile() throws Exception {
        assertMessage(() -> Npy.readMatrix(fixture("float32_3x4.npy"), "--x"), "float32_3x4.npy", "'<f4' is not float64");
        assertMessage(() -> Npy.readVector(fixture("int64_vector.npy"), "--y"), "int64_vector.npy", "not float64");
        assertMessage(() -> Npy.readMatrix(fixture("with_nan_3x4.npy"), "--x-train"), "--x-train", "NaN");
        assertMessage(() -> Npy.readMatrix(fixture("vector_5.npy"), "--x-train"), "vector_5.npy", "expected a 2-d array");
        assertMessage(() -> Npy.readVector(fixture("c_order_3x4.npy"), "--y-train"), "--y-train", "shape (n,)");
        assertMessage(() -> Npy.readMatrix(fixture("three_d_2x2x2.npy"), "--x"), "three_d", "2-d");
        assertMessage(() -> Npy.read(dir.resolve("missing.npy")), "missing.npy", "no such file");
        Path junk = dir.resolve("junk.npy");
        Files.writeString(junk, "x,y\n1,2\n");
        assertMessage(() -> Npy.read(junk), "junk.npy", "not a .npy file");
        byte[] good = Files.readAllBytes(fixture("c_order_3x4.npy"));
        Path truncated = dir.resolve("truncated.npy");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 8));
        assertMessage(() -> Npy.read(truncated), "truncated.npy", "truncated data");
        Path header = dir.resolve("header.npy");
        Files.write(header, java.util.Arrays.copyOf(good, 40));
        assertMessage(() -> Npy.read(header), "header.npy", "truncated header");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) {
            assertTrue(ex.getMessage().contains(p), "'" + ex.getMessage() + "' should mention '" + p + "'");
        }
    }
}
