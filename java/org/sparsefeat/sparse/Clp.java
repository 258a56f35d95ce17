package org.sparsefeat.sparse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sparsefeat.ffm.Native;

/**
 * COIN-OR Clp, the LP solver of {@code sparsefeat sparse}, through FFM (its C interface, Clp_C_Interface.h; Debian's
 * libClp.so.1 of package coinor-libclp1, whose CoinBigIndex is int). Chosen by measurement (BENCHMARKS.md, the
 * sparse section, 12): the restricted LPs of the column generation are re-solved warm by primal simplex after new
 * columns, which pure-Java ojAlgo could not do fast enough (n = 1024 with ~3000 columns: over 10 minutes cold).
 */
final class Clp implements AutoCloseable {
    /** What to install when the library is missing: the one line the command prints. */
    static final String MISSING = "the LP solver COIN-OR Clp (libClp.so.1) is not installed; install it with"
            + " 'apt-get install coinor-libclp1' (README, 'sparse: the lambda -> 0+ limit of L1 training')";
    private static final List<String> PLACES = List.of("/usr/lib/x86_64-linux-gnu/libClp.so.1",
            "/usr/lib64/libClp.so.1", "/usr/lib/libClp.so.1", "/usr/local/lib/libClp.so.1");

    private static MethodHandle newModel, deleteModel, loadProblem, addColumns, primal, status, objective,
            colSolution, rowPrice, initialSolve, setLogLevel, numberColumns, setPrimalTol, setDualTol;
    private static boolean loaded;
    private static String failure;

    /** Whether libClp could be opened; else {@link #MISSING} says what to do. */
    static synchronized boolean available() {
        if (!loaded) {
            loaded = true;
            try {
                bind();
            } catch (RuntimeException | LinkageError e) {
                failure = e.getMessage();
            }
        }
        return failure == null;
    }

    /** Null when libClp could be opened, else the one line that says what is missing and how to install it. */
    static synchronized String failure() {
        available();
        return failure;
    }

    private static void bind() {
        String explicit = System.getProperty("sparsefeat.clp");
        Path lib = explicit != null ? Path.of(explicit)
                : PLACES.stream().map(Path::of).filter(Files::isRegularFile).findFirst().orElse(null);
        if (lib == null) {
            throw new IllegalStateException(MISSING);
        }
        if (!Files.isRegularFile(lib)) {  // the override names a file that is not there: say which
            throw new IllegalStateException(MISSING + " (the system property sparsefeat.clp names " + lib
                    + ", not a file)");
        }
        SymbolLookup l = SymbolLookup.libraryLookup(lib, Arena.global());
        newModel = h(l, "Clp_newModel", FunctionDescriptor.of(ADDRESS));
        deleteModel = h(l, "Clp_deleteModel", FunctionDescriptor.ofVoid(ADDRESS));
        loadProblem = h(l, "Clp_loadProblem", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        addColumns = h(l, "Clp_addColumns", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS));
        primal = h(l, "Clp_primal", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        initialSolve = h(l, "Clp_initialSolve", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        status = h(l, "Clp_status", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        objective = h(l, "Clp_objectiveValue", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));
        colSolution = h(l, "Clp_getColSolution", FunctionDescriptor.of(ADDRESS, ADDRESS));
        rowPrice = h(l, "Clp_getRowPrice", FunctionDescriptor.of(ADDRESS, ADDRESS));
        setLogLevel = h(l, "Clp_setLogLevel", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        numberColumns = h(l, "Clp_numberColumns", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setPrimalTol = h(l, "Clp_setPrimalTolerance", FunctionDescriptor.ofVoid(ADDRESS, JAVA_DOUBLE));
        setDualTol = h(l, "Clp_setDualTolerance", FunctionDescriptor.ofVoid(ADDRESS, JAVA_DOUBLE));
    }

    private static MethodHandle h(SymbolLookup l, String name, FunctionDescriptor fd) {
        MemorySegment s = l.find(name).orElseThrow(() -> new IllegalStateException(MISSING + " (no " + name + ")"));
        return Linker.nativeLinker().downcallHandle(s, fd);
    }

    private final MemorySegment model;
    private final int rows;

    /**
     * An LP with equality rows {@code A x = b} and no columns yet: min c.x, x >= 0, columns added by {@link #add}.
     */
    Clp(double[] b) {
        if (!available()) {
            throw new IllegalStateException(MISSING);
        }
        rows = b.length;
        model = Native.call(() -> (MemorySegment) newModel.invokeExact());
        Native.run(() -> { setLogLevel.invokeExact(model, 0); });
        Native.run(() -> { setPrimalTol.invokeExact(model, 1e-10); });
        Native.run(() -> { setDualTol.invokeExact(model, 1e-10); });
        try (Arena a = Arena.ofConfined()) {
            MemorySegment start = a.allocateFrom(JAVA_INT, 0);
            MemorySegment rb = a.allocateFrom(JAVA_DOUBLE, b);
            MemorySegment nul = MemorySegment.NULL;
            Native.run(() -> { loadProblem.invokeExact(model, 0, rows, start, nul, nul, nul, nul, nul, rb, rb); });
        }
    }

    /** Adds columns, dense: {@code columns[k]} is column k's {@code rows} entries (zeros dropped), cost {@code cost[k]}. */
    void add(double[][] columns, double[] cost) {
        int k = columns.length;
        int nnz = 0;
        for (double[] c : columns) {
            for (double v : c) {
                nnz += v != 0 ? 1 : 0;
            }
        }
        int[] starts = new int[k + 1];
        int[] index = new int[Math.max(nnz, 1)];
        double[] values = new double[Math.max(nnz, 1)];
        int p = 0;
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < rows; i++) {
                if (columns[j][i] != 0) {
                    index[p] = i;
                    values[p++] = columns[j][i];
                }
            }
            starts[j + 1] = p;
        }
        double[] lower = new double[k], upper = new double[k];
        java.util.Arrays.fill(upper, Double.MAX_VALUE);  // COIN's infinity
        try (Arena a = Arena.ofConfined()) {
            MemorySegment lo = a.allocateFrom(JAVA_DOUBLE, lower), up = a.allocateFrom(JAVA_DOUBLE, upper),
                    obj = a.allocateFrom(JAVA_DOUBLE, cost), st = a.allocateFrom(JAVA_INT, starts),
                    ix = a.allocateFrom(JAVA_INT, index), va = a.allocateFrom(JAVA_DOUBLE, values);
            Native.run(() -> { addColumns.invokeExact(model, k, lo, up, obj, st, ix, va); });
        }
    }

    /** Solves by primal simplex, warm from the last basis (new columns keep it primal feasible); Clp's status. */
    int solve() {
        Native.call(() -> (int) primal.invokeExact(model, 0));
        return status();
    }

    /**
     * Solves by primal simplex with a values pass from the current point. For when the warm primal simplex answers at
     * once with the last basis though columns of negative reduced cost were added (seen with Debian's Clp 1.17,
     * about every second LP of a column generation; measured: half the LPs of {@link #solveAfresh} at n = 128).
     */
    int solveWithValuesPass() {
        Native.call(() -> (int) primal.invokeExact(model, 1));
        return status();
    }

    /** Solves with Clp's own choice of method (its initialSolve): the last resort when the warm passes stall. */
    int solveAfresh() {
        Native.call(() -> (int) initialSolve.invokeExact(model));
        return status();
    }

    private int status() { return Native.call(() -> (int) status.invokeExact(model)); }

    double objective() { return Native.call(() -> (double) objective.invokeExact(model)); }

    int columns() { return Native.call(() -> (int) numberColumns.invokeExact(model)); }

    double[] primal() {
        int k = columns();
        MemorySegment s = Native.call(() -> (MemorySegment) colSolution.invokeExact(model));
        return s.reinterpret(8L * k).toArray(JAVA_DOUBLE);
    }

    /** The row duals: for min c.x s.t. A x = b, alpha with A^T alpha <= c. */
    double[] dual() {
        MemorySegment s = Native.call(() -> (MemorySegment) rowPrice.invokeExact(model));
        return s.reinterpret(8L * rows).toArray(JAVA_DOUBLE);
    }

    @Override
    public void close() { Native.run(() -> { deleteModel.invokeExact(model); }); }
}
