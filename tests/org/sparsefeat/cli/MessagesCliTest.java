package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.data.Npy;
import org.sparsefeat.linalg.Matrix;
import picocli.CommandLine;

/** Usage errors, help and the notation of counts. */
class MessagesCliTest {
    @TempDir
    Path dir;

    private String p(String name) { return dir.resolve(name).toString(); }

    /** Exit 2, exactly the given error line and the pointer to --help: no usage text after it. */
    private static void assertUsage(String command, String message, String... args) {
        CliRunner.Run r = CliRunner.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(List.of(command + ": " + message, "Try '" + command + " --help'."), r.err().lines().toList());
        assertEquals("", r.out());
    }

    @Test
    void usageErrorsAreOneLineAndAPointerToHelp() {
        assertUsage("sparsefeat krr", "Unknown option: '--bogus'", "krr", "--bogus");
        assertUsage("sparsefeat", "unknown command 'foo'; expected demo, krr, train, sweep, report, images, datasets, gram"
                + ", data, theory, sparse or bench", "foo");
        assertUsage("sparsefeat", "missing command: demo, krr, train, sweep, report, images, datasets, gram, data, theory, sparse or bench");
        assertUsage("sparsefeat images", "missing command: classify or deformations", "images");
        assertUsage("sparsefeat images", "unknown command 'clasify'; expected classify or deformations", "images", "clasify");
        assertUsage("sparsefeat datasets", "missing command: install or list", "datasets");
        assertUsage("sparsefeat krr", "unexpected argument 'extra'", "krr", "extra");
        assertUsage("sparsefeat gram", "Missing required options: '--x=A.npy', '--out=G.npy'", "gram");
    }

    @Test
    void everyCountTakesTheSameNotation() throws IOException {
        CliRunner.Run r = CliRunner.run("krr", "--d", "3", "--n", "1e2", "--n-test", "1_000", "--threads", "1", "--out",
                p("r.json"));
        assertEquals(0, r.code(), r.err());
        var j = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
        assertEquals(100, j.get("n").asInt());
        assertEquals(1000, j.get("n_test").asInt());
        CliRunner.Run t = CliRunner.run("train", "--d", "3", "--n", "2e1", "--n-test", "1e1", "--h", "1.5e1", "--max-steps",
                "1e1", "--save-freq", "5", "--seed", "1e1", "--progress", "none", "--out", p("t.json"));
        assertEquals(0, t.code(), t.err());
        var tj = new ObjectMapper().readTree(dir.resolve("t.json").toFile());
        assertEquals(15, tj.get("h").asInt());
        assertEquals(10, tj.get("steps").asInt());
        assertEquals(10, tj.get("data").get("seed").asInt());
        assertUsage("sparsefeat krr", "Invalid value for option '--n': '1.5' is not a whole number", "krr", "--n", "1.5");
        assertUsage("sparsefeat krr", "Invalid value for option '--n': '1e-3' is not a whole number", "krr", "--n", "1e-3");
        assertUsage("sparsefeat krr", "Invalid value for option '--n': '1e10' is too large (at most 2147483647)", "krr",
                "--n", "1e10");
        assertUsage("sparsefeat train", "Invalid value for option '--max-steps': 'many' is not a whole number (e.g. 1000,"
                + " 1_000 or 1e3)", "train", "--max-steps", "many");
    }

    @Test
    void wholeNumbersAreParsedExactlyAndNeverRounded() {
        assertEquals(1000, Count.parse("1e3", Long.MAX_VALUE));
        assertEquals(1000, Count.parse("1_000", Long.MAX_VALUE));
        assertEquals(1500, Count.parse("1.5e3", Long.MAX_VALUE));
        assertEquals(10_000_000, Count.parse("1.0E7", Long.MAX_VALUE));
        assertEquals(-3, Count.parse("-3", Long.MAX_VALUE));
        assertEquals(9_007_199_254_740_993L, Count.parse("9007199254740993", Long.MAX_VALUE));  // 2^53 + 1: no double
        for (String bad : new String[] {"1.5", "1e-1", "1__0", "_1", "0x10", "", "1e999999999", "9223372036854775808"}) {
            assertThrows(CommandLine.TypeConversionException.class, () -> Count.parse(bad, Long.MAX_VALUE), bad);
        }
    }

    @Test
    void anEmptyTestSetIsRefusedNotReportedAsNaN() throws IOException {
        assertOneLine("sparsefeat krr: --n-test must be >= 1 (the test error needs test points), got 0", "krr", "--n-test",
                "0");
        assertOneLine("sparsefeat train: --n-test must be >= 1 (the test error needs test points), got 0", "train",
                "--n-test", "0");
        Npy.write(dir.resolve("X.npy"), Matrix.zeros(5, 3));
        Npy.write(dir.resolve("y.npy"), new double[5]);
        Npy.write(dir.resolve("X0.npy"), Matrix.zeros(0, 3));
        Npy.write(dir.resolve("y0.npy"), new double[0]);
        assertOneLine("sparsefeat krr: --x-test " + p("X0.npy") + ": no test points (n_test = 0); expected n_test >= 1, the"
                + " test error needs test points", "krr", "--x-train", p("X.npy"), "--y-train", p("y.npy"), "--x-test",
                p("X0.npy"), "--y-test", p("y0.npy"));
    }

    @Test
    void aRegularisationStrengthWithoutARegulariserIsRefused() {
        assertOneLine("sparsefeat train: --lambda 0.001 has no effect without a regulariser: add --reg l1 or --reg l2",
                "train", "--lambda", "1e-3");
        assertOneLine("sparsefeat train: --lambda-schedule pow_law has no effect without a regulariser: add --reg l1 or"
                + " --reg l2", "train", "--lambda-schedule", "pow_law");
    }

    private static void assertOneLine(String line, String... args) {
        CliRunner.Run r = CliRunner.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(List.of(line), r.err().lines().toList());
    }

    @Test
    void helpListsEveryCommandWithAWholeSentence() {
        CliRunner.Run h = CliRunner.run("--help");
        assertEquals(0, h.code());
        String commands = h.out().substring(h.out().indexOf("Commands:"));
        for (String name : new String[] {"demo", "krr", "train", "sweep", "report", "images", "datasets", "gram", "data"}) {
            assertTrue(commands.contains("\n  " + name + " "), name + " listed:\n" + commands);
        }
        // each summary ends a sentence: the line before the next command (or the end) ends with a full stop
        String[] entries = commands.split("\n  (?=\\S)");
        for (int i = 1; i < entries.length; i++) {
            assertTrue(entries[i].strip().endsWith("."), "a summary cut mid-sentence: " + entries[i]);
        }
        for (String[] sub : new String[][] {{"images", "--help"}, {"datasets", "--help"}}) {
            String out = CliRunner.run(sub).out();
            String[] subEntries = out.substring(out.indexOf("Commands:")).split("\n  (?=\\S)");
            for (int i = 1; i < subEntries.length; i++) {
                assertTrue(subEntries[i].strip().endsWith("."), "a summary cut mid-sentence: " + subEntries[i]);
            }
        }
        String data = CliRunner.run("data", "--help").out();
        assertTrue(data.contains("--out-x") && data.contains("--teacher-width"), data);
        assertFalse(data.contains("--x-train") || data.contains("--y-test"), "data lists no option it refuses: " + data);
    }

    /**
     * Every command's help as the CLI prints it. picocli formats help texts with String.format: a bare '%' ("80%")
     * prints a warning beside the help. Its lines break only between words: every description, parameter label and
     * option (as --name=LABEL) reads in the help exactly as written, once line breaks and indents are read as one space
     * ("e.\ng." or "y.\nnpy" would not); each paragraph of a command's description is whole sentences (one ending
     * mid-sentence, "on a 2-core" + "CPU", is a hard break inside a line). The options come in one order: the
     * command's own, its outputs, the shared ones (--backend, --threads, --progress), then --help and --version.
     */
    @Test
    void everyHelpTextFormatsWithoutAWarningAndBreaksLinesBetweenWords() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        List<CommandLine> commands = new ArrayList<>();
        List<String> helps = new ArrayList<>();
        try {
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
            Deque<CommandLine> todo = new ArrayDeque<>(List.of(new CommandLine(new Main())));
            while (!todo.isEmpty()) {
                CommandLine c = todo.pop();
                todo.addAll(c.getSubcommands().values());
                List<String> args = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName(" ").split(" ")));
                args.removeFirst();  // "sparsefeat"
                args.add("--help");
                CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
                assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
                commands.add(c);
                helps.add(r.out());
            }
        } finally {
            System.setErr(stderr);
        }
        assertTrue(helps.size() > 12, "every command's help was rendered: " + helps.size());
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
        for (int i = 0; i < commands.size(); i++) {
            CommandLine.Model.CommandSpec spec = commands.get(i).getCommandSpec();
            String help = helps.get(i);
            String flat = flat(help);
            List<String> written = new ArrayList<>(List.of(spec.usageMessage().description()));
            for (CommandLine.Model.OptionSpec o : spec.options()) {
                written.addAll(List.of(o.description()));
                if (o.arity().max() > 0) {
                    written.add(o.longestName() + "=" + o.paramLabel());
                }
            }
            for (CommandLine.Model.PositionalParamSpec p : spec.positionalParameters()) {
                written.addAll(List.of(p.description()));
                written.add(p.paramLabel());
            }
            for (String text : written) {
                // picocli formats a text with String.format where it can ("%%" prints "%"), and leaves it as it is
                String expected = flat(text);
                String formatted = expected;
                try {
                    formatted = flat(String.format(text));
                } catch (java.util.IllegalFormatException e) {
                    // printed as written
                }
                assertTrue(flat.contains(expected) || flat.contains(formatted), spec.qualifiedName() + ": a line"
                        + " break inside a word of '" + expected + "':\n" + help);
            }
            String[] description = spec.usageMessage().description();
            if (description.length > 1) {
                for (String paragraph : description) {
                    assertTrue(paragraph.replace("%n", "").strip().matches("(?s).*[.:]"), spec.qualifiedName() + ": a description line"
                            + " ends mid-sentence: '" + paragraph + "'");
                }
            }
            List<String> order = help.lines().filter(l -> l.matches(" {2}(-\\w, |    )--[a-z].*"))
                    .map(l -> l.strip().replaceFirst("^-\\w, ", "").split("[= ]")[0]).toList();
            List<String> shared = order.stream().filter(List.of("--backend", "--threads", "--progress")::contains).toList();
            List<String> tail = new ArrayList<>(shared);
            tail.addAll(order.stream().filter(List.of("--help", "--version")::contains).toList());
            assertTrue(tail.contains("--help"), spec.qualifiedName() + ": " + order);
            assertEquals(tail, order.subList(order.size() - tail.size(), order.size()), spec.qualifiedName() + ": "
                    + order);
        }
    }

    /** Whitespace runs (a line break and the next line's indent) read as one space. */
    private static String flat(String s) { return s.strip().replaceAll("\\s+", " "); }

    @Test
    void theLambdaScheduleTileAndRotationAngleSayWhatTheyDo() {
        String train = flat(CliRunner.run("train", "--help").out());
        assertTrue(train.contains("pow_law lambda / (1 + t^p); exp lambda e^{1 - t^p}; pl_exp lambda e^{1 - sqrt(t) /"
                + " n^0.7} / (1 + t) (docs/method.md, 'The two-layer network')"), train);
        assertTrue(train.contains("--rotation-angle=DEG Angle in degrees, 0 < DEG <= 180,") && train.contains("default 10"),
                train);
        String krr = flat(CliRunner.run("krr", "--help").out());
        assertTrue(krr.contains("--tile=B Side B of the square tiles K's lower triangle is stored and factored in"), krr);
        assertTrue(krr.contains("0 < DEG <= 180") && krr.contains("default: not measured"), krr);
        for (String command : new String[] {"krr", "train"}) {
            for (String angle : new String[] {"720", "-5", "0", "ten"}) {
                CliRunner.Run r = CliRunner.run(command, "--rotation-angle", angle, "--n", "8", "--n-test", "4");
                assertEquals(2, r.code(), r.err());
                assertEquals(List.of("sparsefeat " + command + ": Invalid value for option '--rotation-angle': '" + angle
                        + "' " + (angle.equals("ten") ? "is not a number of degrees" : "is outside 0 < angle <= 180"
                        + " degrees (a turn towards a random direction: larger or negative angles repeat ones inside)"),
                        "Try 'sparsefeat " + command + " --help'."), r.err().lines().toList());
            }
        }
    }

    @Test
    void imagesClassifyShowsItsProgress() throws Exception {
        Path root = org.sparsefeat.images.FakeImages.mnistRoot(dir.resolve("data"), 40, 20);
        CliRunner.Run r = CliRunner.run("images", "classify", "--dataset", "mnist", "--data-root", root.toString(),
                "--method", "feature", "--n", "20", "--n-test", "10", "--h", "10", "--max-steps", "50", "--progress", "bar");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("images classify: feature on 20 mnist images (10 test)"), r.err());
        assertTrue(r.err().contains("feature net") && r.err().contains("margins met"), "a progress bar: " + r.err());
        CliRunner.Run quiet = CliRunner.run("images", "classify", "--dataset", "mnist", "--data-root", root.toString(),
                "--method", "krr", "--n", "20", "--n-test", "10", "--progress", "none");
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err());
        assertOneLine("sparsefeat images classify: --n and --n-test must be >= 1 (the test error needs test images), got"
                + " 20 and 0", "images", "classify", "--dataset", "mnist", "--data-root", root.toString(), "--n", "20",
                "--n-test", "0");
    }
}
