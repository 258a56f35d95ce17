package org.sparsefeat.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparsefeat.ffm.Native;
import org.sparsefeat.ffm.NativeLibraries;

/**
 * The CPU emulator of the kernels (cuda/emu) as a device, for the tests and the device check's dry run
 * ({@code GpuCheck --emulated}); not part of the engine: this file is compiled with the tests, and with the
 * benchmarks under -Pbench (pom.xml). The emulator exports the CUDA driver API and a cuBLAS subset, so the
 * device is the engine's own FFM binding of the driver ({@link FfmDriverDevice}) bound to the emulator instead
 * of libcuda.so.1: what the tests drive is the code that runs on a GPU.
 */
public final class Emulator {
    /** Where the build put the emulator library (surefire and benchmarks/gpu/check.sh --emulated set it). */
    public static final String LIBRARY_PROPERTY = "sparsefeat.cudaEmulator";

    private Emulator() {}

    /** The emulator library, or null with the reason in {@link #whyNot}. */
    private static Path library() {
        String p = System.getProperty(LIBRARY_PROPERTY);
        return p != null && Files.isRegularFile(Path.of(p)) ? Path.of(p) : null;
    }

    /** Whether the build made the emulator (g++) and told this JVM where. */
    public static boolean available() { return library() != null; }

    public static String whyNot() {
        return "the CUDA emulator was not built (no g++ at build time, or -D" + LIBRARY_PROPERTY + " unset)";
    }

    private static SymbolLookup lookup() {
        Path lib = library();
        if (lib == null) {
            throw new IllegalStateException(whyNot());
        }
        return SymbolLookup.libraryLookup(lib, Arena.global());
    }

    /**
     * The emulated device through the FFM driver binding; withBlas: with the emulator's cuBLAS entry points (the
     * Cholesky then hands its big updates to them, as to cuBLAS on a GPU), else the device reports no cuBLAS.
     */
    static Device device(boolean withBlas) { return FfmDriverDevice.overEmulator(lookup(), withBlas); }

    /** The CUDA backend on {@link #device}. */
    public static CudaBackend backend(int threads, boolean withBlas) {
        return new CudaBackend(device(withBlas), threads);
    }

    /** sizeof(struct sf_gd_net) as the emulator's g++ compiled cuda/gd.cu. */
    static long sizeofGdNet() {
        MethodHandle sizeof = Linker.nativeLinker().downcallHandle(NativeLibraries.symbol(lookup(), "sf_emu_sizeof_gd_net"),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG));
        return Native.call(() -> (long) sizeof.invokeExact());
    }
}
