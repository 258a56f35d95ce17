package org.sparsefeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** scripts/mvn, which the launcher runs on every rebuild, prints Maven's output and nothing else. */
class BuildScriptTest {
    private static final Path BASEDIR = Path.of(System.getProperty("basedir", "."));

    /** Maven's jansi wrote a colour reset (ESC[0m) around its output even in batch mode: four per rebuild. */
    @Test
    void mavenThroughTheScriptWritesNoEscapeCodes() throws Exception {
        Process p = new ProcessBuilder(BASEDIR.resolve("scripts/mvn").toString(), "-v").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "mvn -v finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("3.") || out.contains("Maven"), "Maven's version: " + out);
        assertFalse(out.contains("\u001b"), "no escape code: " + out.replace("\u001b", "ESC"));
    }
}
