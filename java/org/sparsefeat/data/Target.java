package org.sparsefeat.data;

import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.util.InvalidInputException;

/** What the learner must fit. */
public sealed interface Target {
    /** Name used in result files. */
    String kind();

    /**
     * y = value. On the sphere this is the reference's "norm" target y = |x| = 1.
     */
    record Constant(double value) implements Target {
        public Constant {
            if (!Double.isFinite(value)) {
                throw new InvalidInputException("{value} of a constant target must be finite, got " + value);
            }
        }

        @Override
        public String kind() { return "constant"; }
    }

    /** The teacher random field of {@link org.sparsefeat.kernel.TeacherField}, seeded with the data seed. */
    record Teacher(TeacherActivation activation, double power, long width) implements Target {
        /** The teacher's width where none is given: wide enough for the infinite-width limit at the paper's n. */
        public static final long DEFAULT_WIDTH = 1_000_000L;

        public Teacher {
            // validated where the seed joins it, in TeacherField; here the same rules, for early errors
            new org.sparsefeat.kernel.TeacherField(0, activation, power, width);
        }

        @Override
        public String kind() { return "teacher"; }
    }

    /**
     * A Gaussian random field with covariance {@code kernel}, sampled exactly on the train and test points
     * together: y = L z with L the Cholesky factor of K(all, all) + jitter I and z ~ N(0, I).
     */
    record KernelGrf(Kernel kernel, double jitter) implements Target {
        public KernelGrf {
            if (kernel == null) {
                throw new InvalidInputException("{grf_kernel} is required for {target} grf");
            }
            if (!(jitter >= 0) || Double.isInfinite(jitter)) {
                throw new InvalidInputException("{grf_jitter} must be a finite number >= 0, got " + jitter);
            }
        }

        @Override
        public String kind() { return "grf"; }
    }
}
