package org.sparsefeat.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.sparsefeat.util.Bytes;
import org.sparsefeat.util.OutOfDeviceMemoryException;

/**
 * GPU 0 through JCuda's driver API (it needs only libcuda.so.1, so it loads under CUDA 12 and 13 drivers), on
 * the device's primary context, which cuBLAS shares. Kernels are the fat binaries cuda/build.sh put on the
 * class path. NOT YET RUN ON A GPU: the first device check must prove that JCuda works under the CUDA 13 driver.
 */
final class DriverDevice implements Device {
    private static Boolean usable;
    /** The devices the driver reported when probed. */
    private static int devices;
    private static String reason = "";

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final String name;
    private CudaBlas blas;
    private String blasStatus;

    /** A device address as JCuda's pointer type: JCuda adds the byte offset to a null base pointer. */
    private static final class Address extends CUdeviceptr {
        Address() { super(); }

        Address(long address) { super(new CUdeviceptr(), address); }

        long value() { return getNativePointer() + getByteOffset(); }
    }

    private record DriverKernel(String name, CUfunction function) implements Kernel {}

    /**
     * Whether a GPU can be used: JCuda's driver library loads, the driver initialises, a device exists and our
     * kernels are on the class path. Probed once; {@link #whyNot} says what failed.
     */
    static synchronized boolean available() {
        if (usable == null) {
            try {
                JCudaDriver.setExceptionsEnabled(true);
                cuInit(0);
                int[] count = {0};
                cuDeviceGetCount(count);
                devices = count[0];
                if (count[0] < 1) {
                    reason = "the CUDA driver reports no device";
                } else if (!DriverCommon.kernelsBuilt()) {
                    reason = DriverCommon.NOT_BUILT;
                }
                usable = reason.isEmpty();
            } catch (LinkageError | CudaException e) {
                // no libcuda.so.1 (no driver), or JCuda's native library cannot load: an Error, not an Exception
                usable = false;
                reason = summarise(e);
            }
        }
        return usable;
    }

    static synchronized String whyNot() {
        available();
        return reason;
    }

    /** One line for a probe failure (JCuda's message carries whole nested stack traces). */
    private static String summarise(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("libcuda.so.1")) {
            return DriverCommon.NO_DRIVER;
        }
        return e.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse("").strip();
    }

    /** The devices the driver reports (0 where it cannot be used). */
    static synchronized int devices() { return available() ? devices : 0; }

    /** On device {@code ordinal} (0 to {@link #devices} - 1). */
    DriverDevice(int ordinal) {
        cuDeviceGet(device, ordinal);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, device);
        name = new String(nameBytes).replace("\0", "").trim();
        try {
            blas = CudaBlas.load();
            blasStatus = "cuBLAS from " + blas.library();
        } catch (IllegalStateException e) {
            blasStatus = e.getMessage();
        }
    }

    @Override
    public java.util.Optional<CudaBlas> blas() {
        current();
        return java.util.Optional.ofNullable(blas);
    }

    @Override
    public String blasStatus() { return blasStatus; }

    /** Every call may come from another Java thread: make the primary context current on it. */
    private void current() { cuCtxSetCurrent(context); }

    @Override
    public String name() { return name; }

    @Override
    public long allocate(String what, long bytes) {
        current();
        Address p = new Address();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            long[] free = {0}, total = {0};
            cuMemGetInfo(free, total);
            throw DriverCommon.outOfMemory(what, bytes, free[0], total[0], e.getMessage(), e);
        }
        return p.value();
    }

    @Override
    public void free(long address) {
        current();
        cuMemFree(new Address(address));
    }

    // Slices of host arrays go through a copy rather than a Java-array pointer with a byte offset: whole arrays
    // are JCuda's common path, the one most likely to be right on a first run.
    @Override
    public void copyToDevice(long dst, double[] src, int from, int count) {
        current();
        double[] whole = from == 0 && count == src.length ? src : java.util.Arrays.copyOfRange(src, from, from + count);
        cuMemcpyHtoD(new Address(dst), Pointer.to(whole), (long) count * Double.BYTES);
    }

    @Override
    public void copyToHost(double[] dst, int from, int count, long src) {
        current();
        if (from == 0 && count == dst.length) {
            cuMemcpyDtoH(Pointer.to(dst), new Address(src), (long) count * Double.BYTES);
        } else {
            double[] part = new double[count];
            cuMemcpyDtoH(Pointer.to(part), new Address(src), (long) count * Double.BYTES);
            System.arraycopy(part, 0, dst, from, count);
        }
    }

    @Override
    public void copyToHost(int[] dst, long src) {
        current();
        cuMemcpyDtoH(Pointer.to(dst), new Address(src), (long) dst.length * Integer.BYTES);
    }

    @Override
    public void copyToHost(float[] dst, long src) {
        current();
        cuMemcpyDtoH(Pointer.to(dst), new Address(src), (long) dst.length * Float.BYTES);
    }

    @Override
    public void copyToDevice(long dst, long[] src) {
        current();
        cuMemcpyHtoD(new Address(dst), Pointer.to(src), (long) src.length * Long.BYTES);
    }

    @Override
    public void copyToHost(long[] dst, long src) {
        current();
        cuMemcpyDtoH(Pointer.to(dst), new Address(src), (long) dst.length * Long.BYTES);
    }

    @Override
    public void copyOnDevice(long dst, long src, long bytes) {
        current();
        cuMemcpyDtoD(new Address(dst), new Address(src), bytes);
    }

    // Native host memory goes to JCuda as direct ByteBuffers (its pointer type for them), 1 GiB at a time since a
    // buffer holds less than 2 GiB.
    private static final long SLICE = 1L << 30;

    @Override
    public void copyToDevice(long dst, MemorySegment src) {
        current();
        for (long at = 0; at < src.byteSize(); at += SLICE) {
            long bytes = Math.min(SLICE, src.byteSize() - at);
            cuMemcpyHtoD(new Address(dst + at), Pointer.to(src.asSlice(at, bytes).asByteBuffer()), bytes);
        }
    }

    @Override
    public void copyToHost(MemorySegment dst, long src) {
        current();
        for (long at = 0; at < dst.byteSize(); at += SLICE) {
            long bytes = Math.min(SLICE, dst.byteSize() - at);
            cuMemcpyDtoH(Pointer.to(dst.asSlice(at, bytes).asByteBuffer()), new Address(src + at), bytes);
        }
    }

    @Override
    public Pinned allocatePinned(String what, long bytes) {
        current();
        Pointer p = new Pointer();
        try {
            cuMemHostAlloc(p, bytes, 0);
        } catch (CudaException e) {
            throw new OutOfDeviceMemoryException("out of page-locked host memory allocating " + what + " ("
                    + Bytes.format(bytes) + "): " + e.getMessage(), e);
        }
        // the address, through a one-byte view (a ByteBuffer cannot span 2 GiB or more)
        long address = MemorySegment.ofBuffer(p.getByteBuffer(0, 1)).address();
        MemorySegment host = MemorySegment.ofAddress(address).reinterpret(bytes);
        synchronized (pinned) {
            pinned.put(address, new PinnedBlock(p, bytes));
        }
        return new Pinned() {
            @Override
            public MemorySegment segment() { return host; }

            @Override
            public void close() {
                current();
                synchronized (pinned) {
                    pinned.remove(address);
                }
                cuMemFreeHost(p);
            }
        };
    }

    /** Page-locked allocations by address, for the asynchronous copies from them (JCuda takes its own pointers). */
    private final TreeMap<Long, PinnedBlock> pinned = new TreeMap<>();

    private record PinnedBlock(Pointer pointer, long bytes) {}

    /** JCuda's pointer to {@code segment}, which must lie within one page-locked allocation. */
    private Pointer pinnedPointer(MemorySegment segment) {
        Map.Entry<Long, PinnedBlock> e;
        synchronized (pinned) {
            e = pinned.floorEntry(segment.address());
        }
        if (e == null || segment.address() + segment.byteSize() > e.getKey() + e.getValue().bytes()) {
            throw new IllegalArgumentException("an asynchronous copy from host memory that is not page-locked");
        }
        long offset = segment.address() - e.getKey();
        return offset == 0 ? e.getValue().pointer() : e.getValue().pointer().withByteOffset(offset);
    }

    private final class JcudaEvent implements Event {
        private final CUevent event = new CUevent();

        JcudaEvent(CUstream stream) {
            current();
            cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING);
            cuEventRecord(event, stream);
        }

        @Override
        public void synchronize() {
            current();
            cuEventSynchronize(event);
        }

        @Override
        public void close() {
            current();
            cuEventDestroy(event);
        }
    }

    @Override
    public Event recordWork() { return new JcudaEvent(null); }

    @Override
    public void workWaitsFor(Event event) {
        current();
        cuStreamWaitEvent(null, ((JcudaEvent) event).event, 0);
    }

    @Override
    public CopyStream copyStream() {
        current();
        CUstream stream = new CUstream();
        cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        return new CopyStream() {
            @Override
            public void copyToDevice(long dst, MemorySegment src) {
                current();
                cuMemcpyHtoDAsync(new Address(dst), pinnedPointer(src), src.byteSize(), stream);
            }

            @Override
            public Event record() { return new JcudaEvent(stream); }

            @Override
            public void waitFor(Event event) {
                current();
                cuStreamWaitEvent(stream, ((JcudaEvent) event).event, 0);
            }

            @Override
            public void synchronize() {
                current();
                cuStreamSynchronize(stream);
            }

            @Override
            public void close() {
                current();
                cuStreamDestroy(stream);
            }
        };
    }

    @Override
    public long freeMemory() {
        current();
        long[] free = {0}, total = {0};
        cuMemGetInfo(free, total);
        return free[0];
    }

    @Override
    public void zero(long address, long bytes) {
        current();
        cuMemsetD8(new Address(address), (byte) 0, bytes);
    }

    @Override
    public Kernel kernel(String module, String kernel) {
        current();
        CUmodule m = modules.computeIfAbsent(module, DriverDevice::load);
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, m, kernel);
        return new DriverKernel(kernel, f);
    }

    private static CUmodule load(String module) {
        CUmodule m = new CUmodule();
        cuModuleLoadData(m, DriverCommon.fatbin(module));
        return m;
    }

    /** A launch with its parameters laid out, on the legacy default stream or on a given one. */
    private final class DriverLaunch implements Launch {
        private final CUfunction function;
        private final Dim grid, block;
        private final Pointer params;

        DriverLaunch(DriverKernel kernel, Dim grid, Dim block, KernelArgs args) {
            function = kernel.function();
            this.grid = grid;
            this.block = block;
            params = Pointer.to(args.list().stream().map(a -> switch (a.type()) {
                case I32 -> Pointer.to(new int[] {(int) a.bits()});
                case I64, PTR -> Pointer.to(new long[] {a.bits()});
                case F64 -> Pointer.to(new double[] {Double.longBitsToDouble(a.bits())});
            }).toArray(Pointer[]::new));
        }

        @Override
        public void run() { on(null); }

        void on(CUstream stream) {
            current();
            cuLaunchKernel(function, grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(), 0, stream, params, null);
        }
    }

    @Override
    public Launch prepare(Kernel kernel, Dim grid, Dim block, KernelArgs args) {
        return new DriverLaunch((DriverKernel) kernel, grid, block, args);
    }

    /**
     * A CUDA graph captured on a stream of its own; that stream is a blocking one, so the graph runs in order with
     * the legacy default stream that everything else uses. Falls back to plain launches if capture fails.
     */
    @Override
    public Repeat repeat(java.util.List<Launch> launches, int times) {
        current();
        CUstream stream = new CUstream();
        CUgraph graph = new CUgraph();
        CUgraphExec exec = new CUgraphExec();
        try {
            cuStreamCreate(stream, 0);
            cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED);
            try {
                for (int t = 0; t < times; t++) {
                    for (Launch l : launches) {
                        ((DriverLaunch) l).on(stream);
                    }
                }
            } finally {
                cuStreamEndCapture(stream, graph);
            }
            cuGraphInstantiate(exec, graph, 0);
            cuGraphDestroy(graph);
        } catch (CudaException e) {
            // nothing of a failed capture may outlive it: the capture's graph (if any) and the stream
            destroyQuietly(() -> cuGraphDestroy(graph));
            destroyQuietly(() -> cuStreamDestroy(stream));
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            return Device.plainRepeat(launches, times, "launches (CUDA graph capture failed: " + why + ")");
        }
        return new Repeat() {
            @Override
            public void run() {
                current();
                cuGraphLaunch(exec, stream);
            }

            @Override
            public String how() { return "CUDA graph"; }

            @Override
            public void close() {
                current();
                cuGraphExecDestroy(exec);
                cuStreamDestroy(stream);
            }
        };
    }


    /** A clean-up after a failure, whose own failure (e.g. a null handle) must not hide the first. */
    private static void destroyQuietly(Runnable destroy) {
        try {
            destroy.run();
        } catch (CudaException | IllegalArgumentException | NullPointerException ignored) {
            // already reported by the failure that led here
        }
    }

    @Override
    public void synchronize() {
        current();
        cuCtxSynchronize();
    }

    @Override
    public void close() {
        if (blas != null) {
            current();
            blas.close();
        }
        cuDevicePrimaryCtxRelease(device);
    }
}
