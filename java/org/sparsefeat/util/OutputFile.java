package org.sparsefeat.util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Result files, written as Unix tools write them.
 * <ul>
 *   <li>A regular (or new) file is written whole or not at all: into a temporary file beside it, then renamed
 *       over it. The temporary file is created with the default permissions, so the umask applies (0644 under
 *       0022); a file that already exists keeps its permissions.</li>
 *   <li>A symbolic link is followed: its target is replaced, the link stays.</li>
 *   <li>A character device, FIFO or socket ({@code /dev/stdout}, {@code /dev/null}, a named pipe) is written in
 *       place, never replaced; so is a file reached through {@code /proc} (/dev/stdout redirected to a file).</li>
 *   <li>Missing parent directories are created, as {@code mkdir -p} would.</li>
 * </ul>
 * {@link #check} runs before a command's work, so that a path that cannot be written fails at once, naming the
 * user's path and the system's reason.
 */
public final class OutputFile {
    private static final int MAX_LINKS = 40;  // Linux's own limit on a chain of symbolic links

    /** Writes a file's bytes. */
    @FunctionalInterface
    public interface Body {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /** Writes a file's bytes to a stream (buffered; the stream is flushed, not closed, afterwards). */
    @FunctionalInterface
    public interface StreamBody {
        void writeTo(OutputStream out) throws IOException;
    }

    /** An output as the user named it: the option (or other name) and the path. */
    public record Named(String option, Path path) {}

    /** Where the bytes go: {@code path} replaced by rename, or (direct) written in place. */
    private record Target(Path path, boolean direct) {}

    private OutputFile() {}

    public static Named named(String option, Path path) { return new Named(option, path); }

    /** {@link #check(List, Named...)} for a command that reads no file. */
    public static void check(Named... outputs) { check(List.of(), outputs); }

    /**
     * Checks, before any work, that every output can be written, that no two name the same file, and that none
     * is one of the command's inputs (replacing it would destroy the data it was computed from); creates missing
     * parent directories. Null paths are skipped.
     *
     * @param inputs the files the command reads (an input named with an empty option is shown by its path alone)
     * @throws IllegalArgumentException naming the option, the path and the reason
     */
    public static void check(List<Named> inputs, Named... outputs) {
        Map<Path, Named> seen = new HashMap<>();
        for (Named o : outputs) {
            if (o == null || o.path() == null) {
                continue;
            }
            Target t = checkOne(o);
            if (!t.direct()) {
                Named other = seen.putIfAbsent(identity(t.path()), o);
                if (other != null) {
                    throw new InvalidInputException(other.option() + " " + other.path() + " and " + o.option() + " "
                            + o.path() + " name the same file; give each output its own file");
                }
                Named input = inputAt(t.path(), inputs);
                if (input != null) {
                    throw new InvalidInputException(o.option() + " " + o.path() + " is the input " + (input.option()
                            .isEmpty() ? "" : input.option() + " ") + input.path() + " (the same file); writing the"
                            + " result there would replace the data: choose another file");
                }
            }
        }
    }

    /**
     * The input that is the file {@code target} (an output's path, links followed), or null. Same file means same
     * file key (device and inode): through any path, symbolic link or hard link. A name that does not exist yet is
     * no input.
     */
    private static Named inputAt(Path target, List<Named> inputs) {
        Object key = fileKey(target);
        if (key == null) {
            return null;
        }
        for (Named in : inputs) {
            if (in != null && in.path() != null && key.equals(fileKey(in.path()))) {
                return in;
            }
        }
        return null;
    }

    /** Whether both paths exist and are one file (see {@link #inputAt}: any path, symbolic or hard link). */
    public static boolean sameFile(Path a, Path b) {
        Object key = fileKey(a);
        return key != null && key.equals(fileKey(b));
    }

    /** The file's identity (device and inode on Unix), links followed; null where it does not exist. */
    private static Object fileKey(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            // a file system without keys: its real path stands in (a hard link then goes unseen)
            return a.fileKey() != null ? a.fileKey() : file.toRealPath();
        } catch (IOException e) {
            return null;
        }
    }

    private static Target checkOne(Named o) {
        Path file = o.path();
        String what = o.option() + " " + file;
        Target t;
        try {
            t = target(file);
        } catch (IOException e) {
            throw new InvalidInputException(what + ": cannot write (" + reason(e) + ")");
        }
        if (t.direct()) {
            if (!Files.isWritable(file)) {
                throw new InvalidInputException(what + ": cannot write (permission denied)");
            }
            return t;
        }
        if (Files.isDirectory(t.path())) {
            throw new InvalidInputException(what + " is a directory; expected a file name");
        }
        Path dir = t.path().getParent();
        requireDirectory(what, dir, t.path(), "the directory " + dir, "a file in " + dir);
        return t;
    }

    /**
     * Checks, before any work, that files can be made in {@code dir}, creating it (and its parents) if missing, as
     * {@code mkdir -p} would: a regular file, a directory that cannot be created and one that cannot be written (a
     * read-only file system) are refused. The message names the directory once, as the user wrote it.
     *
     * @throws IllegalArgumentException naming the option, the directory and the reason
     */
    public static void checkDirectory(String option, Path dir) {
        String what = option + " " + dir;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidInputException(what + " exists and is not a directory");
        }
        requireDirectory(what, dir.toAbsolutePath(), dir.toAbsolutePath().resolve("probe"), "this directory",
                "a file in it");
    }

    /**
     * Creates {@code dir} if missing, then makes and removes a temporary file for {@code file} in it.
     *
     * @param theDirectory and {@code aFile}: how the message calls the directory and a file in it
     */
    private static void requireDirectory(String what, Path dir, Path file, String theDirectory, String aFile) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidInputException(what + ": cannot create " + theDirectory + " (" + reason(e) + ")");
        }
        try {  // the real test: make (and remove) the temporary file the write will make
            Temp probe = createTemp(file);
            probe.channel().close();
            Files.delete(probe.path());
        } catch (TempFile e) {
            throw new InvalidInputException(what + ": cannot create " + aFile + " (" + reason(e.cause) + ")");
        } catch (IOException e) {
            throw new InvalidInputException(what + ": cannot write (" + reason(e) + ")");
        }
    }

    /** Whether {@code file} is written in place (a device, FIFO or socket, /dev/stdout) rather than replaced. */
    public static boolean writtenInPlace(Path file) {
        try {
            return target(file).direct();
        } catch (IOException e) {
            return false;
        }
    }

    public static void write(Path file, Body body) throws IOException {
        Map<Path, Body> one = new LinkedHashMap<>();
        one.put(file, body);
        writeAll(one);
    }

    public static void writeStream(Path file, StreamBody body) throws IOException {
        write(file, stream(body));
    }

    public static void writeString(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(file, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /** A stream body as a channel body. */
    public static Body stream(StreamBody body) {
        return ch -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            body.writeTo(out);
            out.flush();
        };
    }

    public static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /**
     * Writes several files as a group: every regular file is complete in its temporary file before the first
     * rename, so that a failure while writing leaves all of them as they were.
     */
    public static void writeAll(Map<Path, Body> files) throws IOException {
        List<Path> finals = new ArrayList<>(), temps = new ArrayList<>();
        Map<Path, Body> direct = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, Body> e : files.entrySet()) {
                Path file = e.getKey();
                Target t = targetOrFail(file);
                if (t.direct()) {
                    direct.put(file, e.getValue());
                    continue;
                }
                try {
                    Files.createDirectories(t.path().getParent());
                } catch (IOException x) {
                    throw failure(file, x);
                }
                Temp tmp;
                try {
                    tmp = createTemp(t.path());
                } catch (TempFile x) {
                    throw failure(file, x.cause);
                }
                temps.add(tmp.path());
                finals.add(t.path());
                try (FileChannel ch = tmp.channel()) {
                    e.getValue().writeTo(ch);
                    ch.force(true);  // the data on disk before the rename makes them visible
                } catch (IOException x) {
                    throw failure(file, x);
                }
                keepPermissions(t.path(), temps.getLast());
            }
            for (Map.Entry<Path, Body> e : direct.entrySet()) {
                try (FileChannel ch = FileChannel.open(e.getKey(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    e.getValue().writeTo(ch);
                } catch (IOException x) {
                    throw failure(e.getKey(), x);
                }
            }
            for (int i = 0; i < temps.size(); i++) {
                try {
                    Files.move(temps.get(i), finals.get(i), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException x) {
                    throw failure(finals.get(i), x);
                }
            }
        } finally {
            for (Path t : temps) {
                Files.deleteIfExists(t);
            }
        }
    }

    /** A temporary file, open for writing. */
    private record Temp(Path path, FileChannel channel) {}

    /** Why a temporary file could not be made (its own name is of no interest to the user). */
    private static final class TempFile extends IOException {
        final IOException cause;

        TempFile(IOException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    /**
     * Creates and opens a new temporary file beside {@code target}: same directory, so the rename is atomic;
     * created without explicit permissions, so the umask applies.
     */
    private static Temp createTemp(Path target) throws TempFile {
        String name = target.getFileName().toString();
        if (name.length() > 200) {  // stay under NAME_MAX with the suffix
            name = name.substring(0, 200);
        }
        for (int attempt = 0; ; attempt++) {
            Path tmp = target.resolveSibling("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".part");
            try {
                return new Temp(tmp, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw new TempFile(e);
                }
            } catch (IOException e) {
                throw new TempFile(e);
            }
        }
    }

    private static void keepPermissions(Path target, Path tmp) {
        if (!Files.isRegularFile(target)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        } catch (IOException | UnsupportedOperationException e) {
            // the new file keeps the umask's permissions: still readable as configured
        }
    }

    private static Target targetOrFail(Path file) throws IOException {
        try {
            Target t = target(file);
            if (!t.direct() && Files.isDirectory(t.path())) {
                throw new IOException(file + " is a directory; expected a file name");
            }
            return t;
        } catch (FileSystemException e) {
            throw failure(file, e);
        }
    }

    /** Follows symbolic links to the file to replace; devices, FIFOs, sockets and /proc files are written in place. */
    private static Target target(Path file) throws IOException {
        Path given = file.toAbsolutePath();
        BasicFileAttributes attrs = null;
        try {
            attrs = Files.readAttributes(given, BasicFileAttributes.class);  // follows links
        } catch (NoSuchFileException e) {
            // a new file, or a link to one
        }
        if (attrs != null && attrs.isOther()) {
            return new Target(given, true);
        }
        Path cur = given;
        for (int hops = 0; Files.isSymbolicLink(cur); hops++) {
            if (hops == MAX_LINKS) {
                throw new FileSystemException(file.toString(), null, "too many levels of symbolic links");
            }
            if (cur.startsWith("/proc")) {  // a magic link (/proc/self/fd/1): its text is not a path to rename over
                return new Target(given, true);
            }
            cur = cur.resolveSibling(Files.readSymbolicLink(cur));
        }
        if (cur.startsWith("/proc") && attrs != null) {
            return new Target(given, true);
        }
        return new Target(cur, false);
    }

    /** A path to compare outputs by: the real directory and the name. */
    private static Path identity(Path target) {
        try {
            return target.getParent().toRealPath().resolve(target.getFileName());
        } catch (IOException e) {
            return target.normalize();
        }
    }

    private static IOException failure(Path file, IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(file + ": cannot write")) {
            return e;
        }
        return new IOException(file + ": cannot write (" + reason(e) + ")", e);
    }

    /** The system's reason, in words, without the temporary file's name. */
    public static String reason(IOException e) {
        if (e instanceof TempFile t) {
            return reason(t.cause);
        }
        String r = e instanceof FileSystemException f ? f.getReason() : null;
        if (r != null && !r.isEmpty()) {
            // the system's text ("Read-only file system") inside a sentence, as the reasons below are written
            return Character.toLowerCase(r.charAt(0)) + r.substring(1);
        }
        return switch (e) {
            case NoSuchFileException n -> "no such file or directory";
            case AccessDeniedException a -> "permission denied";
            case FileAlreadyExistsException f -> f.getFile() + " exists and is not a directory";
            case NotDirectoryException n -> "not a directory";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
