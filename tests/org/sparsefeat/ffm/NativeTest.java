package org.sparsefeat.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NativeTest {
    private static final AtomicInteger CALLS = new AtomicInteger();

    static void bump(int by) { CALLS.addAndGet(by); }

    @Test
    void exactCallsGoThroughWithTheirValues() throws ReflectiveOperationException {
        MethodHandle max = MethodHandles.lookup().findStatic(Math.class, "max",
                MethodType.methodType(int.class, int.class, int.class));
        assertEquals(7, (int) Native.call(() -> (int) max.invokeExact(3, 7)));
        MethodHandle bump = MethodHandles.lookup().findStatic(NativeTest.class, "bump",
                MethodType.methodType(void.class, int.class));
        int before = CALLS.get();
        Native.run(() -> { bump.invokeExact(5); });
        assertEquals(before + 5, CALLS.get());
    }

    @Test
    void failuresPassUncheckedAndCheckedOnesAreWrapped() {
        IllegalArgumentException bad = new IllegalArgumentException("x");
        assertSame(bad, assertThrows(IllegalArgumentException.class, () -> Native.run(() -> { throw bad; })));
        OutOfMemoryError oom = new OutOfMemoryError("y");
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> Native.call(() -> { throw oom; })));
        IOException io = new IOException("z");
        assertSame(io, assertThrows(IllegalStateException.class, () -> Native.run(() -> { throw io; })).getCause());
    }
}
