package org.sparsefeat.backend.cuda;

/**
 * The few driver operations the CUDA backend needs, over raw device addresses: memory, copies, kernel launches
 * on one stream. {@link DriverDevice} is a real GPU through JCuda's driver API, {@link FfmDriverDevice} the same
 * API bound with FFM, to libcuda.so.1 or to the CPU emulator of the kernels (cuda/emu), so that the tests check
 * the kernels and the code that drives them on machines without a GPU. All operations are ordered (the legacy
 * default stream); copies to the host wait.
 */
interface Device extends AutoCloseable {
    /** The GPU's name, for result files. */
    String name();

    /** Bytes of device memory; fails with a message naming what, how many bytes and how many were free. */
    long allocate(String what, long bytes);

    void free(long address);

    void copyToDevice(long dst, double[] src, int from, int count);

    void copyToHost(double[] dst, int from, int count, long src);

    void copyToHost(int[] dst, long src);

    void copyToHost(float[] dst, long src);

    void copyToDevice(long dst, long[] src);

    void copyToHost(long[] dst, long src);

    void copyOnDevice(long dst, long src, long bytes);

    /** All of {@code src}, native host memory (a tile of a store), to the device. */
    void copyToDevice(long dst, java.lang.foreign.MemorySegment src);

    /** {@code dst.byteSize()} bytes from the device into native host memory. */
    void copyToHost(java.lang.foreign.MemorySegment dst, long src);

    /** Free bytes of device memory now. */
    long freeMemory();

    /**
     * Page-locked host memory of {@code bytes}, which copies on a {@link CopyStream} need to run beside the work; the
     * returned segment is valid until {@link Pinned#close}.
     */
    Pinned allocatePinned(String what, long bytes);

    /** Page-locked host memory. */
    interface Pinned extends AutoCloseable {
        java.lang.foreign.MemorySegment segment();

        @Override
        void close();
    }

    /** A point in the work stream: after everything enqueued on it so far. */
    Event recordWork();

    /** The work stream waits, on the device, until {@code event} has happened; the host does not wait. */
    void workWaitsFor(Event event);

    /** An event of a stream; closing it releases it (once it has happened, if it has not yet). */
    interface Event extends AutoCloseable {
        /** The host waits until the event has happened. */
        void synchronize();

        @Override
        void close();
    }

    /**
     * A second stream, for copies that run while the work stream computes (it does not wait for the work stream, nor
     * the work stream for it, except through events).
     */
    CopyStream copyStream();

    /** See {@link #copyStream}. */
    interface CopyStream extends AutoCloseable {
        /** Enqueues a copy of all of {@code src}, page-locked memory of {@link #allocatePinned}, to the device. */
        void copyToDevice(long dst, java.lang.foreign.MemorySegment src);

        /** An event after the copies enqueued so far. */
        Event record();

        /** Later copies wait, on the device, until {@code event} has happened. */
        void waitFor(Event event);

        /** The host waits for every copy enqueued. */
        void synchronize();

        @Override
        void close();
    }

    void zero(long address, long bytes);

    /** Kernel {@code name} of cuda/{@code module}.cu. */
    Kernel kernel(String module, String name);

    /** A launch with its parameters laid out once, for launches repeated every step. */
    Launch prepare(Kernel kernel, Dim grid, Dim block, KernelArgs args);

    default void launch(Kernel kernel, Dim grid, Dim block, KernelArgs args) { prepare(kernel, grid, block, args).run(); }

    /** A prepared launch; each {@link #run} enqueues it once more. */
    interface Launch {
        void run();
    }

    /**
     * The launches, in order, {@code times} times over, as one unit that {@link Repeat#run} enqueues at once: a
     * CUDA graph on a GPU (one host call instead of launches x times), a plain loop where graphs are unavailable.
     */
    default Repeat repeat(java.util.List<Launch> launches, int times) { return plainRepeat(launches, times, "launches"); }

    /** The launches {@code times} times over, one host call each; {@code how} says why, for the device check. */
    static Repeat plainRepeat(java.util.List<Launch> launches, int times, String how) {
        return new Repeat() {
            @Override
            public void run() {
                for (int t = 0; t < times; t++) {
                    launches.forEach(Launch::run);
                }
            }

            @Override
            public String how() { return how; }

            @Override
            public void close() {}
        };
    }

    /** See {@link #repeat}. */
    interface Repeat extends AutoCloseable {
        void run();

        /** "CUDA graph" or "launches", for the device check's table. */
        String how();

        @Override
        void close();
    }

    /**
     * cuBLAS on this device's context and stream, when the machine has it (the caller then calls it at once, on
     * this thread); empty otherwise, and {@link #blasStatus} says why.
     */
    java.util.Optional<CudaBlas> blas();

    /** Which cuBLAS {@link #blas} uses, or why there is none. */
    String blasStatus();

    /** Waits for everything launched so far. */
    void synchronize();

    /** A loaded kernel. */
    interface Kernel {
        String name();
    }

    /** A grid or block shape. */
    record Dim(int x, int y, int z) {
        static Dim of(long x) { return of(x, 1); }

        static Dim of(long x, long y) {
            if (x < 1 || y < 1 || x > Integer.MAX_VALUE || y > 65535) {
                throw new IllegalArgumentException("a launch of " + x + " x " + y + " blocks is beyond CUDA's grid limits");
            }
            return new Dim((int) x, (int) y, 1);
        }

        static Dim of(long x, long y, long z) {
            Dim xy = of(x, y);
            if (z < 1 || z > 65535) {
                throw new IllegalArgumentException("a launch of " + z + " blocks in z is beyond CUDA's grid limits");
            }
            return new Dim(xy.x(), xy.y(), (int) z);
        }

        /** Blocks of {@code per} covering {@code count}. */
        static long cover(long count, long per) { return Math.max(1, (count + per - 1) / per); }
    }

    @Override
    void close();
}
