package org.sparsefeat.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import org.sparsefeat.util.OutOfDeviceMemoryException;

/** What the two bindings of the driver API (JCuda, FFM) share: the kernels' fat binaries and their messages. */
final class DriverCommon {
    static final String NO_DRIVER = "no NVIDIA driver here (libcuda.so.1 not found)";
    static final String NOT_BUILT = "the CUDA kernels were not built (no nvcc at build time)";

    private DriverCommon() {}

    /** Whether cuda/build.sh put the fat binaries on the class path. */
    static boolean kernelsBuilt() { return DriverCommon.class.getResource("/cuda/gram.fatbin") != null; }

    /** The fat binary of cuda/{@code module}.cu. */
    static byte[] fatbin(String module) {
        try (InputStream in = DriverCommon.class.getResourceAsStream("/cuda/" + module + ".fatbin")) {
            if (in == null) {
                throw new IllegalStateException("cuda/" + module + ".fatbin is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read cuda/" + module + ".fatbin: " + e.getMessage(), e);
        }
    }

    /** A failed allocation: what, how much was asked, how much was free, and the driver's words (the CLI advises). */
    static OutOfDeviceMemoryException outOfMemory(String what, long bytes, long free, long total, String cause,
            Throwable driverError) {
        return new OutOfDeviceMemoryException(String.format("GPU out of memory allocating %s: %.2f GiB asked, %.2f GiB"
                + " free of %.2f GiB (%s)", what, bytes / 1073741824.0, free / 1073741824.0, total / 1073741824.0,
                cause), driverError);
    }
}
