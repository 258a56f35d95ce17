package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sparsefeat sparse: its result file and its refusals. */
class SparseCliTest {
    @TempDir
    Path dir;

    /**
     * Without libClp (the system property sparsefeat.clp naming a file that is not there, in a JVM of its own since the
     * library is bound once per JVM): one line naming the apt package, exit 1 as the other missing native libraries,
     * no trace and no result file.
     */
    @Test
    void missingClpIsOneLineNamingThePackage() throws Exception {
        Path out = dir.resolve("s.json");
        java.util.List<String> cmd = ChildJvm.command(java.util.List.of("sparse", "--lp", "clp", "--d", "3", "--n", "8",
                "--n-test", "10", "--target", "constant", "--progress", "none", "--out", out.toString()));
        cmd.add(1, "-Dsparsefeat.clp=" + dir.resolve("no-such-dir").resolve("libClp.so.1"));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), err);
        assertEquals(1, p.exitValue(), err);
        java.util.List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.getFirst().startsWith("sparsefeat sparse: "), err);
        assertTrue(lines.getFirst().contains("apt-get install coinor-libclp1"), err);
        assertTrue(lines.getFirst().contains("no-such-dir"), "names where it looked: " + err);
        assertFalse(Files.exists(out));
    }

    @Test
    void writesTheInterpolantWithItsAtomsAndCertificate() throws IOException {
        Path out = dir.resolve("s.json");
        CliRunner.Run r = CliRunner.run("sparse", "--d", "3", "--n", "32", "--n-test", "200", "--target", "constant",
                "--progress", "none", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sparse n=32 d=3: converged"), r.out());
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertEquals("sparse", j.get("command").asText());
        int atoms = j.get("atoms").get("count").asInt();
        assertTrue(atoms >= 1 && atoms <= 32, "atoms " + atoms);
        assertEquals(atoms, j.get("atoms").get("theta").size());
        assertEquals(atoms, j.get("atoms").get("w").size());
        assertTrue(j.get("residual").asDouble() <= 1e-9);
        assertTrue(j.get("train_mse").asDouble() <= 1e-18);
        assertTrue(j.get("test_mse").asDouble() > 0);
        assertTrue(j.get("duality_gap").asDouble() >= 0 && j.get("duality_gap").asDouble() < 1e-5);
        assertTrue(j.get("rotation_stability").get("value").isNumber());
        double sum = 0;
        for (JsonNode w : j.get("atoms").get("w")) {
            sum += Math.abs(w.asDouble());
        }
        assertEquals(j.get("objective").asDouble(), sum, 1e-12 * sum);
    }

    /** {kind: sparse} in a sweep: a curve whose fitted beta the report gives beside the predicted 2.5 at d = 3. */
    @Test
    void sweepMethodSparseGivesACurveNearThePredictedExponent() throws IOException {
        Path spec = Files.writeString(dir.resolve("s.yaml"), String.join("\n", "name: sparse-test", "methods:",
                "  - {kind: sparse}", "d: [3]", "n: [8, 16, 32, 64]", "seeds: [0]", "n_test: 500",
                "target: {kind: constant}", "fit: {n_min: 8, n_max: 64}", ""));
        Path out = dir.resolve("out");
        CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        java.util.List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        assertEquals(4, lines.size());
        for (String line : lines) {
            JsonNode j = new ObjectMapper().readTree(line);
            assertEquals("sparse", j.get("kind").asText());
            assertEquals("ok", j.get("status").asText(), line);
            assertTrue(j.get("atoms").asInt() <= j.get("n").asInt(), line);
        }
        CliRunner.Run report = CliRunner.run("report", out.toString());
        assertEquals(0, report.code(), report.err());
        String row = report.out().lines().filter(l -> l.startsWith("sparse ")).findFirst().orElseThrow();
        String[] f = row.trim().split("\\s+");
        double beta = Double.parseDouble(f[2]), predicted = Double.parseDouble(f[3]);
        assertEquals(2.5, predicted, 1e-12);
        assertTrue(beta > 1.5 && beta < 4, row);  // one seed from n = 8: a loose band around 2.5
        // N_A against n, as for nets: the report's last column, and a plot beside the N_A = n line
        double atomSlope = Double.parseDouble(f[f.length - 1]);
        assertTrue(atomSlope > 0.5 && atomSlope < 1.5, row);
        assertTrue(Files.exists(out.resolve("plots/atoms-d3.png")), "the atoms plot");
        assertTrue(Files.readString(out.resolve("plots/atoms-d3.svg")).contains("sparse (N_A, merged atoms)"));
    }

    @Test
    void sparseMethodRefusesABadTolerance() throws IOException {
        Path spec = Files.writeString(dir.resolve("t.yaml"), String.join("\n", "name: t", "methods:",
                "  - {kind: sparse, tolerance: -1}", "d: [3]", "n: [8]", "seeds: [0]", ""));
        CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("tolerance"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Path lp = Files.writeString(dir.resolve("l.yaml"), String.join("\n", "name: l", "methods:",
                "  - {kind: sparse, lp: glpk}", "d: [3]", "n: [8]", "seeds: [0]", ""));
        CliRunner.Run bad = CliRunner.run("sweep", lp.toString(), "--out", dir.resolve("o2").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("methods[0].lp") && bad.err().contains("barrier, simplex or clp"), bad.err());
    }

    /** The three solvers give the same interpolant's cost on the same data (clp where it is installed). */
    @Test
    void everySolverGivesTheSameObjective() throws IOException {
        java.util.Map<String, Double> objective = new java.util.LinkedHashMap<>();
        for (String lp : new String[] {"barrier", "simplex", "clp"}) {
            if (lp.equals("clp") && org.sparsefeat.sparse.LpSolver.CLP.missing() != null) {
                continue;
            }
            Path out = dir.resolve(lp + ".json");
            CliRunner.Run r = CliRunner.run("sparse", "--d", "3", "--n", "40", "--n-test", "100", "--target",
                    "constant", "--lp", lp, "--progress", "none", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            JsonNode j = new ObjectMapper().readTree(out.toFile());
            assertEquals(lp, j.get("lp").asText());
            assertTrue(j.get("atoms").get("count").asInt() <= 40);
            assertTrue(j.get("residual").asDouble() <= 1e-9, lp + ": residual " + j.get("residual"));
            objective.put(lp, j.get("objective").asDouble());
        }
        double barrier = objective.get("barrier");
        for (var e : objective.entrySet()) {  // each within the column generation's own tolerance of the others
            assertEquals(barrier, e.getValue(), 1e-6 * barrier, e.getKey());
        }
    }

    @Test
    void badInputIsOneLineAndExitTwoBeforeAnyWork() {
        for (String[] args : new String[][] {{"--tolerance", "0"}, {"--max-iterations", "0"}, {"--grid", "-3"},
                {"--target", "wave"}, {"--progress", "loud"}, {"--lp", "glpk"}}) {
            String[] full = new String[args.length + 3];
            full[0] = "sparse";
            full[1] = "--n";
            full[2] = "8";
            System.arraycopy(args, 0, full, 3, args.length);
            CliRunner.Run r = CliRunner.run(full);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("sparsefeat sparse: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void refusesToOverwriteAnInput() throws IOException {
        Path x = dir.resolve("x.npy");
        Files.writeString(x, "not npy");
        CliRunner.Run r = CliRunner.run("sparse", "--x-train", x.toString(), "--y-train", x.toString(), "--x-test",
                x.toString(), "--y-test", x.toString(), "--out", x.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("not npy", Files.readString(x));
    }
}
