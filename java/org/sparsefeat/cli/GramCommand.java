package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Npy;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gram", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Gram matrix K(X, Y) (or K(X, X)) of NPY inputs, written as a float64 (or float32) NPY file.",
                "Computed and written by blocks of rows: the file may be larger than memory."})
final class GramCommand implements Callable<Integer> {
    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--x", required = true, paramLabel = "A.npy", description = "Points, float64 of shape (n, d).")
    Path x;

    @Option(names = "--y", paramLabel = "B.npy", description = "Second set of points, shape (m, d) (default: X).")
    Path y;

    @Option(names = "--out", required = true, paramLabel = "G.npy", description = "Output, shape (n, m).")
    Path out;

    /** The output's precision: entries are computed in float64 either way. */
    enum Dtype { float64, float32 }

    @Option(names = "--dtype", defaultValue = "float64", paramLabel = "TYPE",
            description = "Output precision: float64 (default) or float32 (each entry computed in float64, then rounded"
                    + " once; half the file and memory).")
    Dtype dtype;

    @Mixin
    BackendOptions backendOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Bytes of one block of rows: the Gram is computed and written a block at a time, never held whole. */
    static final long BLOCK_BYTES = 64L << 20;

    static int blockRows(int cols) { return (int) Math.clamp(BLOCK_BYTES / 8 / Math.max(1, cols), 1, Integer.MAX_VALUE); }

    /**
     * The file's bytes: K(A, B) by blocks of rows, or K(A, A) exactly symmetric, each block's entries left of the
     * diagonal block computed as K(block, earlier points), those right of it as the transpose of K(later points, block):
     * every pair (later, earlier) is computed the same way on both sides of the diagonal.
     */
    static OutputFile.Body body(Backend backend, Kernel kernel, Matrix a, Matrix b, boolean float32, int blockRows) {
        int n = a.rows();
        if (b != null) {
            return Npy.bodyByRows(n, b.rows(), float32, blockRows, "the Gram matrix",
                    (r0, r1) -> backend.gram(kernel, a.rowRange(r0, r1), b).data());
        }
        return Npy.bodyByRows(n, n, float32, blockRows, "the Gram matrix", (r0, r1) -> {
            int rows = r1 - r0;
            double[] k = new double[rows * n];
            Matrix block = a.rowRange(r0, r1);
            if (r0 > 0) {
                double[] left = backend.gram(kernel, block, a.rowRange(0, r0)).data();
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(left, i * r0, k, i * n, r0);
                }
            }
            Matrix diag = backend.gramLower(kernel, block);
            diag.mirrorLowerToUpper();
            for (int i = 0; i < rows; i++) {
                System.arraycopy(diag.data(), i * rows, k, i * n + r0, rows);
            }
            if (r1 < n) {
                double[] right = backend.gram(kernel, a.rowRange(r1, n), block).data();
                for (int j = 0; j < n - r1; j++) {
                    for (int i = 0; i < rows; i++) {
                        k[i * n + r1 + j] = right[j * rows + i];
                    }
                }
            }
            return k;
        });
    }

    @Override
    public Integer call() throws Exception {
        Kernel kernel = kernelOptions.kernel();
        OutputFiles.check(spec, java.util.Arrays.asList(OutputFile.named("--x", x), OutputFile.named("--y", y)),
                OutputFile.named("--out", out));
        backendOptions.check();
        Matrix a = Npy.readMatrix(x, "--x");
        Matrix b = y == null ? null : Npy.readMatrix(y, "--y");
        if (b != null && b.cols() != a.cols()) {
            throw new InvalidInputException("--y " + y + " has d = " + b.cols() + " but --x has d = " + a.cols());
        }
        try (Backend backend = backendOptions.open()) {
            Matrix other = b == null ? a : b;
            OutputFile.write(out, body(backend, kernel, a, b, dtype == Dtype.float32, blockRows(other.rows())));
            OutputFiles.messages(spec, out).printf("wrote %s: %s Gram matrix of shape (%d, %d)%s%n", out, kernel, a.rows(),
                    other.rows(), dtype == Dtype.float32 ? ", float32" : "");
        }
        return 0;
    }
}
