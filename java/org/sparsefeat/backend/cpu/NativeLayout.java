package org.sparsefeat.backend.cpu;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparsefeat.ffm.Native;
import org.sparsefeat.ffm.NativeLibraries;

/**
 * The layout table of native/include/sf_layout.h as libsparsefeat reports it (native/src/layout.c): the size and
 * field offsets of struct sf_gd_net and the CUDA kernels' launch constants (sf_launch.h, sf_net.h). The host code reads
 * them here instead of copying numbers from the C and CUDA sources; the GPU side checks that nvcc laid the struct out
 * alike ({@code sf_layout_values} of cuda/gd.cu, compared in CudaNetBatch).
 */
public final class NativeLayout {
    private static final Map<String, Long> TABLE = read();

    private NativeLayout() {}

    /** Every entry, in the library's order: "sizeof(sf_gd_net)", the "sf_gd_net.field" offsets, the constants. */
    public static Map<String, Long> table() { return TABLE; }

    /** An entry of the table; a missing name means the Java side and the native library disagree (a build bug). */
    public static long value(String name) {
        Long v = TABLE.get(name);
        if (v == null) {
            throw new IllegalStateException("libsparsefeat exports no layout entry '" + name + "' (native/include/"
                    + "sf_layout.h): the library and the Java classes come from different builds");
        }
        return v;
    }

    /** A launch constant (a C macro of sf_launch.h or sf_net.h) as an int. */
    public static int constant(String macro) { return Math.toIntExact(value(macro)); }

    private static Map<String, Long> read() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = NativeLibraries.sparsefeat();
        ValueLayout.OfLong j = ValueLayout.JAVA_LONG;
        MethodHandle count = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_layout_count"), FunctionDescriptor.of(j));
        MethodHandle name = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_layout_name"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, j));
        MethodHandle value = linker.downcallHandle(NativeLibraries.symbol(lib, "sf_layout_value"), FunctionDescriptor.of(j, j));
        long n = Native.call(() -> (long) count.invokeExact());
        Map<String, Long> table = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            long at = i;
            MemorySegment s = Native.call(() -> (MemorySegment) name.invokeExact(at));
            table.put(s.reinterpret(Long.MAX_VALUE).getString(0), Native.call(() -> (long) value.invokeExact(at)));
        }
        return Collections.unmodifiableMap(table);
    }
}
