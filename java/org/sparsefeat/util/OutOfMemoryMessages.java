package org.sparsefeat.util;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.UnaryOperator;

/**
 * Allocations that can be large, and the one-line message when one fails: what was being allocated, how much, and how
 * to give the JVM more. Java's {@link OutOfMemoryError} names neither, so large allocations go through here.
 */
public final class OutOfMemoryMessages {
    /** The launcher's variable for JVM options (README, 'Memory'). */
    public static final String JAVA_OPTS = "SPARSEFEAT_JAVA_OPTS";

    private OutOfMemoryMessages() {}

    /** A native (off-heap) segment of {@code bytes}, 64-byte aligned. */
    public static MemorySegment allocate(Arena arena, long bytes, String what) {
        try {
            return arena.allocate(bytes, 64);
        } catch (OutOfMemoryError e) {
            throw failedNative(what, bytes);
        }
    }

    /** The exception for a failed native allocation: a smaller budget sends more of the work to a scratch file. */
    public static InsufficientMemoryException failedNative(String what, long bytes) {
        return new InsufficientMemoryException("out of memory allocating " + what + " (" + Bytes.format(bytes)
                + " of native memory): the machine has less free than the plan counted on; give a smaller {memory}, so"
                + " that more of the work goes to a scratch file, or use a smaller n (docs: README, 'Memory')");
    }

    /** A heap array of {@code length} doubles. */
    public static double[] doubles(long length, String what) {
        if (length > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(what + " needs " + length + " values, more than one Java array holds (2^31)");
        }
        try {
            return new double[(int) length];
        } catch (OutOfMemoryError e) {
            throw failed(what, length * 8, "the Java heap");
        }
    }

    /** The exception for a failed allocation: exit code 1 and one line. */
    public static InsufficientMemoryException failed(String what, long bytes, String where) {
        return new InsufficientMemoryException("out of memory allocating " + what + " (" + Bytes.format(bytes) + " of "
                + where + "): use a smaller n, or give Java more memory, e.g. " + JAVA_OPTS + "=-Xmx" + suggestedHeap(bytes)
                + " for the heap (docs: README, 'Memory')");
    }

    private static String suggestedHeap(long bytes) {
        long max = Runtime.getRuntime().maxMemory();
        long want = Math.max(max, 0) + bytes;
        return Math.max(1, (want + (1L << 30) - 1) >> 30) + "g";
    }

    /**
     * Not enough memory for a step: the user's to fix, reported in one line with exit code 1. Its advice may name a
     * parameter as {@code {name}} ({@link NamesParameters}).
     */
    public static final class InsufficientMemoryException extends RuntimeException implements NamesParameters {
        private static final long serialVersionUID = 1L;

        private final String template;

        public InsufficientMemoryException(String template) {
            super(NamesParameters.render(template, UnaryOperator.identity()));
            this.template = template;
        }

        @Override
        public String template() { return template; }
    }
}
