package org.sparsefeat.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel's parameters in order, typed as its C signature declares them (int, long long, double, pointer);
 * each {@link Device} lays them out for its launch call.
 */
final class KernelArgs {
    enum Type { I32, I64, F64, PTR }

    record Arg(Type type, long bits) {}

    private final List<Arg> args = new ArrayList<>();

    static KernelArgs of() { return new KernelArgs(); }

    KernelArgs i32(int v) { args.add(new Arg(Type.I32, v)); return this; }

    KernelArgs i32(boolean v) { return i32(v ? 1 : 0); }

    KernelArgs i64(long v) { args.add(new Arg(Type.I64, v)); return this; }

    KernelArgs f64(double v) { args.add(new Arg(Type.F64, Double.doubleToRawLongBits(v))); return this; }

    /** A device address; 0 is the null pointer. */
    KernelArgs ptr(long address) { args.add(new Arg(Type.PTR, address)); return this; }

    KernelArgs ptr(DeviceArray a) { return ptr(a == null ? 0 : a.address()); }

    List<Arg> list() { return args; }

    /**
     * cuLaunchKernel's kernelParams in native memory of {@code arena}: an array of pointers, entry i pointing at
     * parameter i (every value in an 8-byte slot; an int in its first 4 bytes, as x86-64 and the driver read it).
     */
    MemorySegment layout(Arena arena) {
        var pointer = ValueLayout.ADDRESS;
        MemorySegment params = arena.allocate(pointer, Math.max(1, args.size()));
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            MemorySegment v = arena.allocate(8, 8);
            if (a.type() == Type.I32) {
                v.set(ValueLayout.JAVA_INT, 0, (int) a.bits());
            } else {
                v.set(ValueLayout.JAVA_LONG, 0, a.bits());
            }
            params.setAtIndex(pointer, i, v);
        }
        return params;
    }
}
