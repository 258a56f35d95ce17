package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.Npy;
import org.sparsefeat.data.Target;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OutputFile;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the data come from: generated ({@link GeneratedData}) or NPY files, which cannot be mixed.
 */
public final class DataOptions {
    @Mixin
    GeneratedData generated;

    @Option(names = "--x-train", paramLabel = "X.npy", description = "Training inputs, float64 of shape (n, d).")
    Path xTrain;

    @Option(names = "--y-train", paramLabel = "y.npy", description = "Training targets, float64 of shape (n,).")
    Path yTrain;

    @Option(names = "--x-test", paramLabel = "X.npy", description = "Test inputs, float64 of shape (n_test, d).")
    Path xTest;

    @Option(names = "--y-test", paramLabel = "y.npy", description = "Test targets, float64 of shape (n_test,).")
    Path yTest;

    /** The files read, for the check that no output replaces one of them (null where not given). */
    List<OutputFile.Named> inputs() {
        return java.util.Arrays.asList(OutputFile.named("--x-train", xTrain), OutputFile.named("--y-train", yTrain),
                OutputFile.named("--x-test", xTest), OutputFile.named("--y-test", yTest));
    }

    boolean fromFiles() { return xTrain != null || yTrain != null || xTest != null || yTest != null; }

    /** The generated-data spec; usage errors for inconsistent options. */
    DataSpec spec() { return generated.spec(); }

    /**
     * Loads or generates the dataset.
     *
     * @param needTest whether test files are required when reading files
     */
    Dataset load(Backend backend, boolean needTest) {
        if (!fromFiles()) {
            return Datasets.generate(spec(), backend);
        }
        List<String> generated = this.generated.given();
        if (!generated.isEmpty()) {
            throw new InvalidInputException(String.join(", ", generated) + " describe generated data and cannot be"
                    + " combined with --x-train/--y-train/--x-test/--y-test");
        }
        if (xTrain == null || yTrain == null) {
            throw new InvalidInputException("--x-train and --y-train must be given together");
        }
        if ((xTest == null) != (yTest == null) || (needTest && xTest == null)) {
            throw new InvalidInputException(needTest ? "--x-test and --y-test are required with --x-train"
                    : "--x-test and --y-test must be given together");
        }
        Matrix xtr = Npy.readMatrix(xTrain, "--x-train");
        double[] ytr = Npy.readVector(yTrain, "--y-train");
        Matrix xte = xTest == null ? Matrix.zeros(0, xtr.cols()) : Npy.readMatrix(xTest, "--x-test");
        double[] yte = yTest == null ? new double[0] : Npy.readVector(yTest, "--y-test");
        if (xtr.rows() < 1) {
            throw new InvalidInputException("--x-train " + xTrain + ": no training points (n = 0); expected n >= 1");
        }
        if (xtr.cols() < 2) {
            throw new InvalidInputException("--x-train " + xTrain + ": d = " + xtr.cols() + "; expected d >= 2");
        }
        if (needTest && xte.rows() < 1) {
            throw new InvalidInputException("--x-test " + xTest + ": no test points (n_test = 0); expected n_test >= 1,"
                    + " the test error needs test points");
        }
        if (ytr.length != xtr.rows()) {
            throw new InvalidInputException("--y-train " + yTrain + " has " + ytr.length + " values but --x-train has "
                    + xtr.rows() + " rows");
        }
        if (xte.cols() != xtr.cols()) {
            throw new InvalidInputException("--x-test " + xTest + " has d = " + xte.cols() + " but --x-train has d = "
                    + xtr.cols());
        }
        if (yte.length != xte.rows()) {
            throw new InvalidInputException("--y-test " + yTest + " has " + yte.length + " values but --x-test has "
                    + xte.rows() + " rows");
        }
        return new Dataset(xtr, ytr, xte, yte);
    }

    /** How the data were made, for result files. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (fromFiles()) {
            m.put("source", "npy");
            m.put("x_train", String.valueOf(xTrain));
            m.put("y_train", String.valueOf(yTrain));
            m.put("x_test", xTest == null ? null : String.valueOf(xTest));
            m.put("y_test", yTest == null ? null : String.valueOf(yTest));
            return m;
        }
        DataSpec s = spec();
        m.put("source", "generated");
        m.put("points", s.points().cliName());
        m.put("seed", s.seed());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("kind", s.target().kind());
        switch (s.target()) {
            case Target.Constant c -> t.put("value", c.value());
            case Target.Teacher th -> {
                t.put("activation", th.activation().cliName());
                t.put("power", th.power());
                t.put("width", th.width());
            }
            case Target.KernelGrf g -> {
                t.put("kernel", g.kernel().type().cliName());
                t.put("kernel_param", Double.isNaN(g.kernel().param()) ? null : g.kernel().param());
                t.put("jitter", g.jitter());
            }
        }
        m.put("target", t);
        return m;
    }

}
