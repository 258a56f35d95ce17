package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.backend.cuda.Emulator;

/** sparsefeat bench end to end on the toy suite (seconds), and bench compare's exit codes. */
class BenchCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theToySuiteWritesEveryFileWithSaneRowsAndCompareGatesOnThem() throws Exception {
        Path out = dir.resolve("b");
        CliRunner.Run r = CliRunner.run("bench", "--suite", "toy", "--backend", "cpu", "--threads", "1", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("bench [1/"), r.err());
        assertTrue(r.err().contains("ETA"), r.err());
        JsonNode doc = JSON.readTree(out.resolve("bench.json").toFile());
        assertTrue(doc.get("complete").asBoolean());
        assertFalse(doc.get("machine").get("cpu").asText().isEmpty());
        Set<String> paths = new HashSet<>();
        Map<String, Integer> peers = new HashMap<>();
        for (JsonNode row : doc.get("rows")) {
            if (row.get("kind").asText().equals("peer")) {
                peers.merge(row.get("impl").asText(), 1, Integer::sum);
                if (row.get("min_seconds").isNull()) {  // an absent peer says why
                    assertFalse(row.get("note").asText().isEmpty(), row.toString());
                    continue;
                }
            }
            paths.add(row.get("path").asText());
            double min = row.get("min_seconds").asDouble(), median = row.get("median_seconds").asDouble();
            assertTrue(min > 0 && min <= median, row.toString());
            assertTrue(row.get("rate").asDouble() > 0, row.toString());
            if (row.get("kind").asText().equals("path")) {
                assertTrue(Double.isFinite(row.get("exponent").asDouble()) && !row.get("exponent").isNull(), row.toString());
                assertTrue(row.get("fraction_of_ceiling").asDouble() > 0, row.toString());
            }
        }
        assertEquals(Set.of("gemm", "triad", "gram", "gram_images", "cholesky", "cholesky_tiled", "krr", "gd_step",
                "flow_step"), paths);
        // the host's peers: numpy/scipy and PyTorch on the CPU, each on gram, gram_images, cholesky, krr and gd at 2
        // sizes, or, where python3 lacks the library, one row for all paths that says why
        assertEquals(Set.of("numpy/scipy", "PyTorch cpu"), peers.keySet(), peers.toString());
        for (int count : peers.values()) {
            assertTrue(count == 5 * 2 || count == 1, peers.toString());
        }
        assertEquals(doc.get("rows").size() + 1, Files.readAllLines(out.resolve("bench.csv")).size());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<img") && html.contains("Fraction of the GEMM ceiling"), html);
        assertFalse(html.replaceAll("data:image/png;base64,[A-Za-z0-9+/=]*", "").contains("NaN"));

        Path json = out.resolve("bench.json");
        CliRunner.Run same = CliRunner.run("bench", "compare", json.toString(), json.toString());
        assertEquals(0, same.code(), same.out() + same.err());
        assertTrue(same.out().contains("bench compare: ok"), same.out());

        ObjectNode doctored = (ObjectNode) JSON.readTree(json.toFile());
        ObjectNode cholesky = null;
        for (JsonNode row : doctored.get("rows")) {
            if (row.get("path").asText().equals("cholesky") && row.get("kind").asText().equals("path")) {
                cholesky = (ObjectNode) row;
                break;
            }
        }
        ArrayNode seconds = (ArrayNode) cholesky.get("seconds");
        for (int i = 0; i < seconds.size(); i++) {
            seconds.set(i, 2 * seconds.get(i).asDouble());
        }
        Path slow = dir.resolve("slow.json");
        JSON.writeValue(slow.toFile(), doctored);
        CliRunner.Run regressed = CliRunner.run("bench", "compare", json.toString(), slow.toString());
        assertEquals(1, regressed.code(), regressed.out() + regressed.err());
        assertTrue(regressed.out().contains("path cholesky sparsefeat cpu " + cholesky.get("shape").asText()),
                regressed.out());
        assertTrue(regressed.out().contains("REGRESSION: 1 row "), regressed.out());
    }

    @Test
    void badInputIsOneLineAndExitCodeTwoBeforeAnyWork() throws Exception {
        CliRunner.Run r = CliRunner.run("bench", "--suite", "huge", "--out", dir.resolve("x").toString());
        assertEquals(2, r.code());
        assertEquals("sparsefeat bench: --suite huge is not one of quick, standard, full or toy", r.err().strip());
        assertFalse(Files.exists(dir.resolve("x").resolve("bench.json")));

        Path file = Files.writeString(dir.resolve("f"), "x");
        r = CliRunner.run("bench", "--suite", "toy", "--out", file.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--out " + file), r.err());

        r = CliRunner.run("bench", "compare", "--min-band", "0.9", file.toString(), file.toString());
        assertEquals(2, r.code());
        assertEquals("sparsefeat bench compare: --min-band must be a factor above 1 (e.g. 1.5), got 0.9", r.err().strip());

        r = CliRunner.run("bench", "compare", dir.resolve("none.json").toString(), file.toString());
        assertEquals(2, r.code());
        assertEquals("sparsefeat bench compare: OLD.json " + dir.resolve("none.json") + " does not exist",
                r.err().strip());
    }

    @Test
    void cudaOnTheEmulatorRunsTheToySuiteOnTheDevice() throws Exception {
        assumeTrue(Emulator.available(), Emulator::whyNot);
        Path out = dir.resolve("cuda");
        CliRunner.Run r = CliRunner.run("bench", "--backend", "cuda", "--suite", "quick", "--threads", "1",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("CUDA emulator"), r.err());
        JsonNode doc = JSON.readTree(out.resolve("bench.json").toFile());
        assertEquals("toy", doc.get("suite").asText());
        JsonNode cholesky = null;
        Map<String, JsonNode> ceilings = new HashMap<>();
        Set<String> peers = new HashSet<>();
        for (JsonNode row : doc.get("rows")) {
            if (row.get("impl").asText().equals("sparsefeat cuda") && row.get("path").asText().equals("cholesky")) {
                cholesky = row;
            }
            if (row.get("kind").asText().equals("ceiling")) {
                ceilings.put(row.get("path").asText(), row);
            }
            if (row.get("kind").asText().equals("peer")) {
                peers.add(row.get("impl").asText());
                assertFalse(row.get("note").asText().isEmpty(), row.toString());  // no GPU for them here
            }
        }
        assertNotNull(cholesky, doc.toString());
        // the device's own ceilings: cuBLAS's GEMM (the device paths' roof) and the copies each way
        for (String c : List.of("device_gemm", "host_to_device", "device_to_host")) {
            assertTrue(ceilings.containsKey(c), ceilings.keySet().toString());
            assertTrue(ceilings.get(c).get("rate").asDouble() > 0, ceilings.get(c).toString());
        }
        double deviceGemm = ceilings.get("device_gemm").get("rate").asDouble();
        assertEquals(deviceGemm, cholesky.get("ceiling").asDouble(), 0.0, cholesky.toString());
        assertNotEquals(deviceGemm, ceilings.get("gemm").get("rate").asDouble());
        // a GPU run's peers are the GPU's libraries; without a GPU each is one row that says why
        assertEquals(Set.of("PyTorch cuda", "CuPy"), peers);
    }
}
