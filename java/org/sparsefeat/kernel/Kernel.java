package org.sparsefeat.kernel;

import org.sparsefeat.util.InvalidInputException;

/**
 * A kernel with its parameter (NaN for kernels without one).
 *
 * @param type  which formula
 * @param param Laplace's c or the Gaussian's length l; NaN where the kernel has none
 */
public record Kernel(KernelType type, double param) {
    public Kernel {
        if (type == null) {
            throw new IllegalArgumentException("kernel type is required");
        }
        if (type.hasParam()) {
            if (!(param > 0) || Double.isInfinite(param)) {
                throw new InvalidInputException("kernel parameter of " + type + " must be a finite number > 0, got " + param);
            }
        } else {
            param = Double.NaN;
        }
    }

    /** The kernel with its default parameter. */
    public static Kernel of(KernelType type) { return new Kernel(type, type.defaultParam()); }

    /** Parses a kernel name; a null param means the default. */
    public static Kernel parse(String name, Double param) {
        KernelType type = KernelType.parse(name);
        if (param != null && !type.hasParam()) {
            throw new InvalidInputException("kernel " + type + " takes no parameter, but {kernel_param} " + param + " was given");
        }
        return new Kernel(type, param == null ? type.defaultParam() : param);
    }

    @Override
    public String toString() { return type.hasParam() ? type + "(" + param + ")" : type.toString(); }
}
