package org.sparsefeat.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.util.InvalidInputException;

class BenchCompareTest {
    @TempDir
    Path dir;

    /** A ladder t = c n^k with the given repeat factors (the first repeat is the fastest). */
    static List<Row> ladder(String path, int k, double scale, double... repeats) {
        List<Row> rows = new ArrayList<>();
        for (int n : new int[] {1000, 2000, 4000}) {
            double t = scale * 1e-10 * Math.pow(n, k);
            double[] s = new double[repeats.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = t * repeats[i];
            }
            rows.add(new Row(Row.PATH, path, "sparsefeat cpu", n, "n=" + n, "n^3/3 flops", Math.pow(n, 3) / 3, "GFLOP/s",
                    new Timing(s), 100, Double.NaN, ""));
        }
        return rows;
    }

    Path write(String name, List<Row> rows) throws Exception {
        Path d = dir.resolve(name);
        BenchFiles.write(d, Map.of("cpu", "test"), "toy", rows, false);
        return d.resolve(BenchFiles.JSON_FILE);
    }

    @Test
    void aRowMadeTwiceAsSlowIsARegressionAndAnHonestPairIsNot() throws Exception {
        List<Row> base = new ArrayList<>(ladder("cholesky", 3, 1, 1.0, 1.03, 1.05));
        base.addAll(ladder("gram", 2, 1, 1.0, 1.02, 1.04));
        List<Row> honest = new ArrayList<>(ladder("cholesky", 3, 1.08, 1.0, 1.04, 1.02));  // 8% slower: noise
        honest.addAll(ladder("gram", 2, 0.95, 1.0, 1.01, 1.06));
        List<Row> doctored = new ArrayList<>(base);
        Row r = doctored.get(4);
        double[] twice = java.util.Arrays.stream(r.timing().seconds()).map(x -> 2 * x).toArray();
        doctored.set(4, new Row(r.kind(), r.path(), r.impl(), r.n(), r.shape(), r.workModel(), r.work(), r.unit(),
                new Timing(twice), r.ceiling(), r.exponent(), r.note()));
        Path a = write("a", base), b = write("b", honest), c = write("c", doctored);

        assertFalse(BenchCompare.compare(a, b).regressed());
        BenchCompare.Outcome o = BenchCompare.compare(a, c);
        assertTrue(o.regressed());
        List<BenchCompare.Line> slower = o.lines().stream().filter(BenchCompare.Line::regressed).toList();
        assertEquals(1, slower.size());
        assertEquals("path gram sparsefeat cpu n=2000", slower.getFirst().key());
        assertEquals(2.0, slower.getFirst().ratio(), 1e-12);
        // benchmarks/guard.sh's margin is the floor of the band: 2.5x lets a 2x row pass
        assertFalse(BenchCompare.compare(a, c, 2.5).regressed());
    }

    @Test
    void noisyRepeatsWidenTheBandAndQuietOnesGetTheFloor() {
        assertEquals(1 + BenchCompare.MIN_NOISE, BenchCompare.band(new double[] {1, 1.01, 1.02}, new double[] {2, 2, 2}),
                1e-12);
        // medians 60% and 40% above the minima: the band is 1 + 2 (0.6 + 0.4) = 3, so a 2x row is within it
        assertEquals(3.0, BenchCompare.band(new double[] {1, 1.6, 1.7}, new double[] {1, 1.4, 1.5}), 1e-12);
    }

    @Test
    void aFileThatIsNotABenchResultIsAUsageErrorNamingIt() throws Exception {
        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"command\": \"krr\"}");
        Path ok = write("ok", ladder("gram", 2, 1, 1.0));
        var e = assertThrows(InvalidInputException.class, () -> BenchCompare.compare(other, ok));
        assertTrue(e.getMessage().startsWith("OLD.json " + other + " is not a bench.json"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> BenchCompare.compare(ok, dir.resolve("missing.json")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void theExponentFitRecoversTheGrowthOfSyntheticTimings() {
        assertEquals(3.0, BenchRun.exponent(ladder("cholesky", 3, 1, 1.0)), 1e-9);
        assertEquals(2.0, BenchRun.exponent(ladder("gram", 2, 7, 1.0, 1.5)), 1e-9);
        // +-10% noise on the three sizes moves the slope over a factor 4 of n by at most log(1.1/0.9)/log(4)
        List<Row> noisy = ladder("cholesky", 3, 1, 1.0);
        double[] f = {1.1, 0.9, 1.1};
        for (int i = 0; i < noisy.size(); i++) {
            Row r = noisy.get(i);
            noisy.set(i, new Row(r.kind(), r.path(), r.impl(), r.n(), r.shape(), r.workModel(), r.work(), r.unit(),
                    new Timing(new double[] {r.min() * f[i]}), r.ceiling(), r.exponent(), r.note()));
        }
        assertEquals(3.0, BenchRun.exponent(noisy), Math.log(1.1 / 0.9) / Math.log(4) + 1e-12);
        assertTrue(Double.isNaN(BenchRun.exponent(List.of(noisy.getFirst()))));
    }

    @Test
    void anAbsentPeerIsARowWithNullsNeverNaN() {
        Map<String, Object> m = Row.absent("gram", "numpy/scipy", 10, "n=10", "no python3 on the PATH").toMap();
        assertEquals(null, m.get("min_seconds"));
        assertEquals(null, m.get("rate"));
        assertEquals("no python3 on the PATH", m.get("note"));
        assertFalse(BenchFiles.csv(List.of(Row.absent("gram", "x", 1, "n=1", "why"))).contains("NaN"));
    }
}
