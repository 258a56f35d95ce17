package org.sparsefeat.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.sparsefeat.util.OutOfMemoryMessages;

/**
 * Large native buffers whose first touch is cheap and happens once (native/src/memory.c): pages straight from mmap,
 * already zero, with huge pages advised, faulted in by whoever writes them first (the Gram's tiles by the threads
 * that fill them). {@link Arena#allocate} instead zeroes the whole segment on one thread before the Gram writes
 * every entry again: at n = 16 384 that pass alone faults in 1 GiB of 4 KiB pages.
 */
public final class FreshMemory {
    private FreshMemory() {}

    private static final class Handles {
        static final MethodHandle ALLOC, FREE;

        static {
            Linker linker = Linker.nativeLinker();
            SymbolLookup lib = NativeLibraries.sparsefeat();
            ALLOC = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_fresh_alloc"),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            FREE = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_fresh_free"),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        }
    }

    /**
     * {@code bytes} of zero native memory (page-aligned), returned to the system when {@code arena} closes.
     *
     * @throws OutOfMemoryMessages.InsufficientMemoryException naming {@code what} when the system refuses
     */
    public static MemorySegment allocate(Arena arena, long bytes, String what) {
        if (bytes == 0) {
            return arena.allocate(0);
        }
        MemorySegment p = Native.call(() -> (MemorySegment) Handles.ALLOC.invokeExact(bytes));
        if (p.address() == 0) {
            throw OutOfMemoryMessages.failedNative(what, bytes);
        }
        return p.reinterpret(bytes, arena, s -> Native.run(() -> { Handles.FREE.invokeExact(s, bytes); }));
    }
}
