package org.sparsefeat.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * classify/ reaches the hot paths only through the Backend seam: a backend that computes elsewhere than its name says
 * must be able to record it (issue 14), which a direct call into the CPU backend's natives or OpenBLAS would bypass.
 */
class ClassifyLayerTest {
    private static final Path SOURCES = Path.of(System.getProperty("basedir", "."), "java/org/sparsefeat/classify");
    private static final Pattern PAST_THE_SEAM = Pattern.compile(
            "org\\.sparsefeat\\.backend\\.(cpu|cuda)\\b|org\\.sparsefeat\\.linalg\\.OpenBlas\\b|org\\.sparsefeat\\.ffm\\b"
                    + "|\\bNativeKernels\\b|\\bOpenBlas\\.");

    @Test
    void classifyDoesNotReachPastTheBackend() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(SOURCES)) {
            files = s.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(files.size() >= 4, "found the sources: " + files);
        List<String> offending = files.stream().flatMap(f -> {
            try {
                List<String> lines = Files.readAllLines(f);
                return java.util.stream.IntStream.range(0, lines.size())
                        .filter(i -> PAST_THE_SEAM.matcher(lines.get(i)).find())
                        .mapToObj(i -> f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertEquals(List.of(), offending);
    }

    @Test
    void thePatternCatchesWhatItShould() {
        for (String line : List.of("import org.sparsefeat.backend.cpu.NativeKernels;", "import org.sparsefeat.linalg.OpenBlas;",
                "double[] f = OpenBlas.gemv(a, w);", "import org.sparsefeat.ffm.Native;", "import org.sparsefeat.backend.cuda.CudaBackend;")) {
            assertTrue(PAST_THE_SEAM.matcher(line).find(), line);
        }
        for (String line : List.of("import org.sparsefeat.backend.Backend;", "import org.sparsefeat.linalg.Matrix;")) {
            assertTrue(!PAST_THE_SEAM.matcher(line).find(), line);
        }
    }
}
