package org.sparsefeat.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.sparsefeat.util.OutputFile.named;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Result files behave as Unix tools' files: umask, symbolic links, devices and FIFOs, checks before work. */
class OutputFileTest {
    @TempDir
    Path dir;

    private static Set<PosixFilePermission> mode(Path p) throws IOException { return Files.getPosixFilePermissions(p); }

    @Test
    void aNewFileGetsTheUmasksPermissionsNotPrivateOnes() throws IOException {
        Path reference = dir.resolve("reference");
        try (OutputStream o = Files.newOutputStream(reference)) {  // created as any program creates a file
            o.write(1);
        }
        Path written = dir.resolve("written.json");
        OutputFile.writeString(written, "{}\n");
        assertEquals(mode(reference), mode(written));
        assertTrue(mode(written).contains(PosixFilePermission.OWNER_WRITE), mode(written).toString());
        assertEquals("{}\n", Files.readString(written));
        assertEquals(2, listing().size(), "no temporary file is left: " + listing());
    }

    @Test
    void aFileThatExistsIsReplacedWholeAndKeepsItsPermissions() throws IOException {
        Path f = dir.resolve("r.csv");
        Files.writeString(f, "old, longer than the new text\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
        OutputFile.writeString(f, "new\n");
        assertEquals("new\n", Files.readString(f));
        assertEquals(PosixFilePermissions.fromString("rw-rw-r--"), mode(f));
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink() throws IOException {
        Files.createDirectories(dir.resolve("store"));
        Path target = dir.resolve("store/result.json");
        Files.writeString(target, "old");
        Path link = dir.resolve("latest.json");
        Files.createSymbolicLink(link, Path.of("store/result.json"));  // relative, as ln -s makes them
        Path chain = dir.resolve("chain.json");
        Files.createSymbolicLink(chain, link);
        OutputFile.writeString(chain, "new");
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(chain));
        assertEquals(Path.of("store/result.json"), Files.readSymbolicLink(link));
        assertEquals("new", Files.readString(target));
        // a dangling link: its target is created
        Path dangling = dir.resolve("next.json");
        Files.createSymbolicLink(dangling, Path.of("store/next-result.json"));
        OutputFile.writeString(dangling, "made");
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("made", Files.readString(dir.resolve("store/next-result.json")));
    }

    @Test
    void aFifoIsWrittenInPlaceNotReplaced() throws Exception {
        Path fifo = dir.resolve("pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo is not available");
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        OutputFile.check(named("--out", fifo));
        OutputFile.writeString(fifo, "through the pipe\n");
        assertEquals("through the pipe\n", reader.get(30, TimeUnit.SECONDS));
        assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther(), "still a FIFO");
        assertEquals(1, listing().size(), "no temporary file: " + listing());
    }

    @Test
    void devNullIsWrittenInPlaceNeverReplaced() throws IOException {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull));
        Object before = Files.getAttribute(devNull, "unix:rdev");
        OutputFile.check(named("--out", devNull), named("--csv", devNull));  // discarding twice is no clash
        OutputFile.writeString(devNull, "discarded");
        assertFalse(Files.isRegularFile(devNull));
        assertEquals(before, Files.getAttribute(devNull, "unix:rdev"));
        assertEquals(0, Files.size(devNull));
    }

    @Test
    void theCheckCreatesMissingParentsAndNamesThePathAndTheReason() throws IOException {
        Path deep = dir.resolve("a/b/c.json");
        OutputFile.check(named("--out", deep));
        assertTrue(Files.isDirectory(dir.resolve("a/b")));
        assertFalse(Files.exists(deep), "the check writes nothing");
        try (Stream<Path> s = Files.list(dir.resolve("a/b"))) {
            assertEquals(0, s.count(), "the probe is removed");
        }
        Files.writeString(dir.resolve("plain"), "");
        IllegalArgumentException under = assertThrows(IllegalArgumentException.class,
                () -> OutputFile.check(named("--out", dir.resolve("plain/r.json"))));
        assertTrue(under.getMessage().startsWith("--out " + dir.resolve("plain/r.json") + ": cannot create the directory"),
                under.getMessage());
        IllegalArgumentException isDir = assertThrows(IllegalArgumentException.class,
                () -> OutputFile.check(named("--html", dir.resolve("a"))));
        assertTrue(isDir.getMessage().contains("is a directory"), isDir.getMessage());
        Path proc = Path.of("/proc/sparsefeat-test.json");
        assumeTrue(Files.isDirectory(Path.of("/proc")));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> OutputFile.check(named("--out", proc)));
        assertTrue(p.getMessage().startsWith("--out /proc/sparsefeat-test.json: cannot create a file in /proc ("),
                p.getMessage());
        assertFalse(p.getMessage().contains(".part"), "the temporary file's name is of no use: " + p.getMessage());
    }

    @Test
    void aDirectoryCheckCreatesItAndNamesItOnce() throws IOException {
        OutputFile.checkDirectory("--scratch", dir.resolve("s/t"));
        assertTrue(Files.isDirectory(dir.resolve("s/t")), "created as mkdir -p would");
        try (Stream<Path> s = Files.list(dir.resolve("s/t"))) {
            assertEquals(0, s.count(), "the probe is removed");
        }
        Files.writeString(dir.resolve("plain"), "");
        assertEquals("--scratch " + dir.resolve("plain") + " exists and is not a directory", assertThrows(
                IllegalArgumentException.class, () -> OutputFile.checkDirectory("--scratch", dir.resolve("plain")))
                .getMessage());
        assumeTrue(Files.isDirectory(Path.of("/proc")));
        String proc = assertThrows(IllegalArgumentException.class,
                () -> OutputFile.checkDirectory("--scratch", Path.of("/proc"))).getMessage();
        assertTrue(proc.startsWith("--scratch /proc: cannot create a file in it ("), proc);
        assertEquals(proc.indexOf("/proc"), proc.lastIndexOf("/proc"), "the path once: " + proc);
    }

    @Test
    void twoOutputsNamingOneFileAreRefused() throws IOException {
        Path x = dir.resolve("o.npy");
        Files.createDirectories(dir.resolve("sub"));
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> OutputFile.check(named("--out-x", x), named("--out-y", dir.resolve("sub/../o.npy"))));
        assertTrue(same.getMessage().contains("--out-x") && same.getMessage().contains("--out-y")
                && same.getMessage().contains("name the same file"), same.getMessage());
        Files.createSymbolicLink(dir.resolve("alias.npy"), x);
        assertThrows(IllegalArgumentException.class,
                () -> OutputFile.check(named("--out-x", x), named("--out-y", dir.resolve("alias.npy"))));
        OutputFile.check(named("--out-x", x), named("--out-y", dir.resolve("y.npy")), named("--out-x-test", null));
    }

    @Test
    void anOutputThatIsAnInputIsRefusedThroughAnyPathOrLink() throws IOException {
        Path x = dir.resolve("X.npy");
        Files.writeString(x, "data");
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("soft.npy"), x);
        Files.createLink(dir.resolve("hard.npy"), x);
        java.util.List<OutputFile.Named> inputs = java.util.List.of(named("--x", x), named("--y", dir.resolve("none.npy")));
        for (Path alias : new Path[] {x, dir.resolve("sub/../X.npy"), dir.resolve("soft.npy"), dir.resolve("hard.npy")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OutputFile.check(inputs, named("--out", alias)), alias.toString());
            assertEquals("--out " + alias + " is the input --x " + x + " (the same file); writing the result there would"
                    + " replace the data: choose another file", e.getMessage());
        }
        // an input given through a link is the file it names too
        assertThrows(IllegalArgumentException.class,
                () -> OutputFile.check(java.util.List.of(named("--x", dir.resolve("soft.npy"))), named("--out", x)));
        // an input shown by its path alone (a data set's file)
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
                () -> OutputFile.check(java.util.List.of(named("", x)), named("--out", x)));
        assertTrue(bare.getMessage().startsWith("--out " + x + " is the input " + x + " (the same file)"), bare.getMessage());
        // another file, a new one, or a missing input: no conflict
        Files.writeString(dir.resolve("copy.npy"), "data");
        OutputFile.check(inputs, named("--out", dir.resolve("copy.npy")), named("--out-2", dir.resolve("none.npy")));
        assertEquals("data", Files.readString(x), "the check writes nothing");
    }

    @Test
    void aGroupThatFailsLeavesNoFileOfIt() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "old b");
        Map<Path, OutputFile.Body> files = new LinkedHashMap<>();
        files.put(dir.resolve("a.txt"), ch -> OutputFile.writeFully(ch, StandardCharsets.UTF_8.encode("a")));
        files.put(dir.resolve("b.txt"), ch -> {
            throw new IOException("disk on fire");
        });
        IOException e = assertThrows(IOException.class, () -> OutputFile.writeAll(files));
        assertEquals(dir.resolve("b.txt") + ": cannot write (disk on fire)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("a.txt")));
        assertEquals("old b", Files.readString(dir.resolve("b.txt")));
        assertEquals(1, listing().size(), "temporary files removed: " + listing());
    }

    private java.util.List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
