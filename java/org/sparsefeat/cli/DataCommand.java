package org.sparsefeat.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate a dataset (points and target) and export it as float64 NPY files.")
final class DataCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Option(names = "--out-x", required = true, paramLabel = "X.npy", description = "Training inputs, shape (n, d).")
    Path outX;

    @Option(names = "--out-y", required = true, paramLabel = "y.npy", description = "Training targets, shape (n,).")
    Path outY;

    @Option(names = "--out-x-test", paramLabel = "X.npy", description = "Test inputs, shape (n_test, d).")
    Path outXTest;

    @Option(names = "--out-y-test", paramLabel = "y.npy", description = "Test targets, shape (n_test,).")
    Path outYTest;

    @Mixin
    BackendOptions backendOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (data.fromFiles()) {
            throw new IllegalArgumentException("sparsefeat data generates data; --x-train/--y-train/--x-test/--y-test"
                    + " are for krr");
        }
        if ((outXTest == null) != (outYTest == null)) {
            throw new IllegalArgumentException("--out-x-test and --out-y-test must be given together");
        }
        OutputFiles.requireWritable(outX, "--out-x");
        OutputFiles.requireWritable(outY, "--out-y");
        OutputFiles.requireWritable(outXTest, "--out-x-test");
        OutputFiles.requireWritable(outYTest, "--out-y-test");
        DataSpec s = data.spec();
        if (outXTest == null && data.nTest != null && data.nTest > 0) {
            throw new IllegalArgumentException("--n-test " + data.nTest + " needs --out-x-test and --out-y-test");
        }
        DataSpec exported = outXTest == null ? new DataSpec(s.points(), s.d(), s.n(), 0, s.target(), s.seed()) : s;
        try (Backend backend = backendOptions.open()) {
            Dataset ds = org.sparsefeat.data.Datasets.generate(exported, backend);
            // write every file to a temporary name first, so that a failure leaves no partial dataset
            Path[] targets = outXTest == null ? new Path[] {outX, outY} : new Path[] {outX, outY, outXTest, outYTest};
            Path[] tmps = new Path[targets.length];
            try {
                for (int i = 0; i < targets.length; i++) {
                    tmps[i] = Npy.tempSibling(targets[i]);
                }
                Npy.write(tmps[0], ds.xTrain());
                Npy.write(tmps[1], ds.yTrain());
                if (outXTest != null) {
                    Npy.write(tmps[2], ds.xTest());
                    Npy.write(tmps[3], ds.yTest());
                }
                for (int i = 0; i < targets.length; i++) {
                    Files.move(tmps[i], targets[i], java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            } finally {
                for (Path t : tmps) {
                    if (t != null) {
                        Files.deleteIfExists(t);
                    }
                }
            }
            spec.commandLine().getOut().printf("wrote %s, %s: n=%d, d=%d, target %s%s%n", outX, outY, ds.n(), ds.d(),
                    s.target().kind(), outXTest == null ? "" : " (and " + ds.nTest() + " test points)");
        }
        return 0;
    }
}
