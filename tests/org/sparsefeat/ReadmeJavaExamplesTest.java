package org.sparsefeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples are complete programs that compile against the engine and run: every ```java block
 * of README.md is compiled with javac against the test class path, then each program's main runs at a small size
 * and what it prints is checked. Its Maven coordinates are the pom's.
 */
class ReadmeJavaExamplesTest {
    private static final Path BASEDIR = Path.of(System.getProperty("basedir", "."));
    private static final Pattern CLASS = Pattern.compile("^public class (\\w+)", Pattern.MULTILINE);

    @TempDir
    static Path classes;

    /** class name -> source, in README order. */
    private static final Map<String, String> EXAMPLES = new LinkedHashMap<>();

    @BeforeAll
    static void compileEveryJavaBlock() throws IOException {
        String readme = Files.readString(BASEDIR.resolve("README.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        int index = 0;
        while (block.find()) {
            index++;
            String source = block.group(1);
            Matcher name = CLASS.matcher(source);
            if (!name.find() || !source.contains("public static void main(String[] args)")) {
                fail("README.md's java block " + index + " is not a complete program (a public class with a main);"
                        + " the README shows only complete, tested examples:\n" + source);
            }
            EXAMPLES.put(name.group(1), source);
        }
        assertTrue(EXAMPLES.size() >= 2, "expected the KRR and the batched-nets examples, found " + EXAMPLES.keySet());

        Path src = Files.createDirectories(classes.resolve("src"));
        List<Path> files = new ArrayList<>();
        for (var e : EXAMPLES.entrySet()) {
            files.add(Files.writeString(src.resolve(e.getKey() + ".java"), e.getValue()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "the tests need a JDK (javac), not a JRE");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            // Surefire's real class path (java.class.path may be its manifest-only booter jar)
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            boolean ok = javac.getTask(null, fm, diagnostics,
                    List.of("-d", classes.toString(), "-classpath", cp, "-Xlint:all", "-Werror"), null,
                    fm.getJavaFileObjectsFromPaths(files)).call();
            assertTrue(ok, "README.md's java examples do not compile:\n" + diagnostics.getDiagnostics());
        }
    }

    /** Runs an example's main and returns what it printed. */
    private static String run(String className, String... args) throws Exception {
        assertTrue(EXAMPLES.containsKey(className), "README.md has no example " + className + ": " + EXAMPLES.keySet());
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ReadmeJavaExamplesTest.class.getClassLoader())) {
            Method main = loader.loadClass(className).getMethod("main", String[].class);
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) args);
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        out.print(printed);
        return printed;
    }

    @Test
    void everyExampleIsRunByATest() {
        assertEquals(List.of("KrrExample", "NetsExample"), List.copyOf(EXAMPLES.keySet()),
                "a new README example needs a run here that checks what it prints");
    }

    /** Ridgeless NTK regression of the teacher: a finite test MSE that falls with n (a learning curve). */
    @Test
    void krrExampleLearns() throws Exception {
        double small = krrMse(run("KrrExample", "64"), 64);
        double large = krrMse(run("KrrExample", "512"), 512);
        assertTrue(Double.isFinite(small) && small > 0, "test MSE at n = 64: " + small);
        // the teacher's variance is 0.2; the NTK at d = 5 on this rough teacher gains about n^-0.75 (docs/theory.md)
        assertTrue(small < 0.05, "test MSE at n = 64 should be well below the target's variance 0.2: " + small);
        assertTrue(large < small / 2, "test MSE should fall from n = 64 to 512: " + small + " -> " + large);
    }

    private static double krrMse(String printed, int n) {
        Matcher m = Pattern.compile("^n = " + n + ": test MSE (\\S+)$", Pattern.MULTILINE).matcher(printed);
        assertTrue(m.find(), "KrrExample should print 'n = " + n + ": test MSE x', printed: " + printed);
        return Double.parseDouble(m.group(1));
    }

    /** Six nets (n = 32, 64, 128; two seeds) of 100 neurons, 300 steps each: each learns, and more data helps. */
    @Test
    void netsExampleTrainsTheWholeBatch() throws Exception {
        String printed = run("NetsExample", "100", "300");
        Matcher m = Pattern.compile("^n = (\\d+): (\\w+) after (\\d+) steps, test MSE (\\S+), (\\d+) atoms$",
                Pattern.MULTILINE).matcher(printed);
        Map<Integer, List<Double>> mse = new LinkedHashMap<>();
        while (m.find()) {
            assertEquals("MAX_STEPS", m.group(2), printed);
            assertEquals(300, Long.parseLong(m.group(3)), printed);
            double e = Double.parseDouble(m.group(4));
            // the initial predictor is 0 (w2 starts at zero), whose MSE on the constant target 1 is 1
            assertTrue(Double.isFinite(e) && e < 0.1, "a net should learn the constant: test MSE " + e);
            assertTrue(Integer.parseInt(m.group(5)) >= 1, printed);
            mse.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(e);
        }
        assertEquals(List.of(32, 64, 128), List.copyOf(mse.keySet()), printed);
        mse.values().forEach(v -> assertEquals(2, v.size(), printed));
        double at32 = mse.get(32).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double at128 = mse.get(128).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(at128 < at32 / 4, "the test MSE should fall with n: " + at32 + " at n = 32, " + at128 + " at 128");
    }

    /** The coordinates the README gives are the pom's. */
    @Test
    void readmeCoordinatesAreThePoms() throws IOException {
        String pom = Files.readString(BASEDIR.resolve("pom.xml"));
        String readme = Files.readString(BASEDIR.resolve("README.md"));
        Matcher own = Pattern.compile("<groupId>(.+?)</groupId>\\s*<artifactId>(.+?)</artifactId>\\s*<version>(.+?)</version>")
                .matcher(pom);
        assertTrue(own.find(), "pom.xml: no coordinates");
        String dependency = "<dependency>\n  <groupId>" + own.group(1) + "</groupId>\n  <artifactId>" + own.group(2)
                + "</artifactId>\n  <version>" + own.group(3) + "</version>\n</dependency>";
        assertTrue(readme.contains(dependency), "README.md should show the dependency\n" + dependency);
    }
}
