package org.sparsefeat.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.sparsefeat.ffm.Native;
import org.sparsefeat.ffm.NativeLibraries;
import org.sparsefeat.util.Bytes;
import org.sparsefeat.util.OutOfDeviceMemoryException;

/**
 * GPU 0 through the CUDA driver API bound with Panama FFM: {@code libcuda.so.1} by its exported, versioned names
 * ({@code cuMemAlloc_v2}, ...). JCuda ({@link DriverDevice}) is the project's binding; this one is the fallback the
 * plan names for a driver JCuda cannot load under, used when JCuda fails and the driver loads, or when
 * {@code SPARSEFEAT_CUDA_BINDING=ffm}. The emulator of cuda/emu exports the same entry points, so the tests and
 * the device check's dry run drive this binding, bound to it. Launches go to the legacy default stream, as cuBLAS's do; no CUDA graphs here.
 */
final class FfmDriverDevice implements Device {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

    private static Boolean usable;
    /** The devices the driver reported when probed. */
    private static int devices;
    private static String probeFailure = "";

    private final SymbolLookup cuda;
    private final MethodHandle memAlloc, memFree, memGetInfo, htod, dtoh, dtod, memset, moduleLoad, getFunction, launch,
            synchronize, setCurrent, errorString;
    private final MethodHandle hostAlloc, hostFree, streamCreate, streamDestroy, streamSynchronize, eventCreate,
            eventDestroy, eventRecord, eventSynchronize, streamWaitEvent, htodAsync;
    private final MemorySegment context;
    private final String name;
    private final Function<String, byte[]> images;
    private final Map<String, MemorySegment> modules = new HashMap<>();
    private final CudaBlas blas;
    private final String blasStatus;

    private record FfmKernel(String name, MemorySegment function) implements Kernel {}

    /** libcuda.so.1, if the loader finds it. */
    static Optional<SymbolLookup> libcuda() {
        try {
            return Optional.of(SymbolLookup.libraryLookup("libcuda.so.1", Arena.global()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether the driver loads through FFM, initialises and has a device, and the kernels were built; probed once. */
    static synchronized boolean available() {
        if (usable == null) {
            usable = probe();
        }
        return usable;
    }

    private static boolean probe() {
        Optional<SymbolLookup> lib = libcuda();
        if (lib.isEmpty()) {
            probeFailure = DriverCommon.NO_DRIVER;
            return false;
        }
        if (!DriverCommon.kernelsBuilt()) {
            probeFailure = DriverCommon.NOT_BUILT;
            return false;
        }
        try {
            MethodHandle init = handle(lib.get(), "cuInit", FunctionDescriptor.of(INT, INT));
            MethodHandle count = handle(lib.get(), "cuDeviceGetCount", FunctionDescriptor.of(INT, PTR));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment n = arena.allocate(INT);
                int rc = (int) init.invokeExact(0);
                rc = rc != 0 ? rc : (int) count.invokeExact(n);
                devices = rc == 0 ? n.get(INT, 0) : 0;
                if (rc != 0 || n.get(INT, 0) < 1) {
                    probeFailure = rc != 0 ? "cuInit failed with CUDA status " + rc : "the CUDA driver reports no device";
                    return false;
                }
            }
            return true;
        } catch (Throwable t) {
            probeFailure = t.getClass().getSimpleName() + ": " + t.getMessage();
            return false;
        }
    }

    static synchronized String whyNot() {
        available();
        return probeFailure;
    }

    /** The devices the driver reports (0 where it cannot be used). */
    static synchronized int devices() { return available() ? devices : 0; }

    /**
     * On device {@code ordinal} of the machine's driver, with the fat binaries of cuda/build.sh and the machine's cuBLAS
     * when found.
     */
    static FfmDriverDevice open(int ordinal) {
        SymbolLookup lib = libcuda().orElseThrow(() -> new IllegalStateException("libcuda.so.1 not found"));
        return new FfmDriverDevice(lib, DriverCommon::fatbin, CudaBlas::load, ordinal);
    }

    /**
     * Over the emulator's driver entry points (cuda/emu; the tests and the dry run open it through
     * cuda/emu/java's {@code Emulator}); its modules are built in. withBlas: with its cuBLAS subset, else the device has none, as a
     * machine without cuBLAS (both paths of the Cholesky are tested).
     */
    static FfmDriverDevice overEmulator(SymbolLookup emulator, boolean withBlas) {
        return new FfmDriverDevice(emulator, module -> new byte[0], () -> {
            if (!withBlas) {
                throw new IllegalStateException("no cuBLAS (emulated without it)");
            }
            return new CudaBlas(emulator, "the emulator's cuBLAS subset");
        }, 0);
    }

    /**
     * @param images the image of a module by name
     * @param blas   cuBLAS, loaded once the context is current; an IllegalStateException from it means none
     */
    private FfmDriverDevice(SymbolLookup cuda, Function<String, byte[]> images, java.util.function.Supplier<CudaBlas> blas,
                            int ordinal) {
        this.cuda = cuda;
        this.images = images;
        memAlloc = handle(cuda, "cuMemAlloc_v2", FunctionDescriptor.of(INT, PTR, LONG));
        memFree = handle(cuda, "cuMemFree_v2", FunctionDescriptor.of(INT, LONG));
        memGetInfo = handle(cuda, "cuMemGetInfo_v2", FunctionDescriptor.of(INT, PTR, PTR));
        htod = handle(cuda, "cuMemcpyHtoD_v2", FunctionDescriptor.of(INT, LONG, PTR, LONG));
        dtoh = handle(cuda, "cuMemcpyDtoH_v2", FunctionDescriptor.of(INT, PTR, LONG, LONG));
        dtod = handle(cuda, "cuMemcpyDtoD_v2", FunctionDescriptor.of(INT, LONG, LONG, LONG));
        memset = handle(cuda, "cuMemsetD8_v2", FunctionDescriptor.of(INT, LONG, ValueLayout.JAVA_BYTE, LONG));
        moduleLoad = handle(cuda, "cuModuleLoadData", FunctionDescriptor.of(INT, PTR, PTR));
        getFunction = handle(cuda, "cuModuleGetFunction", FunctionDescriptor.of(INT, PTR, PTR, PTR));
        launch = handle(cuda, "cuLaunchKernel", FunctionDescriptor.of(INT, PTR, INT, INT, INT, INT, INT, INT, INT, PTR,
                PTR, PTR));
        synchronize = handle(cuda, "cuCtxSynchronize", FunctionDescriptor.of(INT));
        setCurrent = handle(cuda, "cuCtxSetCurrent", FunctionDescriptor.of(INT, PTR));
        errorString = handle(cuda, "cuGetErrorString", FunctionDescriptor.of(INT, INT, PTR));
        hostAlloc = handle(cuda, "cuMemHostAlloc", FunctionDescriptor.of(INT, PTR, LONG, INT));
        hostFree = handle(cuda, "cuMemFreeHost", FunctionDescriptor.of(INT, PTR));
        streamCreate = handle(cuda, "cuStreamCreate", FunctionDescriptor.of(INT, PTR, INT));
        streamDestroy = handle(cuda, "cuStreamDestroy_v2", FunctionDescriptor.of(INT, PTR));
        streamSynchronize = handle(cuda, "cuStreamSynchronize", FunctionDescriptor.of(INT, PTR));
        eventCreate = handle(cuda, "cuEventCreate", FunctionDescriptor.of(INT, PTR, INT));
        eventDestroy = handle(cuda, "cuEventDestroy_v2", FunctionDescriptor.of(INT, PTR));
        eventRecord = handle(cuda, "cuEventRecord", FunctionDescriptor.of(INT, PTR, PTR));
        eventSynchronize = handle(cuda, "cuEventSynchronize", FunctionDescriptor.of(INT, PTR));
        streamWaitEvent = handle(cuda, "cuStreamWaitEvent", FunctionDescriptor.of(INT, PTR, PTR, INT));
        htodAsync = handle(cuda, "cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(INT, LONG, PTR, LONG, PTR));
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle init = handle(cuda, "cuInit", FunctionDescriptor.of(INT, INT));
            MethodHandle deviceGet = handle(cuda, "cuDeviceGet", FunctionDescriptor.of(INT, PTR, INT));
            MethodHandle retain = handle(cuda, "cuDevicePrimaryCtxRetain", FunctionDescriptor.of(INT, PTR, INT));
            MethodHandle deviceName = handle(cuda, "cuDeviceGetName", FunctionDescriptor.of(INT, PTR, INT, INT));
            MemorySegment device = arena.allocate(INT), ctx = arena.allocate(PTR), text = arena.allocate(256);
            status("cuInit", () -> (int) init.invokeExact(0));
            status("cuDeviceGet", () -> (int) deviceGet.invokeExact(device, ordinal));
            status("cuDevicePrimaryCtxRetain", () -> (int) retain.invokeExact(ctx, device.get(INT, 0)));
            context = ctx.get(PTR, 0);
            current();
            status("cuDeviceGetName", () -> (int) deviceName.invokeExact(text, 256, device.get(INT, 0)));
            name = text.getString(0);
        }
        CudaBlas loaded = null;
        String status;
        try {
            loaded = blas.get();
            status = "cuBLAS from " + loaded.library();
        } catch (IllegalStateException e) {
            status = e.getMessage();
        }
        this.blas = loaded;
        this.blasStatus = status;
    }

    private static MethodHandle handle(SymbolLookup lib, String symbol, FunctionDescriptor fd) {
        return LINKER.downcallHandle(NativeLibraries.symbol(lib, symbol), fd);
    }

    private void check(String call, int status) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed: " + describe(status) + " (CUDA status " + status + ")");
        }
    }

    private String describe(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(PTR);
            int ignored = (int) errorString.invokeExact(status, out);
            MemorySegment text = out.get(PTR, 0);
            return text.address() == 0 ? "unknown error" : text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "unknown error";
        }
    }

    private void current() {
        status("cuCtxSetCurrent", () -> (int) setCurrent.invokeExact(context));
    }

    @Override
    public String name() { return name + ", driver API through FFM"; }

    @Override
    public long allocate(String what, long bytes) {
        current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(LONG);
            int rc = Native.call(() -> (int) memAlloc.invokeExact(out, bytes));
            if (rc != 0) {
                MemorySegment free = arena.allocate(LONG), total = arena.allocate(LONG);
                int ignored = Native.call(() -> (int) memGetInfo.invokeExact(free, total));
                throw DriverCommon.outOfMemory(what, bytes, free.get(LONG, 0), total.get(LONG, 0), describe(rc), null);
            }
            return out.get(LONG, 0);
        }
    }

    @Override
    public void free(long address) {
        current();
        status("cuMemFree_v2", () -> (int) memFree.invokeExact(address));
    }

    /** Host memory of {@code bytes} filled by {@code fill}, copied to the device. */
    private void toDevice(long dst, long bytes, java.util.function.Consumer<MemorySegment> fill) {
        current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, bytes), 8);
            fill.accept(host);
            status("cuMemcpyHtoD_v2", () -> (int) htod.invokeExact(dst, host, bytes));
        }
    }

    /** {@code bytes} from the device into host memory, handed to {@code use}. */
    private void toHost(long src, long bytes, java.util.function.Consumer<MemorySegment> use) {
        current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, bytes), 8);
            status("cuMemcpyDtoH_v2", () -> (int) dtoh.invokeExact(host, src, bytes));
            use.accept(host);
        }
    }

    @Override
    public void copyToDevice(long dst, double[] src, int from, int count) {
        toDevice(dst, (long) count * Double.BYTES, h -> MemorySegment.copy(src, from, h, ValueLayout.JAVA_DOUBLE, 0, count));
    }

    @Override
    public void copyToDevice(long dst, long[] src) {
        toDevice(dst, (long) src.length * Long.BYTES, h -> MemorySegment.copy(src, 0, h, LONG, 0, src.length));
    }

    @Override
    public void copyToHost(double[] dst, int from, int count, long src) {
        toHost(src, (long) count * Double.BYTES, h -> MemorySegment.copy(h, ValueLayout.JAVA_DOUBLE, 0, dst, from, count));
    }

    @Override
    public void copyToHost(int[] dst, long src) {
        toHost(src, (long) dst.length * Integer.BYTES, h -> MemorySegment.copy(h, INT, 0, dst, 0, dst.length));
    }

    @Override
    public void copyToHost(float[] dst, long src) {
        toHost(src, (long) dst.length * Float.BYTES, h -> MemorySegment.copy(h, ValueLayout.JAVA_FLOAT, 0, dst, 0,
                dst.length));
    }

    @Override
    public void copyToHost(long[] dst, long src) {
        toHost(src, (long) dst.length * Long.BYTES, h -> MemorySegment.copy(h, LONG, 0, dst, 0, dst.length));
    }

    @Override
    public void copyToDevice(long dst, MemorySegment src) {
        current();
        status("cuMemcpyHtoD_v2", () -> (int) htod.invokeExact(dst, src, src.byteSize()));
    }

    @Override
    public void copyToHost(MemorySegment dst, long src) {
        current();
        status("cuMemcpyDtoH_v2", () -> (int) dtoh.invokeExact(dst, src, dst.byteSize()));
    }

    @Override
    public long freeMemory() {
        current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(LONG), total = arena.allocate(LONG);
            status("cuMemGetInfo_v2", () -> (int) memGetInfo.invokeExact(free, total));
            return free.get(LONG, 0);
        }
    }

    @Override
    public Pinned allocatePinned(String what, long bytes) {
        current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(PTR);
            int rc = Native.call(() -> (int) hostAlloc.invokeExact(out, bytes, 0));
            if (rc != 0) {
                throw new OutOfDeviceMemoryException("out of page-locked host memory allocating " + what + " ("
                        + Bytes.format(bytes) + "): " + describe(rc), null);
            }
            MemorySegment host = out.get(PTR, 0).reinterpret(bytes);
            return new Pinned() {
                @Override
                public MemorySegment segment() { return host; }

                @Override
                public void close() { status("cuMemFreeHost", () -> (int) hostFree.invokeExact(host)); }
            };
        }
    }

    /** An event recorded on {@code stream} (NULL: the legacy stream of the work). */
    private BoundEvent record(MemorySegment stream) {
        current();
        MemorySegment event;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(PTR);
            status("cuEventCreate", () -> (int) eventCreate.invokeExact(out, EVENT_DISABLE_TIMING));
            event = out.get(PTR, 0);
        }
        status("cuEventRecord", () -> (int) eventRecord.invokeExact(event, stream));
        return new BoundEvent(event);
    }

    @Override
    public Event recordWork() { return record(MemorySegment.NULL); }

    @Override
    public void workWaitsFor(Event event) {
        MemorySegment e = ((BoundEvent) event).handle();
        status("cuStreamWaitEvent", () -> (int) streamWaitEvent.invokeExact(MemorySegment.NULL, e, 0));
    }

    private final class BoundEvent implements Event {
        private final MemorySegment handle;

        BoundEvent(MemorySegment handle) { this.handle = handle; }

        MemorySegment handle() { return handle; }

        @Override
        public void synchronize() {
            current();
            status("cuEventSynchronize", () -> (int) eventSynchronize.invokeExact(handle));
        }

        @Override
        public void close() { status("cuEventDestroy_v2", () -> (int) eventDestroy.invokeExact(handle)); }
    }

    @Override
    public CopyStream copyStream() {
        current();
        MemorySegment stream;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(PTR);
            status("cuStreamCreate", () -> (int) streamCreate.invokeExact(out, STREAM_NON_BLOCKING));
            stream = out.get(PTR, 0);
        }
        return new CopyStream() {
            @Override
            public void copyToDevice(long dst, MemorySegment src) {
                current();
                status("cuMemcpyHtoDAsync_v2", () -> (int) htodAsync.invokeExact(dst, src, src.byteSize(), stream));
            }

            @Override
            public Event record() { return FfmDriverDevice.this.record(stream); }

            @Override
            public void waitFor(Event event) {
                MemorySegment e = ((BoundEvent) event).handle();
                status("cuStreamWaitEvent", () -> (int) streamWaitEvent.invokeExact(stream, e, 0));
            }

            @Override
            public void synchronize() {
                current();
                status("cuStreamSynchronize", () -> (int) streamSynchronize.invokeExact(stream));
            }

            @Override
            public void close() { status("cuStreamDestroy_v2", () -> (int) streamDestroy.invokeExact(stream)); }
        };
    }

    /** A driver call that returns a status, checked: a failure names the call and the driver's reason. */
    private void status(String name, Native.Call<Integer> downcall) {
        check(name, Native.call(downcall));
    }

    private static final int STREAM_NON_BLOCKING = 1;   // CU_STREAM_NON_BLOCKING
    private static final int EVENT_DISABLE_TIMING = 2;  // CU_EVENT_DISABLE_TIMING

    @Override
    public void copyOnDevice(long dst, long src, long bytes) {
        current();
        status("cuMemcpyDtoD_v2", () -> (int) dtod.invokeExact(dst, src, bytes));
    }

    @Override
    public void zero(long address, long bytes) {
        current();
        status("cuMemsetD8_v2", () -> (int) memset.invokeExact(address, (byte) 0, bytes));
    }

    @Override
    public Kernel kernel(String module, String kernel) {
        current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = modules.get(module);
            if (m == null) {
                byte[] image = images.apply(module);
                MemorySegment bytes = arena.allocate(image.length + 1L);  // the driver reads PTX up to a NUL
                MemorySegment.copy(image, 0, bytes, ValueLayout.JAVA_BYTE, 0, image.length);
                MemorySegment out = arena.allocate(PTR);
                status("cuModuleLoadData(" + module + ")", () -> (int) moduleLoad.invokeExact(out, bytes));
                m = out.get(PTR, 0);
                modules.put(module, m);
            }
            MemorySegment out = arena.allocate(PTR), loaded = m, name = arena.allocateFrom(kernel);
            status("cuModuleGetFunction(" + kernel + ")", () -> (int) getFunction.invokeExact(out, loaded, name));
            return new FfmKernel(kernel, out.get(PTR, 0));
        }
    }

    @Override
    public Launch prepare(Kernel kernel, Dim grid, Dim block, KernelArgs args) {
        MemorySegment params = args.layout(Arena.ofAuto());  // freed with the prepared launch
        MemorySegment function = ((FfmKernel) kernel).function();
        return () -> {
            current();
            status("cuLaunchKernel(" + kernel.name() + ")", () -> (int) launch.invokeExact(function, grid.x(), grid.y(),
                    grid.z(), block.x(), block.y(), block.z(), 0, MemorySegment.NULL, params, MemorySegment.NULL));
        };
    }

    @Override
    public Optional<CudaBlas> blas() {
        current();
        return Optional.ofNullable(blas);
    }

    @Override
    public String blasStatus() { return blasStatus; }

    @Override
    public void synchronize() {
        current();
        status("cuCtxSynchronize", () -> (int) synchronize.invokeExact());
    }

    @Override
    public void close() {
        if (blas != null) {
            current();
            blas.close();
        }
        MethodHandle release = handle(cuda, "cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(INT, INT));
        int ignored = Native.call(() -> (int) release.invokeExact(0));
    }
}
