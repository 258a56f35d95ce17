package org.sparsefeat.ffm;

/**
 * One place for the {@code catch (Throwable)} that every FFM downcall needs: {@code MethodHandle.invokeExact}
 * declares Throwable, though a downcall throws no checked exception. Write
 * {@code int rc = Native.call(() -> (int) H.invokeExact(a, b));} or {@code Native.run(() -> { H.invokeExact(a); });}.
 * The call site must be exact: the cast gives a value's type, and the braces make a void call a statement (an
 * expression lambda {@code () -> H.invokeExact(a)} would call H as returning Object and fail at run time).
 */
public final class Native {
    private Native() {}

    /** A downcall that returns a value. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Throwable;
    }

    /** A downcall that returns nothing. */
    @FunctionalInterface
    public interface Run {
        void run() throws Throwable;
    }

    public static <T> T call(Call<T> downcall) {
        try {
            return downcall.call();
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    public static void run(Run downcall) {
        try {
            downcall.run();
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    /**
     * What to throw for a Throwable out of {@code MethodHandle.invokeExact}: runtime exceptions and errors as
     * they are, anything else wrapped.
     */
    public static RuntimeException propagate(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
