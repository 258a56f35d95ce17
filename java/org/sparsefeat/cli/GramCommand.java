package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Npy;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gram", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Gram matrix K(X, Y) (or K(X, X)) of NPY inputs, written as a float64 (or float32) NPY file.")
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

    @Override
    public Integer call() throws Exception {
        Kernel kernel = kernelOptions.kernel();
        org.sparsefeat.util.OutputFile.check(org.sparsefeat.util.OutputFile.named("--out", out));
        Matrix a = Npy.readMatrix(x, "--x");
        Matrix b = y == null ? null : Npy.readMatrix(y, "--y");
        if (b != null && b.cols() != a.cols()) {
            throw new InvalidInputException("--y " + y + " has d = " + b.cols() + " but --x has d = " + a.cols());
        }
        try (Backend backend = backendOptions.open()) {
            if (dtype == Dtype.float32) {
                Matrix other = b == null ? a : b;
                float[] g = backend.gramFloat32(kernel, a, other);
                for (float v : g) {
                    if (!Float.isFinite(v)) {
                        throw new InvalidInputException("the Gram matrix has a non-finite float32 entry (" + v
                                + "); use --dtype float64");
                    }
                }
                Npy.write(out, new int[] {a.rows(), other.rows()}, g);
                OutputFiles.messages(spec, out).printf("wrote %s: %s Gram matrix of shape (%d, %d), float32%n", out, kernel,
                        a.rows(), other.rows());
                return 0;
            }
            Matrix g;
            if (b == null) {
                g = backend.gramLower(kernel, a);
                g.mirrorLowerToUpper();
            } else {
                g = backend.gram(kernel, a, b);
            }
            Npy.requireFinite(g.data(), "the Gram matrix");
            Npy.write(out, g);
            OutputFiles.messages(spec, out).printf("wrote %s: %s Gram matrix of shape (%d, %d)%n", out, kernel, g.rows(),
                    g.cols());
        }
        return 0;
    }
}
