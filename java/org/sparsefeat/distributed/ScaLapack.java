package org.sparsefeat.distributed;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sparsefeat.ffm.Native;

/**
 * The MPI, BLACS and ScaLAPACK calls sparsefeat makes, bound through FFM. Of libmpi, only MPI's start and end are
 * here: grids, sums and broadcasts go through BLACS's integer contexts, which look the same under Open MPI and MPICH
 * (their communicators do not: a pointer to a global in one, an int in the other); a sweep's messages, which BLACS
 * cannot receive from any rank, go through {@link Messages}, which tells the two apart.
 *
 * <p>The libraries: Debian's and Ubuntu's names by default, else {@code $SPARSEFEAT_MPI_LIB},
 * {@code $SPARSEFEAT_SCALAPACK_LIB} and {@code $SPARSEFEAT_BLACS_LIB} (MKL keeps BLACS in a library of its own), or
 * the system properties {@code sparsefeat.mpi.lib}, {@code sparsefeat.scalapack.lib}, {@code sparsefeat.blacs.lib};
 * a path or a name the dynamic linker finds.
 */
final class ScaLapack {
    /** Fortran CHARACTER arguments carry a hidden length after the others: size_t with gfortran >= 8. */
    private static final ValueLayout LEN = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;
    private static final ValueLayout INT = ValueLayout.JAVA_INT;
    static final int MPI_THREAD_FUNNELED = 1;  // the same value in Open MPI and MPICH

    static final String INSTALL = "install Open MPI and ScaLAPACK (Debian/Ubuntu: apt-get install openmpi-bin"
            + " libscalapack-openmpi2.2) or name the libraries with SPARSEFEAT_MPI_LIB and SPARSEFEAT_SCALAPACK_LIB"
            + " (README, 'Beyond one machine')";

    final MethodHandle mpiInitialized, mpiInitThread, mpiFinalized, mpiFinalize;
    final MethodHandle blacsPinfo, blacsGet, blacsGridinit, blacsGridinfo, blacsGridexit, blacsExit, blacsAbort;
    final MethodHandle dgsum2d, numroc, descinit, pdpotrf, pdpotrs, pdtrmm, pdtrsm, pdsyrk;

    /** libmpi's symbols, for {@link Messages}'s point-to-point calls. */
    final SymbolLookup mpi;

    private static ScaLapack instance;

    private ScaLapack(SymbolLookup mpi, SymbolLookup scalapack) {
        this.mpi = mpi;
        Linker l = Linker.nativeLinker();
        mpiInitialized = l.downcallHandle(find(mpi, "MPI_Initialized"), FunctionDescriptor.of(INT, ADDR));
        mpiInitThread = l.downcallHandle(find(mpi, "MPI_Init_thread"), FunctionDescriptor.of(INT, ADDR, ADDR, INT, ADDR));
        mpiFinalized = l.downcallHandle(find(mpi, "MPI_Finalized"), FunctionDescriptor.of(INT, ADDR));
        mpiFinalize = l.downcallHandle(find(mpi, "MPI_Finalize"), FunctionDescriptor.of(INT));
        blacsPinfo = l.downcallHandle(find(scalapack, "Cblacs_pinfo"), FunctionDescriptor.ofVoid(ADDR, ADDR));
        blacsGet = l.downcallHandle(find(scalapack, "Cblacs_get"), FunctionDescriptor.ofVoid(INT, INT, ADDR));
        blacsGridinit = l.downcallHandle(find(scalapack, "Cblacs_gridinit"), FunctionDescriptor.ofVoid(ADDR, ADDR, INT, INT));
        blacsGridinfo = l.downcallHandle(find(scalapack, "Cblacs_gridinfo"),
                FunctionDescriptor.ofVoid(INT, ADDR, ADDR, ADDR, ADDR));
        blacsGridexit = l.downcallHandle(find(scalapack, "Cblacs_gridexit"), FunctionDescriptor.ofVoid(INT));
        blacsExit = l.downcallHandle(find(scalapack, "Cblacs_exit"), FunctionDescriptor.ofVoid(INT));
        blacsAbort = l.downcallHandle(find(scalapack, "Cblacs_abort"), FunctionDescriptor.ofVoid(INT, INT));
        // Cdgsum2d(context, scope, top, m, n, A, lda, rdest, cdest): C strings, no hidden lengths
        dgsum2d = l.downcallHandle(find(scalapack, "Cdgsum2d"),
                FunctionDescriptor.ofVoid(INT, ADDR, ADDR, INT, INT, ADDR, INT, INT, INT));
        numroc = l.downcallHandle(find(scalapack, "numroc_"), FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, ADDR, ADDR));
        descinit = l.downcallHandle(find(scalapack, "descinit_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR));
        // pdpotrf(uplo, n, a, ia, ja, desca, info, len(uplo))
        pdpotrf = l.downcallHandle(find(scalapack, "pdpotrf_"),
                FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN));
        // pdpotrs(uplo, n, nrhs, a, ia, ja, desca, b, ib, jb, descb, info, len(uplo))
        pdpotrs = l.downcallHandle(find(scalapack, "pdpotrs_"), FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR,
                ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN));
        // pdtrmm(side, uplo, transa, diag, m, n, alpha, a, ia, ja, desca, b, ib, jb, descb, 4 lengths)
        pdtrmm = l.downcallHandle(find(scalapack, "pdtrmm_"), FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR,
                ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN, LEN, LEN, LEN));
        // pdtrsm: the same arguments as pdtrmm
        pdtrsm = l.downcallHandle(find(scalapack, "pdtrsm_"), FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR,
                ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN, LEN, LEN, LEN));
        // pdsyrk(uplo, trans, n, k, alpha, a, ia, ja, desca, beta, c, ic, jc, descc, 2 lengths)
        pdsyrk = l.downcallHandle(find(scalapack, "pdsyrk_"), FunctionDescriptor.ofVoid(ADDR, ADDR, ADDR, ADDR, ADDR,
                ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR, LEN, LEN));
    }

    /** The bindings, loaded once; a one-line {@link UnavailableException} where a library or symbol is missing. */
    static synchronized ScaLapack get() {
        if (instance == null) {
            openBlasForAll();
            SymbolLookup mpi = open("MPI", "SPARSEFEAT_MPI_LIB", "sparsefeat.mpi.lib",
                    List.of("libmpi.so.40", "libmpi.so.12", "libmpi.so"));
            SymbolLookup scalapack = open("ScaLAPACK", "SPARSEFEAT_SCALAPACK_LIB", "sparsefeat.scalapack.lib",
                    List.of("libscalapack-openmpi.so.2.2", "libscalapack-openmpi.so", "libscalapack-mpich.so.2.2",
                            "libscalapack.so"));
            String blacs = setting("SPARSEFEAT_BLACS_LIB", "sparsefeat.blacs.lib");
            if (blacs != null) {
                scalapack = open("BLACS", "SPARSEFEAT_BLACS_LIB", "sparsefeat.blacs.lib", List.of()).or(scalapack);
            }
            instance = new ScaLapack(mpi, scalapack);
        }
        return instance;
    }

    /** dlopen's flags: bind now, and add the library's symbols to the process's global scope. */
    private static final int RTLD_NOW_GLOBAL = 0x2 | 0x100;

    /**
     * Makes sparsefeat's OpenBLAS serve the BLAS and LAPACK calls of libraries loaded after it: the global scope comes
     * first in the dynamic linker's search, before a library's own dependencies. Debian's ScaLAPACK links the
     * reference libblas.so.3 (unless an optimised one is the system's alternative), which ran the factorisation about
     * 7 times slower here.
     */
    private static void openBlasForAll() {
        String file = org.sparsefeat.ffm.NativeLibraries.openblasFile().toString();
        Linker l = Linker.nativeLinker();
        MethodHandle dlopen = l.downcallHandle(l.defaultLookup().find("dlopen").orElseThrow(),
                FunctionDescriptor.of(ADDR, ADDR, INT));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment path = a.allocateFrom(file);
            MemorySegment handle = Native.call(() -> (MemorySegment) dlopen.invokeExact(path, RTLD_NOW_GLOBAL));
            if (handle.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("dlopen(" + file + ", RTLD_GLOBAL) failed");
            }
        }
    }

    private static String setting(String env, String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }

    private static SymbolLookup open(String what, String env, String property, List<String> defaults) {
        String given = setting(env, property);
        List<String> names = given != null ? List.of(given) : defaults;
        for (String name : names) {
            try {
                // a path as it is; a bare name through the dynamic linker's search (ldconfig's cache, LD_LIBRARY_PATH)
                return name.contains("/") ? SymbolLookup.libraryLookup(Path.of(name), Arena.global())
                        : SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                if (given != null) {
                    throw new UnavailableException("cannot load the " + what + " library " + given + " (" + env + "): "
                            + (name.contains("/") && !Files.exists(Path.of(name)) ? "no such file" : e.getMessage()) + "; " + INSTALL);
                }
            }
        }
        throw new UnavailableException("no " + what + " library found (tried " + String.join(", ", names) + "); "
                + INSTALL);
    }

    static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnavailableException("the " + name + " function is missing from"
                + " the MPI/ScaLAPACK libraries loaded; " + INSTALL));
    }
}
