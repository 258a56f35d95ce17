package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real process: bench stopped by Ctrl-C keeps the rows that finished and writes the report of what ran. */
class BenchProcessTest {
    @TempDir
    Path dir;

    @Test
    void ctrlCKeepsTheFinishedRowsAndWritesTheirReport() throws Exception {
        String signal = KrrProcessTest.sigintIgnored() ? "TERM" : "INT";  // see KrrProcessTest
        Path out = dir.resolve("b");
        Process child = new ProcessBuilder(ChildJvm.command(List.of("bench", "--suite", "quick", "--no-peers",
                "--backend", "cpu", "--threads", "1", "--out", out.toString())))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> err = new ArrayList<>();
        int finished = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                err.add(line);
                if (line.startsWith("bench [3/")) {
                    finished = 3;
                    break;
                }
            }
            assertEquals(3, finished, String.join("\n", err));
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor());
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "bench answers Ctrl-C within seconds");
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                err.add(line);
            }
            assertEquals(signal.equals("INT") ? 130 : 143, child.exitValue(), String.join("\n", err));
        } finally {
            child.destroyForcibly();
        }
        assertEquals("interrupted; the rows that finished are in " + out, err.getLast(), String.join("\n", err));
        JsonNode doc = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertFalse(doc.get("complete").asBoolean());
        int rows = doc.get("rows").size();
        long lines = err.stream().filter(l -> l.startsWith("bench [")).count();
        assertEquals(lines, rows, "every row reported is kept, and only those");
        assertTrue(rows >= 3 && rows < 20, "rows: " + rows);
        assertTrue(Files.readString(out.resolve("report.html")).contains("Interrupted"));
        assertEquals(rows + 1, Files.readAllLines(out.resolve("bench.csv")).size());
    }
}
