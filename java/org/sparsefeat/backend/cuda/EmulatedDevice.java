package org.sparsefeat.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparsefeat.ffm.NativeLibraries;

/**
 * The kernels of cuda/*.cu run on the CPU by the emulator of cuda/emu (one fiber per CUDA thread, blocks one after
 * the other), bound with FFM. Device memory is host memory with a guard page after each allocation and NaN bytes
 * in it until written. For tests: it checks the kernels' indexing, barriers and reductions and the Java code that
 * drives them, not a GPU's timing or memory model.
 */
final class EmulatedDevice implements Device {
    /** Where the build put the emulator (surefire sets it; see pom.xml). */
    static final String LIBRARY_PROPERTY = "sparsefeat.cudaEmulator";

    private static final Linker LINKER = Linker.nativeLinker();
    private final MethodHandle launch, alloc, free, sizeofGdNet;
    private final CudaBlas blas;

    private record EmulatedKernel(String name) implements Kernel {}

    /** The emulator library, or null with the reason in {@link #whyNot}. */
    static Path library() {
        String p = System.getProperty(LIBRARY_PROPERTY);
        return p != null && Files.isRegularFile(Path.of(p)) ? Path.of(p) : null;
    }

    static String whyNot() {
        return "the CUDA emulator was not built (no g++ at build time, or -D" + LIBRARY_PROPERTY + " unset)";
    }

    /** @param withBlas whether to offer the emulator's cuBLAS entry points (both paths of the Cholesky are tested) */
    EmulatedDevice(boolean withBlas) {
        Path lib = library();
        if (lib == null) {
            throw new IllegalStateException(whyNot());
        }
        SymbolLookup emu = SymbolLookup.libraryLookup(lib, Arena.global());
        launch = LINKER.downcallHandle(NativeLibraries.symbol(emu, "sf_emu_launch"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
        alloc = LINKER.downcallHandle(NativeLibraries.symbol(emu, "sf_emu_alloc"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        free = LINKER.downcallHandle(NativeLibraries.symbol(emu, "sf_emu_free"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        sizeofGdNet = LINKER.downcallHandle(NativeLibraries.symbol(emu, "sf_emu_sizeof_gd_net"),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG));
        blas = withBlas ? new CudaBlas(emu, "the emulator's cuBLAS subset") : null;
    }

    /** sizeof(struct sf_gd_net) as the kernels were compiled (cuda/gd.cu). */
    long sizeofGdNet() {
        try {
            return (long) sizeofGdNet.invokeExact();
        } catch (Throwable t) {
            throw NativeLibraries.propagate(t);
        }
    }

    @Override
    public java.util.Optional<CudaBlas> blas() { return java.util.Optional.ofNullable(blas); }

    @Override
    public String blasStatus() { return blas == null ? "no cuBLAS (emulated without it)" : "cuBLAS: " + blas.library(); }

    private static MemorySegment at(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    @Override
    public String name() { return "CUDA emulator (CPU)"; }

    @Override
    public long allocate(String what, long bytes) {
        try {
            long a = ((MemorySegment) alloc.invokeExact(bytes)).address();
            if (a == 0) {
                throw new IllegalStateException("emulated device out of memory allocating " + what + ": " + bytes + " bytes");
            }
            return a;
        } catch (Throwable t) {
            throw NativeLibraries.propagate(t);
        }
    }

    @Override
    public void free(long address) {
        try {
            free.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw NativeLibraries.propagate(t);
        }
    }

    @Override
    public void copyToDevice(long dst, double[] src, int from, int count) {
        MemorySegment.copy(src, from, at(dst, (long) count * Double.BYTES), ValueLayout.JAVA_DOUBLE, 0, count);
    }

    @Override
    public void copyToHost(double[] dst, int from, int count, long src) {
        MemorySegment.copy(at(src, (long) count * Double.BYTES), ValueLayout.JAVA_DOUBLE, 0, dst, from, count);
    }

    @Override
    public void copyToHost(int[] dst, long src) {
        MemorySegment.copy(at(src, (long) dst.length * Integer.BYTES), ValueLayout.JAVA_INT, 0, dst, 0, dst.length);
    }

    @Override
    public void copyToHost(float[] dst, long src) {
        MemorySegment.copy(at(src, (long) dst.length * Float.BYTES), ValueLayout.JAVA_FLOAT, 0, dst, 0, dst.length);
    }

    @Override
    public void copyToDevice(long dst, long[] src) {
        MemorySegment.copy(src, 0, at(dst, (long) src.length * Long.BYTES), ValueLayout.JAVA_LONG, 0, src.length);
    }

    @Override
    public void copyToHost(long[] dst, long src) {
        MemorySegment.copy(at(src, (long) dst.length * Long.BYTES), ValueLayout.JAVA_LONG, 0, dst, 0, dst.length);
    }

    @Override
    public void copyOnDevice(long dst, long src, long bytes) {
        MemorySegment.copy(at(src, bytes), 0, at(dst, bytes), 0, bytes);
    }

    @Override
    public void zero(long address, long bytes) { at(address, bytes).fill((byte) 0); }

    @Override
    public Kernel kernel(String module, String name) { return new EmulatedKernel(name); }

    @Override
    public Launch prepare(Kernel kernel, Dim grid, Dim block, KernelArgs args) {
        return () -> launch(kernel, grid, block, args);
    }

    @Override
    public void launch(Kernel kernel, Dim grid, Dim block, KernelArgs args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = args.layout(arena);
            MemorySegment err = arena.allocate(512);
            int rc = (int) launch.invokeExact(arena.allocateFrom(kernel.name()), grid.x(), grid.y(), grid.z(), block.x(),
                    block.y(), block.z(), 0, params, err, 512);
            if (rc != 0) {
                throw new IllegalStateException("emulated launch of " + kernel.name() + " failed: " + err.getString(0));
            }
        } catch (Throwable t) {
            throw NativeLibraries.propagate(t);
        }
    }

    @Override
    public void synchronize() {}

    @Override
    public void close() {}
}
