package org.sparsefeat.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Finds the native libraries on the class path (OpenBLAS from bytedeco's jar, our own libsparsefeat built by
 * the Maven build), copies them once into a cache directory and opens them for FFM. The cache directory is
 * {@code -Dsparsefeat.native.dir}, else {@code $XDG_CACHE_HOME/sparsefeat} or {@code ~/.cache/sparsefeat}; each
 * set of libraries lives in a sub-directory named by a hash of its origin, so versions never mix. Loading only:
 * the downcalls go through {@link Native}.
 */
public final class NativeLibraries {
    public static final String PLATFORM = "linux-x86_64";
    private static final String OPENBLAS_DIR = "/org/bytedeco/openblas/" + PLATFORM + "/";
    /** libopenblas finds its Fortran runtime next to itself (RPATH $ORIGIN): they must share a directory. */
    private static final List<String> OPENBLAS_FILES =
            List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0");
    private static final String SPARSEFEAT_DIR = "/native/" + PLATFORM + "/";

    private static SymbolLookup openblas;
    private static SymbolLookup sparsefeat;

    private NativeLibraries() {}

    public static synchronized SymbolLookup openblas() {
        if (openblas == null) {
            openblas = SymbolLookup.libraryLookup(openblasFile(), Arena.global());
        }
        return openblas;
    }

    /** The OpenBLAS library file itself, unpacked: for a library that must find its BLAS calls in it (ScaLAPACK's). */
    public static synchronized Path openblasFile() {
        return extract(OPENBLAS_DIR, OPENBLAS_FILES, "openblas").resolve("libopenblas.so.0");
    }

    public static synchronized SymbolLookup sparsefeat() {
        if (sparsefeat == null) {
            Path dir = extract(SPARSEFEAT_DIR, List.of("libsparsefeat.so"), "sparsefeat");
            sparsefeat = SymbolLookup.libraryLookup(dir.resolve("libsparsefeat.so"), Arena.global());
        }
        return sparsefeat;
    }

    /** The address of {@code name} in {@code lib}, or an error naming the missing symbol. */
    public static java.lang.foreign.MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("native symbol " + name + " not found"));
    }


    private static Path extract(String resourceDir, List<String> files, String name) {
        requireSupportedPlatform();
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String f : files) {
                URL url = resource(resourceDir + f);
                digest.update(url.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (InputStream in = url.openStream()) {  // content too: a rebuilt library gets a new directory
                    if (f.startsWith("libsparsefeat")) {
                        digest.update(in.readAllBytes());
                    }
                }
            }
            String key = HexFormat.of().formatHex(digest.digest(), 0, 8);
            Path dir = cacheRoot().resolve(name + "-" + key);
            Files.createDirectories(dir);
            for (String f : files) {
                Path target = dir.resolve(f);
                if (Files.isRegularFile(target)) {
                    continue;
                }
                Path tmp = Files.createTempFile(dir, f, ".part");
                try (InputStream in = resource(resourceDir + f).openStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the native " + name + " libraries: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URL resource(String path) {
        URL url = NativeLibraries.class.getResource(path);
        if (url == null) {
            throw new IllegalStateException("native library " + path + " is not on the class path;"
                    + " rebuild with scripts/mvn package (it needs gcc) or use the ./sparsefeat launcher");
        }
        return url;
    }

    private static Path cacheRoot() {
        String explicit = System.getProperty("sparsefeat.native.dir");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sparsefeat");
    }

    private static void requireSupportedPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsupportedOperationException("sparsefeat's CPU backend ships native code for " + PLATFORM
                    + " only; this is " + os + "/" + arch);
        }
    }
}
