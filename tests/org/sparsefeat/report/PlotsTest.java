package org.sparsefeat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    @TempDir
    Path dir;

    /** The text of every SVG text element, in document order. */
    private static List<String> texts(String svg) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<text[^>]*>([^<]*)</text>").matcher(svg);
        while (m.find()) {
            out.add(m.group(1).replace("&amp;", "&"));
        }
        return out;
    }

    /** An R_f plot as fig6 draws it: n from 128 to 2048, R_f between 0.3 and 0.9 (less than a decade). */
    @Test
    void anRfPlotSpanningLessThanADecadeLabelsBothAxes() throws Exception {
        double[] n = {128, 256, 512, 1024, 2048};
        List<Plots.Series> series = List.of(
                new Plots.Series("net-feature", n, new double[] {0.85, 0.7, 0.55, 0.42, 0.31},
                        new double[] {0.05, 0.04, 0.04, 0.03, 0.02}, false, 0),
                new Plots.Series("svm-ntk", n, new double[] {0.6, 0.6, 0.62, 0.61, 0.6}, null, false, 1));
        byte[] png = Plots.logLog(dir.resolve("stability-mnist"), "R_f against n, mnist", "n", "R_f", series);
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        assertArrayEquals(png, Files.readAllBytes(dir.resolve("stability-mnist.png")));
        List<String> t = texts(Files.readString(dir.resolve("stability-mnist.svg")));
        // x: 128..2048 with margins holds the decade 1000 only, so 200, 500, 1000, 2000 are labelled
        assertTrue(t.containsAll(List.of("200", "500", "1000", "2000")), t.toString());
        // y: about 0.28..0.95 holds no decade at all: 0.3 .. 0.9 are labelled
        assertTrue(t.containsAll(List.of("0.3", "0.5", "0.9")), t.toString());
        assertTrue(t.containsAll(List.of("n", "R_f", "R_f against n, mnist", "net-feature", "svm-ntk")), t.toString());
        assertFalse(t.stream().anyMatch(s -> s.contains("E-") || s.contains("E0")), "no Java 1E-4 style: " + t);
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "the PNG and the SVG, no temporary file left");
        }
    }

    /** Like any Unix tool: the umask sets the permissions, and a symbolic link is written through, not replaced. */
    @Test
    void plotFilesGetTheUmasksPermissionsAndFollowSymbolicLinks() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("r.png"), "old");
        Files.createSymbolicLink(dir.resolve("r.png"), elsewhere.resolve("r.png"));
        List<Plots.Series> one = List.of(new Plots.Series("s", new double[] {1, 10}, new double[] {1, 2}, null, false, 0));
        byte[] png = Plots.logLog(dir.resolve("r"), "t", "x", "y", one);
        assertTrue(Files.isSymbolicLink(dir.resolve("r.png")), "the link stays a link");
        assertArrayEquals(png, Files.readAllBytes(elsewhere.resolve("r.png")));
        Path plain = Files.createFile(dir.resolve("made-by-createFile"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dir.resolve("r.svg")));
    }

    @Test
    void aLearningCurveOverDecadesLabelsEachDecadeInTheSvg() throws Exception {
        double[] n = {16, 32, 64, 128, 256};
        List<Plots.Series> series = List.of(
                new Plots.Series("krr-ntk", n, new double[] {2e-1, 3e-2, 4e-3, 6e-4, 8e-5}, null, false, 0),
                new Plots.Series("fit", new double[] {16, 256}, new double[] {2e-1, 8e-5}, null, true, 0),
                new Plots.Series("N_A = n", new double[] {16, 256}, new double[] {1, 2}, null, true, 7),
                new Plots.Series("N_A = n", new double[] {16, 256}, new double[] {1, 2}, null, true, 7),
                new Plots.Series("all zero", n, new double[5], null, false, 2));
        Plots.logLog(dir.resolve("curve"), "curve", "n (training points)", "test MSE", series);
        List<String> t = texts(Files.readString(dir.resolve("curve.svg")));
        assertTrue(t.containsAll(List.of("10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰")), t.toString());
        assertTrue(t.containsAll(List.of("20", "50", "100", "200")), t.toString());
        assertEquals(1, t.stream().filter("N_A = n"::equals).count(), "a shared legend entry shows once: " + t);
        assertFalse(t.contains("all zero"), "a series with no positive point has no legend entry: " + t);
    }
}
