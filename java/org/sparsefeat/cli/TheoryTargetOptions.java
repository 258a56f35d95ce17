package org.sparsefeat.cli;

import java.util.Locale;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.util.InvalidInputException;
import picocli.CommandLine.Option;

/** The target of a predicted curve: the options of generated data, less the seed and the teacher's finite width. */
final class TheoryTargetOptions {
    @Option(names = "--target", paramLabel = "constant|teacher|grf",
            description = "constant: y = 1; teacher: the field H^{-1/2} sum_j s_j act(theta_j.x)^a at H -> infinity;"
                    + " grf: the Gaussian field with covariance --grf-kernel.")
    String target;

    @Option(names = "--teacher-act", paramLabel = "abs|relu", description = "Teacher activation (default abs).")
    String teacherAct;

    @Option(names = "--teacher-power", paramLabel = "A", description = "Teacher exponent a > 0 (default 1).")
    Double teacherPower;

    @Option(names = "--grf-kernel", paramLabel = "K", description = "Covariance kernel of --target grf (default ntk).")
    String grfKernel;

    @Option(names = "--grf-kernel-param", paramLabel = "P", description = "Its parameter, as --kernel-param.")
    Double grfKernelParam;

    /** Whether any target option was given (options without --target are refused by {@link #target}). */
    boolean given() {
        return target != null || teacherAct != null || teacherPower != null || grfKernel != null || grfKernelParam != null;
    }

    /** The target, constant when none is given; usage errors for options that do not fit it. */
    Target target() {
        String kind = target == null ? "constant" : target.trim().toLowerCase(Locale.ROOT);
        Target t = switch (kind) {
            case "constant" -> new Target.Constant(1.0);
            // the width only matters for a sample; the prediction is for H -> infinity
            case "teacher" -> new Target.Teacher(TeacherActivation.parse(teacherAct == null ? "abs" : teacherAct),
                    teacherPower == null ? 1.0 : teacherPower, GeneratedData.DEFAULT_TEACHER_WIDTH);
            case "grf" -> new Target.KernelGrf(grfKernel(), 0.0);
            default -> throw new InvalidInputException("--target '" + target + "' is unknown; expected constant,"
                    + " teacher or grf");
        };
        if (!(t instanceof Target.Teacher) && (teacherAct != null || teacherPower != null)) {
            throw new InvalidInputException("--teacher-act/--teacher-power need --target teacher");
        }
        if (!(t instanceof Target.KernelGrf) && (grfKernel != null || grfKernelParam != null)) {
            throw new InvalidInputException("--grf-kernel/--grf-kernel-param need --target grf");
        }
        return t;
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
