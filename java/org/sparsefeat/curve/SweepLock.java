package org.sparsefeat.curve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;
import org.sparsefeat.util.InvalidInputException;

/**
 * One sweep process per results directory: an OS lock on DIR/.lock (released by the OS when the process dies,
 * so a killed sweep leaves no stale lock), holding "pid@host since time" so that a second process can say who
 * has the directory. The file stays when the lock is released: deleting it could let two processes lock two
 * different files of the same name.
 */
public final class SweepLock implements AutoCloseable {
    public static final String FILE = ".lock";
    private static final long POLL_MILLIS = 1000;

    private final FileChannel channel;
    private final FileLock lock;

    private SweepLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The directory is in use by another sweep. */
    public static final class HeldException extends InvalidInputException {
        HeldException(String message) { super(message); }
    }

    /**
     * Locks {@code dir} (creating it). When another process holds it: with {@code wait}, waits for it (saying
     * so once through {@code log}); without, throws {@link HeldException} naming the holder.
     */
    public static SweepLock acquire(Path dir, boolean wait, Consumer<String> log) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        boolean told = false;
        try {
            while (true) {
                FileLock l = tryLock(ch);
                if (l != null) {
                    String me = ProcessHandle.current().pid() + "@" + host() + " since " + Instant.now();
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                    ch.force(false);
                    return new SweepLock(ch, l);
                }
                String holder = holder(file);
                if (!wait) {
                    throw new HeldException("{out} " + dir + " is in use by another sweep (process " + holder
                            + "); wait for it to finish, or pass {wait} to start when it has");
                }
                if (!told) {
                    log.accept("waiting for the sweep in " + dir + " (process " + holder + ") to finish");
                    told = true;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the lock on " + file, e);
                }
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** null when held, by another process or (OverlappingFileLockException) by this one. */
    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String holder(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "unknown, just starting" : s;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String host() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: below
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                channel.truncate(0);
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + FILE + ": " + e.getMessage(), e);
        }
    }
}
