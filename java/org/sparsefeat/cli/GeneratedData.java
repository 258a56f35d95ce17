package org.sparsefeat.cli;

import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.util.InvalidInputException;
import picocli.CommandLine.Option;

/**
 * The options of generated data: points, target, seed. Boxed, so that we can tell "given" from "default" and
 * refuse to mix them with data files.
 */
public final class GeneratedData {
    static final int DEFAULT_D = 5;
    static final int DEFAULT_N = 1024;
    static final int DEFAULT_N_TEST = 1000;
    static final long DEFAULT_TEACHER_WIDTH = Target.Teacher.DEFAULT_WIDTH;

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

    @Option(names = "--teacher-width", paramLabel = "H",
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

    /** The generated-data spec; usage errors for inconsistent options. */
    DataSpec spec() {
        Target t = switch (target == null ? "constant" : target.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "constant" -> new Target.Constant(1.0);
            case "teacher" -> new Target.Teacher(
                    TeacherActivation.parse(teacherAct == null ? "abs" : teacherAct),
                    teacherPower == null ? 1.0 : teacherPower,
                    teacherWidth == null ? DEFAULT_TEACHER_WIDTH : teacherWidth);
            case "grf" -> new Target.KernelGrf(grfKernel(),
                    grfJitter == null ? 0.0 : grfJitter);
            default -> throw new InvalidInputException("--target '" + target + "' is unknown; expected constant,"
                    + " teacher or grf");
        };
        if (!(t instanceof Target.Teacher) && (teacherAct != null || teacherPower != null || teacherWidth != null)) {
            throw new InvalidInputException("--teacher-act/--teacher-power/--teacher-width need --target teacher");
        }
        if (!(t instanceof Target.KernelGrf) && (grfKernel != null || grfKernelParam != null || grfJitter != null)) {
            throw new InvalidInputException("--grf-kernel/--grf-kernel-param/--grf-jitter need --target grf");
        }
        if (nTest != null && nTest < 1) {
            throw new InvalidInputException("--n-test must be >= 1 (the test error needs test points), got " + nTest);
        }
        return new DataSpec(PointDistribution.parse(points == null ? "sphere" : points), d == null ? DEFAULT_D : d,
                n == null ? DEFAULT_N : n, nTest == null ? DEFAULT_N_TEST : nTest, t, seed == null ? 0 : seed);
    }

    /** The options given on the command line, by name. */
    List<String> given() {
        List<String> names = new ArrayList<>();
        addIf(names, d, "--d");
        addIf(names, n, "--n");
        addIf(names, nTest, "--n-test");
        addIf(names, points, "--points");
        addIf(names, target, "--target");
        addIf(names, teacherAct, "--teacher-act");
        addIf(names, teacherPower, "--teacher-power");
        addIf(names, teacherWidth, "--teacher-width");
        addIf(names, grfKernel, "--grf-kernel");
        addIf(names, grfKernelParam, "--grf-kernel-param");
        addIf(names, grfJitter, "--grf-jitter");
        addIf(names, seed, "--seed");
        return names;
    }

    private static void addIf(List<String> list, Object value, String name) {
        if (value != null) {
            list.add(name);
        }
    }

    /** The GRF's covariance kernel; its parameter is --grf-kernel-param here, not --kernel-param. */
    private Kernel grfKernel() {
        try {
            return Kernel.parse(grfKernel == null ? "ntk" : grfKernel, grfKernelParam);
        } catch (InvalidInputException e) {
            throw e.renamed("kernel_param", "grf_kernel_param");
        }
    }
}
