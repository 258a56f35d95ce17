package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the CLI in a JVM of its own, for tests that signal or kill it: the test JVM's class path,
 * native-library cache and temporary directory, a small heap, stdout discarded by the callers.
 */
final class ChildJvm {
    private ChildJvm() {}

    static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        for (String p : new String[] {"sparsefeat.native.dir", "java.io.tmpdir"}) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }
}
