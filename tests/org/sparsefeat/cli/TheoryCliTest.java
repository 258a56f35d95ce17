package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.theory.Harmonics;

/** sparsefeat theory and theory spectrum: their CSV files and their refusals. */
class TheoryCliTest {
    @TempDir
    Path dir;

    @Test
    void curveCsvHasOneSolvedRowPerN() throws IOException {
        Path out = dir.resolve("curve.csv");
        CliRunner.Run r = CliRunner.run("theory", "--kernel", "ntk", "--d", "5", "--target", "teacher", "--teacher-power", "1",
                "--n", "16,32,...,1024", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("n,predicted_test_mse,kappa", lines.getFirst());
        assertEquals(8, lines.size());
        double previous = Double.POSITIVE_INFINITY;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            assertEquals(16 << (i - 1), Integer.parseInt(f[0]));
            double mse = Double.parseDouble(f[1]);
            assertTrue(mse > 0 && mse < previous && mse < 0.2, lines.get(i));  // below the teacher's variance 1/d
            assertTrue(Double.parseDouble(f[2]) > 0);
            previous = mse;
        }
    }

    @Test
    void spectrumCsvWithTargetPower() {
        CliRunner.Run r = CliRunner.run("theory", "spectrum", "--kernel", "rfk1", "--d", "3", "--kmax", "4", "--target", "teacher");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals("k,eigenvalue,multiplicity,eigenvalue_resolved,target_power", lines[0]);
        assertEquals(6, lines.length);
        String[] k0 = lines[1].split(",");
        assertEquals(0.375, Double.parseDouble(k0[1]), 1e-12);
        assertEquals("1", k0[2]);
        assertEquals(0.25, Double.parseDouble(k0[4]), 1e-12);
        assertArrayEquals(new String[] {"3", "0.000000000000e+00", "7", "0", "0.000000000000e+00"}, lines[4].split(","));
    }

    @Test
    void noPredictionIsAnEmptyCellNotANumber() {
        CliRunner.Run r = CliRunner.run("theory", "--kernel", "gaussian", "--d", "3", "--n", "16,5000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\n5000,,\n"), r.out());
        assertFalse(r.out().toLowerCase().contains("nan"), r.out());
        assertTrue(r.err().contains("--ridge"), r.err());
    }

    /** The case: at d = 1000 the curve was NaN with exit 0; now finite numbers, and no warning. */
    @Test
    void largeDimensionGivesNumbers() {
        CliRunner.Run r = CliRunner.run("theory", "--kernel", "ntk", "--d", "1000", "--target", "constant", "--n", "64,256");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err().strip());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            double mse = Double.parseDouble(f[1]);
            assertTrue(mse > 0 && mse < 1 && Double.parseDouble(f[2]) > 0, lines[i]);
        }
    }

    /** Beyond a double's range the multiplicity is still printed as a number, never as Infinity. */
    @Test
    void hugeMultiplicitiesArePrintedAsNumbers() {
        CliRunner.Run r = CliRunner.run("theory", "spectrum", "--kernel", "ntk", "--d", "1000", "--kmax", "700");
        assertEquals(0, r.code(), r.err());
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        String m = last.split(",")[2];
        assertTrue(m.matches("[0-9]\\.[0-9]+e\\+[0-9]+"), last);
        // log10 N(1000, 700) = 498.18...
        assertEquals(Harmonics.logMultiplicity(1000, 700) / Math.log(10), Math.log10(Double.parseDouble(m.split("e")[0]))
                + Double.parseDouble(m.split("e\\+")[1]), 1e-8);
    }

    @Test
    void usageErrorsNameTheOptionAndWriteNothing() {
        Path out = dir.resolve("x.csv");
        String[][] bad = {
            {"theory", "--n", "16"},
            {"theory", "--d", "3"},
            {"theory", "--d", "1", "--n", "16"},
            {"theory", "--d", "10001", "--n", "16"},
            {"theory", "--d", "3", "--n", "1e12"},
            {"theory", "--d", "3", "--n", "16,abc"},
            {"theory", "--d", "3", "--n", "0"},
            {"theory", "--d", "3", "--n", "32,16,...,8"},
            {"theory", "--d", "3", "--n", "16", "--ridge", "-1"},
            {"theory", "--d", "3", "--n", "16", "--teacher-power", "2"},
            {"theory", "--d", "3", "--n", "16", "--target", "wave"},
            {"theory", "--d", "3", "--n", "16", "--kernel", "cosine"},
            {"theory", "spectrum", "--kmax", "4"},
            {"theory", "spectrum", "--d", "3", "--kmax", "-1"},
            {"theory", "spectrum", "--d", "3", "--grf-kernel", "ntk"},
        };
        String[] names = {"--d", "--n", "--d", "--d", "too large", "--n", "--n", "--n", "--ridge", "--teacher", "--target", "kernel", "--d", "--kmax",
            "--grf-kernel"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = java.util.Arrays.copyOf(bad[i], bad[i].length + 2);
            args[args.length - 2] = "--out";
            args[args.length - 1] = out.toString();
            CliRunner.Run r = CliRunner.run(args);
            assertEquals(2, r.code(), String.join(" ", bad[i]) + ": " + r.err());
            assertTrue(r.err().contains(names[i]), String.join(" ", bad[i]) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("sparsefeat theory"), r.err());
            assertFalse(Files.exists(out));
        }
    }

    /**
     * The large-d curves: d = 1000 printed NaN (kappa 9e77) with exit 0, d = 500 warned that the kernel needs
     * more modes than n. Every row is now a finite MSE below the target's power, and nothing is said.
     */
    @Test
    void largeDimensionCurvesAreNumbersWithoutWarnings() {
        for (String d : new String[] {"500", "1000", "10000"}) {
            for (String target : new String[] {"constant", "teacher"}) {
                CliRunner.Run r = CliRunner.run("theory", "--kernel", "ntk", "--d", d, "--target", target, "--n",
                        "64,256,...,4096");
                String what = "d = " + d + ", " + target + ": ";
                assertEquals(0, r.code(), what + r.err());
                assertEquals("", r.err(), what + "no warning");
                List<String> rows = r.out().strip().lines().skip(1).toList();
                assertEquals(List.of("64", "256", "1024", "4096"), rows.stream().map(l -> l.split(",")[0]).toList());
                for (String row : rows) {
                    String[] f = row.split(",");
                    double mse = Double.parseDouble(f[1]), kappa = Double.parseDouble(f[2]);
                    assertTrue(mse > 0 && mse < 1 && kappa > 0 && kappa < 1, what + row);
                }
            }
        }
    }

    /** A size the spectrum cannot serve gets empty cells (never NaN) and one warning under the command's prefix. */
    @Test
    void anUnservedSizeHasEmptyCellsAndOneWarningLine() {
        CliRunner.Run r = CliRunner.run("theory", "--kernel", "ntk", "--d", "300", "--kmax", "2", "--n", "64,4096");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\n4096,,\n"), r.out());
        assertFalse(r.out().toLowerCase(java.util.Locale.ROOT).contains("nan"), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("sparsefeat theory: no prediction at n = [4096]: "), r.err());
        assertTrue(r.err().contains("--kmax 2"), r.err());
    }

    @Test
    void progressionsOfSizes() {
        assertArrayEquals(new int[] {16, 32, 64, 128}, TheoryCommand.parseSizes("16,32,...,128"));
        assertArrayEquals(new int[] {16, 32, 64}, TheoryCommand.parseSizes("16,32,...,100"));
        // the order written, repeats kept: row i answers the i-th size
        assertArrayEquals(new int[] {300, 20, 10, 20}, TheoryCommand.parseSizes("300, 20,10,20"));
        assertArrayEquals(new int[] {5, 3, 1}, TheoryCommand.parseSizes("5,3,1"));
        assertArrayEquals(new int[] {1000, 64, 128, 256}, TheoryCommand.parseSizes("1e3,64,128,...,256"));
        assertArrayEquals(new int[] {100, 1000, 10000}, TheoryCommand.parseSizes("100,1000,...,10000"));
    }
}
