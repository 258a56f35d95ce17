package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.data.Npy;

/** The commands' result files: permissions, links, pipes, checks before the work, one file per output. */
class OutputCliTest {
    @TempDir
    Path dir;

    private String p(String name) { return dir.resolve(name).toString(); }

    private static final String[] SMALL = {"--d", "3", "--n", "20", "--n-test", "10", "--threads", "1"};

    private static String[] krr(String... more) {
        List<String> a = new ArrayList<>(List.of("krr"));
        a.addAll(List.of(SMALL));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Runs the command line in a fresh JVM under a shell, so that the umask and stdout are real. */
    private static ProcessResult shell(Path cwd, String script) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).directory(cwd.toFile());
        pb.environment().put("SF", "'" + java + "' --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true -cp '"
                + System.getProperty("java.class.path") + "' org.sparsefeat.cli.Main");
        Process proc = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "the subprocess finished");
        return new ProcessResult(proc.exitValue(), out, err.join());
    }

    private record ProcessResult(int code, String out, String err) {}

    @Test
    void filesHonourTheUmaskAndDevStdoutCarriesTheResultAlone() throws Exception {
        String args = String.join(" ", SMALL);
        ProcessResult r = shell(dir, "umask 027; eval \"$SF krr " + args + " --out r.json\" >/dev/null"
                + " && eval \"$SF data " + args + " --out-x X.npy --out-y y.npy --out-x-test Xt.npy --out-y-test yt.npy\""
                + " >/dev/null && eval \"$SF krr " + args + " --out /dev/stdout\"");
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"r.json", "X.npy", "yt.npy"}) {
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
        }
        JsonNode j = new ObjectMapper().readTree(r.out());  // stdout holds the JSON and nothing else
        assertEquals(20, j.get("n").asInt());
        assertTrue(r.err().contains("test_mse=") && r.err().contains("wrote /dev/stdout"),
                "the summary moves to stderr: " + r.err());
    }

    @Test
    void aSymbolicLinkStaysALinkAndAFifoIsWrittenInPlace() throws Exception {
        Files.createDirectories(dir.resolve("runs"));
        Files.createSymbolicLink(dir.resolve("latest.json"), Path.of("runs/r1.json"));
        CliRunner.Run r = CliRunner.run(krr("--out", p("latest.json")));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(dir.resolve("latest.json")));
        assertEquals(20, new ObjectMapper().readTree(dir.resolve("runs/r1.json").toFile()).get("n").asInt());

        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo is not available");
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliRunner.Run g = CliRunner.run("data", "--d", "3", "--n", "7", "--out-x", fifo.toString(), "--out-y", p("y.npy"));
        assertEquals(0, g.code(), g.err());
        byte[] npy = reader.get(60, TimeUnit.SECONDS);
        Files.write(dir.resolve("copy.npy"), npy);
        assertEquals(7, Npy.readMatrix(dir.resolve("copy.npy"), "copy").rows());
        assertFalse(Files.isRegularFile(fifo), "the FIFO was not replaced by a file");
    }

    @Test
    void anOutputThatCannotBeWrittenFailsBeforeTheWorkNamingPathAndReason() throws IOException {
        Files.writeString(dir.resolve("plain"), "");
        CliRunner.Run r = CliRunner.run(krr("--out", p("plain/r.json")));
        assertEquals(2, r.code());
        assertEquals("sparsefeat krr: --out " + p("plain/r.json") + ": cannot create the directory " + p("plain") + " ("
                + p("plain") + " exists and is not a directory)", r.err().strip());
        assertEquals("", r.out(), "nothing was computed");
        if (Files.isDirectory(Path.of("/proc"))) {
            CliRunner.Run proc = CliRunner.run(krr("--out", "/proc/sparsefeat-r.json"));
            assertEquals(2, proc.code());
            assertTrue(proc.err().startsWith("sparsefeat krr: --out /proc/sparsefeat-r.json: cannot create a file in /proc ("),
                    proc.err());
            assertEquals("", proc.out());
        }
        CliRunner.Run sweep = CliRunner.run("sweep", "--preset", "demo", "--scale", "small", "--out", p("plain/runs"));
        assertEquals(2, sweep.code());
        assertEquals("sparsefeat sweep: --out " + p("plain/runs") + ": cannot create this directory (not a directory)",
                sweep.err().strip());
        assertEquals("", sweep.out());
        // a directory option is named as typed, not by the files it would hold
        CliRunner.Run weights = CliRunner.run("train", "--d", "3", "--n", "12", "--n-test", "5", "--h", "10",
                "--max-steps", "5", "--save-weights", p("plain"));
        assertEquals(2, weights.code(), weights.err());
        assertEquals("sparsefeat train: --save-weights " + p("plain") + " exists and is not a directory",
                weights.err().strip());
        CliRunner.Run isDir = CliRunner.run("gram", "--x", p("missing.npy"), "--out", dir.toString());
        assertEquals(2, isDir.code());
        assertTrue(isDir.err().contains("--out " + dir + " is a directory"), isDir.err());
    }

    @Test
    void twoOutputsOfOneCommandNamingOneFileAreRefused() throws IOException {
        CliRunner.Run d = CliRunner.run("data", "--n", "10", "--out-x", p("o.npy"), "--out-y", p("o.npy"));
        assertEquals(2, d.code());
        assertTrue(d.err().contains("--out-x " + p("o.npy") + " and --out-y " + p("o.npy") + " name the same file"),
                d.err());
        Files.createSymbolicLink(dir.resolve("alias.npy"), dir.resolve("X.npy"));
        CliRunner.Run viaLink = CliRunner.run("data", "--n", "10", "--n-test", "5", "--out-x", p("X.npy"), "--out-y",
                p("y.npy"), "--out-x-test", p("Xt.npy"), "--out-y-test", p("alias.npy"));
        assertEquals(2, viaLink.code(), viaLink.err());
        CliRunner.Run weights = CliRunner.run("train", "--h", "10", "--max-steps", "10", "--progress", "none", "--out",
                p("w/w1.npy"), "--save-weights", p("w"));
        assertEquals(2, weights.code(), weights.err());
        assertTrue(weights.err().contains("name the same file"), weights.err());
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().matches("alias.npy|w")), "nothing written");
        }
    }

    @Test
    void anOutputNamingAnInputIsRefusedBeforeAnyWork() throws Exception {
        assertEquals(0, CliRunner.run("data", "--d", "3", "--n", "12", "--n-test", "5", "--out-x", p("X.npy"), "--out-y",
                p("y.npy"), "--out-x-test", p("Xt.npy"), "--out-y-test", p("yt.npy")).code());
        Files.createLink(dir.resolve("hard.npy"), dir.resolve("y.npy"));
        Files.createSymbolicLink(dir.resolve("soft.npy"), dir.resolve("X.npy"));
        byte[] x = Files.readAllBytes(dir.resolve("X.npy")), y = Files.readAllBytes(dir.resolve("y.npy"));
        String[] files = {"--x-train", p("X.npy"), "--y-train", p("y.npy"), "--x-test", p("Xt.npy"), "--y-test", p("yt.npy")};

        CliRunner.Run gram = CliRunner.run("gram", "--x", p("X.npy"), "--out", p("X.npy"));
        assertEquals(2, gram.code(), gram.err());
        assertEquals("sparsefeat gram: --out " + p("X.npy") + " is the input --x " + p("X.npy") + " (the same file);"
                + " writing the result there would replace the data: choose another file", gram.err().strip());
        assertEquals("", gram.out());
        CliRunner.Run viaLink = CliRunner.run("gram", "--x", p("Xt.npy"), "--y", p("soft.npy"), "--out", p("X.npy"));
        assertEquals(2, viaLink.code(), viaLink.err());
        assertTrue(viaLink.err().contains("is the input --y " + p("soft.npy")), viaLink.err());

        List<String> krr = new ArrayList<>(List.of("krr", "--threads", "1"));
        krr.addAll(List.of(files));
        krr.addAll(List.of("--out", p("hard.npy")));  // a hard link to --y-train's file
        CliRunner.Run k = CliRunner.run(krr.toArray(String[]::new));
        assertEquals(2, k.code(), k.err());
        assertTrue(k.err().startsWith("sparsefeat krr: --out " + p("hard.npy") + " is the input --y-train " + p("y.npy")),
                k.err());
        assertEquals("", k.out(), "nothing was computed");
        List<String> sparse = new ArrayList<>(List.of("sparse"));
        sparse.addAll(List.of(files));
        sparse.addAll(List.of("--out", p("soft.npy")));  // a symbolic link to --x-train's file
        CliRunner.Run sp = CliRunner.run(sparse.toArray(String[]::new));
        assertEquals(2, sp.code(), sp.err());
        assertTrue(sp.err().startsWith("sparsefeat sparse: --out " + p("soft.npy") + " is the input --x-train " + p("X.npy")),
                sp.err());

        List<String> train = new ArrayList<>(List.of("train", "--h", "10", "--max-steps", "5", "--progress", "none"));
        train.addAll(List.of(files));
        train.addAll(List.of("--save-weights", dir.toString()));
        Files.copy(dir.resolve("X.npy"), dir.resolve("w1.npy"));
        train.set(train.indexOf(p("X.npy")), p("w1.npy"));  // the training inputs are the weights' file
        CliRunner.Run t = CliRunner.run(train.toArray(String[]::new));
        assertEquals(2, t.code(), t.err());
        assertTrue(t.err().contains("--save-weights " + dir.resolve("w1.npy") + " is the input --x-train"), t.err());
        // training on from saved weights into the same directory would replace them
        CliRunner.Run resume = CliRunner.run("train", "--d", "3", "--n", "12", "--n-test", "5", "--max-steps", "5",
                "--progress", "none", "--init-w1", p("w1.npy"), "--save-weights", dir.toString());
        assertEquals(2, resume.code(), resume.err());
        assertTrue(resume.err().contains("is the input --init-w1 " + p("w1.npy")), resume.err());

        assertArrayEquals(x, Files.readAllBytes(dir.resolve("X.npy")), "the inputs are as they were");
        assertArrayEquals(y, Files.readAllBytes(dir.resolve("y.npy")));

        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, """
                name: tiny
                methods:
                  - {kind: krr, kernel: ntk, ridge: 0}
                d: [3]
                n: [8]
                seeds: [0]
                n_test: 20
                target: {kind: constant}
                """);
        assertEquals(0, CliRunner.run("sweep", spec.toString(), "--out", p("sw"), "--threads", "1").code());
        byte[] results = Files.readAllBytes(dir.resolve("sw/results.jsonl"));
        CliRunner.Run rep = CliRunner.run("report", p("sw"), "--csv", p("sw/results.jsonl"));
        assertEquals(2, rep.code(), rep.err());
        assertTrue(rep.err().contains("--csv " + p("sw/results.jsonl") + " is the input " + p("sw/results.jsonl")),
                rep.err());
        assertArrayEquals(results, Files.readAllBytes(dir.resolve("sw/results.jsonl")));
        // the sweep's own copy of its spec, edited in place (another ridge): compared with itself, its points would
        // have been reused as the new setting's
        Path own = dir.resolve("sw/spec.yaml");
        Files.writeString(own, Files.readString(own).replace("ridge: 0", "ridge: 0.5"));
        Files.createSymbolicLink(dir.resolve("own.yaml"), own);
        for (String given : List.of(own.toString(), p("own.yaml"), p("sw/../sw/spec.yaml"))) {
            CliRunner.Run sw = CliRunner.run("sweep", given, "--out", p("sw"), "--threads", "1");
            assertEquals(2, sw.code(), sw.err());
            assertEquals("sparsefeat sweep: SPEC.yaml " + given + " is the sweep's own spec.yaml in --out " + p("sw")
                    + " (the same file), which the sweep compares the spec with and rewrites: give the spec as a file"
                    + " outside " + p("sw") + " (a copy of it)", sw.err().strip());
        }
        assertArrayEquals(results, Files.readAllBytes(dir.resolve("sw/results.jsonl")), "no point reused or run");

        Path root = org.sparsefeat.images.FakeImages.mnistRoot(dir.resolve("data"), 30, 10);
        Path labels = root.resolve("mnist/train-labels-idx1-ubyte");
        CliRunner.Run img = CliRunner.run("images", "deformations", "--dataset", "mnist", "--data-root", root.toString(),
                "--out", labels.toString());
        assertEquals(2, img.code(), img.err());
        assertTrue(img.err().contains("--out " + labels + " is the input " + labels), img.err());
    }

    @Test
    void aFileOutputEndingInASlashIsRefusedNotWrittenAsAFile() throws IOException {
        CliRunner.Run r = CliRunner.run(krr("--out", p("newdir") + "/"));
        assertEquals(2, r.code(), r.err());
        assertEquals("sparsefeat krr: --out " + p("newdir") + "/ ends in '/', a directory; expected a file name, e.g. "
                + p("newdir") + "/result.json", r.err().strip());
        CliRunner.Run csv = CliRunner.run("theory", "spectrum", "--d", "3", "--kmax", "5", "--out", p("newdir") + "/");
        assertEquals(2, csv.code(), csv.err());
        assertTrue(csv.err().contains("ends in '/'"), csv.err());
        assertFalse(Files.exists(dir.resolve("newdir")), "no file named newdir");
        // a directory option keeps its meaning with a final '/'
        CliRunner.Run train = CliRunner.run("train", "--d", "3", "--n", "12", "--n-test", "5", "--h", "10", "--max-steps",
                "5", "--progress", "none", "--threads", "1", "--save-weights", p("w") + "/");
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.isRegularFile(dir.resolve("w/w1.npy")));
    }

    @Test
    void everyCommandCreatesMissingParentDirectories() throws Exception {
        assertEquals(0, CliRunner.run(krr("--out", p("a/b/r.json"))).code());
        assertEquals(0, CliRunner.run("data", "--d", "3", "--n", "12", "--out-x", p("c/X.npy"), "--out-y", p("d/y.npy"))
                .code());
        assertEquals(0, CliRunner.run("gram", "--x", p("c/X.npy"), "--out", p("e/f/G.npy")).code());
        assertEquals(0, CliRunner.run("train", "--d", "3", "--n", "12", "--n-test", "5", "--h", "10", "--max-steps", "5",
                "--progress", "none", "--out", p("g/run.json"), "--save-weights", p("h/w")).code());
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, """
                name: tiny
                methods:
                  - {kind: krr, kernel: ntk, ridge: 0}
                d: [3]
                n: [8, 16]
                seeds: [0]
                n_test: 20
                target: {kind: constant}
                """);
        assertEquals(0, CliRunner.run("sweep", spec.toString(), "--out", p("i/sweep")).code());
        CliRunner.Run rep = CliRunner.run("report", p("i/sweep"), "--html", p("j/k/report.html"), "--csv", p("l/curve.csv"));
        assertEquals(0, rep.code(), rep.err());
        for (String f : new String[] {"a/b/r.json", "c/X.npy", "d/y.npy", "e/f/G.npy", "g/run.json", "h/w/w1.npy",
                "i/sweep/spec.yaml", "j/k/report.html", "l/curve.csv"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        // a page sent to a stream (a FIFO here, /dev/stdout alike) puts its plots in the sweep's directory
        Path fifo = dir.resolve("page");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0) {
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.readString(fifo);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CliRunner.Run page = CliRunner.run("report", p("i/sweep"), "--html", fifo.toString());
            assertEquals(0, page.code(), page.err());
            assertTrue(reader.get(60, TimeUnit.SECONDS).startsWith("<!DOCTYPE html>"));
            assertTrue(Files.size(dir.resolve("i/sweep/plots/curve-d3.png")) > 0);
        }
        CliRunner.Run same = CliRunner.run("report", p("i/sweep"), "--html", p("x.out"), "--csv", p("x.out"));
        assertEquals(2, same.code());
        assertTrue(same.err().contains("--html " + p("x.out") + " and --csv " + p("x.out") + " name the same file"),
                same.err());
    }
}
