package org.sparsefeat.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The top-level packages (backend, data, net, ...) form layers: no package depends on itself through others. Reads
 * the sources, so that imports and fully qualified names in code both count (comments do not).
 */
class PackageCycleTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "."), "java/org/sparsefeat");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.sparsefeat\\.([a-z][a-z0-9]*)\\.");

    /** Package -> the packages its code names. */
    static Map<String, Set<String>> dependencies(Path root) {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                if (pkg.endsWith(".java")) {
                    continue;  // a class of org.sparsefeat itself
                }
                Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(withoutComments(Files.readString(f)));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return deps;
    }

    /** Drops block and line comments (javadoc links name packages without depending on them). */
    static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    /** Every cycle found by a depth-first search, as "a -> b -> a"; empty when the graph has none. */
    static List<String> cycles(Map<String, Set<String>> deps) {
        List<String> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : deps.keySet()) {
            visit(start, deps, new ArrayList<>(), done, found);
        }
        return found;
    }

    private static void visit(String pkg, Map<String, Set<String>> deps, List<String> path, Set<String> done,
            List<String> found) {
        int at = path.indexOf(pkg);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(pkg);
            found.add(String.join(" -> ", cycle));
            return;
        }
        if (done.contains(pkg)) {
            return;
        }
        path.add(pkg);
        for (String next : deps.getOrDefault(pkg, Set.of())) {
            visit(next, deps, path, done, found);
        }
        path.removeLast();
        done.add(pkg);
    }

    @Test
    void theTopPackagesHaveNoCycle() {
        Map<String, Set<String>> deps = dependencies(ROOT);
        assertTrue(deps.keySet().containsAll(Set.of("backend", "data", "net", "linalg", "cli")), deps.keySet().toString());
        assertEquals(List.of(), cycles(deps), "package dependencies: " + deps);
    }

    @Test
    void theSearchFindsACycle() {
        Map<String, Set<String>> deps = Map.of("backend", Set.of("net"), "net", Set.of("data"), "data",
                Set.of("backend", "linalg"), "linalg", Set.of());
        assertEquals(List.of("backend -> net -> data -> backend"), cycles(new TreeMap<>(deps)));
        assertEquals(List.of("a", "b"), List.of(withoutComments("a /** {@link org.sparsefeat.x.Y} */ b // org.sparsefeat.z.W")
                .strip().split("\\s+")));
    }
}
