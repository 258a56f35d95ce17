package org.sparsefeat.cli;

import static org.sparsefeat.util.OutputFile.named;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Npy;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate a dataset (points and target) and export it as float64 NPY files.")
final class DataCommand implements Callable<Integer> {
    @Mixin
    GeneratedData data;

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
        if ((outXTest == null) != (outYTest == null)) {
            throw new InvalidInputException("--out-x-test and --out-y-test must be given together");
        }
        DataSpec s = data.spec();
        if (outXTest == null && data.nTest != null) {
            throw new InvalidInputException("--n-test " + data.nTest + " needs --out-x-test and --out-y-test");
        }
        OutputFiles.check(spec, named("--out-x", outX), named("--out-y", outY), named("--out-x-test", outXTest),
                named("--out-y-test", outYTest));
        DataSpec exported = outXTest == null ? new DataSpec(s.points(), s.d(), s.n(), 0, s.target(), s.seed()) : s;
        try (Backend backend = backendOptions.open()) {
            Dataset ds = org.sparsefeat.data.Datasets.generate(exported, backend);
            Map<Path, OutputFile.Body> files = new LinkedHashMap<>();
            files.put(outX, Npy.body(ds.xTrain()));
            files.put(outY, Npy.body(ds.yTrain()));
            if (outXTest != null) {
                files.put(outXTest, Npy.body(ds.xTest()));
                files.put(outYTest, Npy.body(ds.yTest()));
            }
            OutputFile.writeAll(files);  // all or none: a failure leaves no partial dataset
            OutputFiles.messages(spec, outX, outY, outXTest, outYTest).printf("wrote %s, %s: n=%d, d=%d, target %s%s%n",
                    outX, outY, ds.n(), ds.d(), s.target().kind(), outXTest == null ? "" : " (and " + ds.nTest()
                            + " test points)");
        }
        return 0;
    }
}
