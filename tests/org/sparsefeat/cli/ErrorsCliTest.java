package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OutOfDeviceMemoryException;
import org.sparsefeat.util.OutOfMemoryMessages;
import picocli.CommandLine;

/** Which failures are the user's (one line, exit 2 or 1) and which are bugs (exit 1, said so, with the trace). */
class ErrorsCliTest {
    @TempDir
    Path dir;

    /** A command that fails as it is told: stands in for an engine with a bug in it, or a user's mistake. */
    @CommandLine.Command(name = "fail")
    static final class Fail implements Runnable {
        @CommandLine.Option(names = "--n-test")
        int nTest;

        @CommandLine.Option(names = "--with")
        String with;

        @Override
        public void run() {
            switch (with) {
                case "state" -> throw new IllegalStateException("the engine's invariant broke");
                case "argument" -> throw new IllegalArgumentException("a matrix of 3 x 4 where 4 x 4 was expected");
                case "null" -> throw new NullPointerException("no net");
                case "input" -> throw new InvalidInputException("{n_test} must be >= 1 and {lr} > 0, got " + nTest);
                case "memory" -> throw new OutOfMemoryError("Java heap space");
                case "device" -> throw new OutOfDeviceMemoryException("GPU out of memory allocating the Gram matrix", null);
                case "pivot" -> throw new NotPositiveDefiniteException(3, 10, "pivot -1e-17");
                case "native" -> throw OutOfMemoryMessages.failedNative("a panel of tile columns 0..3", 1L << 34);
                default -> { }
            }
        }
    }

    private static CliRunner.Run run(String... args) {
        CommandLine cli = new CommandLine(new Main()).addSubcommand(new Fail());
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(cli, new PrintWriter(out), new PrintWriter(err), args);
        return new CliRunner.Run(code, out.toString(), err.toString());
    }

    @Test
    void aBugInTheEngineSaysSoWithItsTraceAndExitsOne() {
        for (String kind : new String[] {"state", "argument", "null"}) {
            CliRunner.Run r = run("fail", "--with", kind);
            assertEquals(1, r.code(), r.err());
            List<String> lines = r.err().lines().toList();
            assertEquals("sparsefeat fail: internal error (a bug in sparsefeat, please report it with this trace):",
                    lines.getFirst());
            assertTrue(lines.get(1).startsWith("java.lang."), r.err());
            assertTrue(r.err().contains("\tat org.sparsefeat.cli.ErrorsCliTest$Fail.run("), r.err());
        }
    }

    @Test
    void invalidInputIsOneLineNamingTheCommandsFlagsAndExitsTwo() {
        CliRunner.Run r = run("fail", "--with", "input", "--n-test", "0");
        assertEquals(2, r.code(), r.err());
        // --n-test is an option of this command; lr is not, so it keeps its bare name
        assertEquals(List.of("sparsefeat fail: --n-test must be >= 1 and lr > 0, got 0"), r.err().lines().toList());
    }

    @Test
    void runningOutOfMemoryOrASingularSystemIsOneLineAndExitsOne() {
        CliRunner.Run heap = run("fail", "--with", "memory");
        assertEquals(1, heap.code(), heap.err());
        assertEquals(1, heap.err().lines().count(), heap.err());
        assertTrue(heap.err().startsWith("sparsefeat fail: out of memory (Java heap space): use a smaller n"), heap.err());
        CliRunner.Run gpu = run("fail", "--with", "device");
        assertEquals(1, gpu.code(), gpu.err());
        assertEquals(List.of("sparsefeat fail: GPU out of memory allocating the Gram matrix; use a smaller n or"
                + " --backend cpu (whose kernel regression is bounded by disk: README, 'Memory')"), gpu.err().lines().toList());
        CliRunner.Run pivot = run("fail", "--with", "pivot");
        assertEquals(1, pivot.code(), pivot.err());
        assertEquals(1, pivot.err().lines().count(), pivot.err());
        assertTrue(pivot.err().contains("failed at pivot 3 of 10"), pivot.err());
    }

    @Test
    void domainErrorsReachTheUserWithTheCommandsFlags() {
        CliRunner.Run r = CliRunner.run("train", "--lr", "-1", "--progress", "none", "--out", dir.resolve("t.json").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(List.of("sparsefeat train: --lr must be a finite number > 0, got -1.0"), r.err().lines().toList());
        CliRunner.Run grf = CliRunner.run("krr", "--target", "grf", "--grf-kernel", "ntk", "--grf-kernel-param", "2",
                "--out", dir.resolve("k.json").toString());
        assertEquals(2, grf.code(), grf.err());
        assertTrue(grf.err().contains("but --grf-kernel-param 2.0 was given"), grf.err());
        CliRunner.Run half = CliRunner.run("krr", "--memory", "0.5", "--out", dir.resolve("h.json").toString());
        assertEquals(2, half.code(), half.err());
        assertEquals(List.of("sparsefeat krr: --memory '0.5' is less than one byte; expected a size such as 512m or 8g"),
                half.err().lines().toList());
    }

    @Test
    void runningOutOfNativeMemoryAdvisesASmallerBudgetByItsFlag() {
        CliRunner.Run r = run("fail", "--with", "native");
        assertEquals(1, r.code(), r.err());
        // the Fail command has no --memory flag: the advice names the parameter bare, as for a spec file
        assertEquals(List.of("sparsefeat fail: out of memory allocating a panel of tile columns 0..3 (16.0 GiB of native"
                + " memory): the machine has less free than the plan counted on; give a smaller memory, so that more of"
                + " the work goes to a scratch file, or use a smaller n (docs: README, 'Memory')"),
                r.err().lines().toList());
    }

    @Test
    void aSpecsErrorNamesItsKeyPathNotAFlag() throws IOException {
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, "name: t\nmethods:\n  - {kind: krr}\n  - {kind: net, regime: feature, lr: 0}\nd: [3]\n"
                + "n: [8]\nseeds: [0]\nn_test: 8\n");
        CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--out", dir.resolve("sweep").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(List.of("sparsefeat sweep: " + spec + ": methods[1].lr must be a finite number > 0, got 0.0"),
                r.err().lines().toList());
    }

    /**
     * Domain code does not spell CLI flags: string literals outside cli/ hold no "--name" (they write {name} and
     * the CLI renders it). DatasetStore and DatasetInstaller are let off: they print whole commands for the user
     * to run.
     */
    @Test
    void noMessageOutsideTheCliNamesAFlag() throws IOException {
        Path root = Path.of("java/org/sparsefeat");
        List<String> allowed = List.of("images/DatasetStore.java", "images/install/DatasetInstaller.java");
        Pattern literal = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
        Pattern flag = Pattern.compile("(^|[^-\\w])--[a-z]");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = root.relativize(f).toString();
                if (rel.startsWith("cli/") || allowed.contains(rel)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).strip();
                    if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) {
                        continue;
                    }
                    Matcher m = literal.matcher(code);
                    while (m.find()) {
                        if (flag.matcher(m.group()).find()) {
                            found.add(rel + ":" + (i + 1) + ": " + m.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found, "messages outside cli/ that name CLI flags");
        assertFalse(Files.notExists(root.resolve("cli/Main.java")), "the scan must run from the repository root");
    }
}
