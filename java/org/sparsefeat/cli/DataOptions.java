package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.Npy;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.linalg.Matrix;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where the data come from: generated (points, target, seed) or NPY files. Generation options are boxed so
 * that we can tell "given" from "default" and refuse to mix them with files.
 */
public final class DataOptions {
    static final int DEFAULT_D = 5;
    static final int DEFAULT_N = 1024;
    static final int DEFAULT_N_TEST = 1000;

    @Option(names = "--d", paramLabel = "D", description = "Input dimension, >= 2 (default " + DEFAULT_D + ").")
    Integer d;

    @Option(names = "--n", paramLabel = "N", description = "Training points (default " + DEFAULT_N + ").")
    Integer n;

    @Option(names = "--n-test", paramLabel = "N", description = "Test points (default " + DEFAULT_N_TEST + ").")
    Integer nTest;

    @Option(names = "--points", paramLabel = "sphere|gaussian|ball",
            description = "Input distribution (default sphere: uniform on S^{d-1}).")
    String points;

    @Option(names = "--target", paramLabel = "constant|teacher|grf",
            description = "constant: y = 1 (the reference's |x| on the sphere); teacher: the random field"
                    + " H^{-1/2} sum_j s_j act(theta_j.x)^a; grf: an exact sample of the Gaussian field with"
                    + " covariance --grf-kernel (default constant).")
    String target;

    @Option(names = "--teacher-act", paramLabel = "abs|relu", description = "Teacher activation (default abs).")
    String teacherAct;

    @Option(names = "--teacher-power", paramLabel = "A",
            description = "Teacher exponent a > 0; smoothness nu_t = a + 1/2 (default 1).")
    Double teacherPower;

    @Option(names = "--teacher-width", paramLabel = "H", converter = CountConverter.class,
            description = "Teacher neurons H, e.g. 1e7 as in the paper (default 1e6).")
    Long teacherWidth;

    @Option(names = "--grf-kernel", paramLabel = "K", description = "Covariance kernel of --target grf (default ntk).")
    String grfKernel;

    @Option(names = "--grf-kernel-param", paramLabel = "P", description = "Its parameter, as --kernel-param.")
    Double grfKernelParam;

    @Option(names = "--grf-jitter", paramLabel = "J",
            description = "Added to the covariance's diagonal before sampling (default 0).")
    Double grfJitter;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of points and teacher (default 0).")
    Long seed;

    @Option(names = "--x-train", paramLabel = "X.npy", description = "Training inputs, float64 of shape (n, d).")
    Path xTrain;

    @Option(names = "--y-train", paramLabel = "y.npy", description = "Training targets, float64 of shape (n,).")
    Path yTrain;

    @Option(names = "--x-test", paramLabel = "X.npy", description = "Test inputs, float64 of shape (n_test, d).")
    Path xTest;

    @Option(names = "--y-test", paramLabel = "y.npy", description = "Test targets, float64 of shape (n_test,).")
    Path yTest;

    static final long DEFAULT_TEACHER_WIDTH = 1_000_000L;

    boolean fromFiles() { return xTrain != null || yTrain != null || xTest != null || yTest != null; }

    /** The generated-data spec; usage errors for inconsistent options. */
    DataSpec spec() {
        Target t = switch (target == null ? "constant" : target.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "constant" -> new Target.Constant(1.0);
            case "teacher" -> new Target.Teacher(
                    TeacherActivation.parse(teacherAct == null ? "abs" : teacherAct),
                    teacherPower == null ? 1.0 : teacherPower,
                    teacherWidth == null ? DEFAULT_TEACHER_WIDTH : teacherWidth);
            case "grf" -> new Target.KernelGrf(Kernel.parse(grfKernel == null ? "ntk" : grfKernel, grfKernelParam),
                    grfJitter == null ? 0.0 : grfJitter);
            default -> throw new IllegalArgumentException("--target '" + target + "' is unknown; expected constant,"
                    + " teacher or grf");
        };
        if (!(t instanceof Target.Teacher) && (teacherAct != null || teacherPower != null || teacherWidth != null)) {
            throw new IllegalArgumentException("--teacher-act/--teacher-power/--teacher-width need --target teacher");
        }
        if (!(t instanceof Target.KernelGrf) && (grfKernel != null || grfKernelParam != null || grfJitter != null)) {
            throw new IllegalArgumentException("--grf-kernel/--grf-kernel-param/--grf-jitter need --target grf");
        }
        return new DataSpec(PointDistribution.parse(points == null ? "sphere" : points), d == null ? DEFAULT_D : d,
                n == null ? DEFAULT_N : n, nTest == null ? DEFAULT_N_TEST : nTest, t, seed == null ? 0 : seed);
    }

    /**
     * Loads or generates the dataset.
     *
     * @param needTest whether test files are required when reading files
     */
    Dataset load(Backend backend, boolean needTest) {
        if (!fromFiles()) {
            return Datasets.generate(spec(), backend);
        }
        List<String> generated = new ArrayList<>();
        addIf(generated, d, "--d");
        addIf(generated, n, "--n");
        addIf(generated, nTest, "--n-test");
        addIf(generated, points, "--points");
        addIf(generated, target, "--target");
        addIf(generated, teacherAct, "--teacher-act");
        addIf(generated, teacherPower, "--teacher-power");
        addIf(generated, teacherWidth, "--teacher-width");
        addIf(generated, grfKernel, "--grf-kernel");
        addIf(generated, seed, "--seed");
        if (!generated.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", generated) + " describe generated data and cannot be"
                    + " combined with --x-train/--y-train/--x-test/--y-test");
        }
        if (xTrain == null || yTrain == null) {
            throw new IllegalArgumentException("--x-train and --y-train must be given together");
        }
        if ((xTest == null) != (yTest == null) || (needTest && xTest == null)) {
            throw new IllegalArgumentException(needTest ? "--x-test and --y-test are required with --x-train"
                    : "--x-test and --y-test must be given together");
        }
        Matrix xtr = Npy.readMatrix(xTrain, "--x-train");
        double[] ytr = Npy.readVector(yTrain, "--y-train");
        Matrix xte = xTest == null ? Matrix.zeros(0, xtr.cols()) : Npy.readMatrix(xTest, "--x-test");
        double[] yte = yTest == null ? new double[0] : Npy.readVector(yTest, "--y-test");
        if (xtr.rows() < 1) {
            throw new IllegalArgumentException("--x-train " + xTrain + ": no training points (n = 0); expected n >= 1");
        }
        if (xtr.cols() < 2) {
            throw new IllegalArgumentException("--x-train " + xTrain + ": d = " + xtr.cols() + "; expected d >= 2");
        }
        if (ytr.length != xtr.rows()) {
            throw new IllegalArgumentException("--y-train " + yTrain + " has " + ytr.length + " values but --x-train has "
                    + xtr.rows() + " rows");
        }
        if (xte.cols() != xtr.cols()) {
            throw new IllegalArgumentException("--x-test " + xTest + " has d = " + xte.cols() + " but --x-train has d = "
                    + xtr.cols());
        }
        if (yte.length != xte.rows()) {
            throw new IllegalArgumentException("--y-test " + yTest + " has " + yte.length + " values but --x-test has "
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

    private static void addIf(List<String> list, Object value, String name) {
        if (value != null) {
            list.add(name);
        }
    }

    /** Accepts counts written as 10000000, 1e7 or 1.0e7. */
    public static final class CountConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                double v;
                try {
                    v = Double.parseDouble(value.trim());
                } catch (NumberFormatException e2) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not a count (e.g. 10000 or 1e7)");
                }
                if (v != Math.rint(v) || v < 0 || v > 9.0e18) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not a whole count (e.g. 1e7)");
                }
                return (long) v;
            }
        }
    }
}
