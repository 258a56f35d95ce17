package org.sparsefeat.kernel;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.sparsefeat.util.InvalidInputException;

/**
 * The kernels of the paper. The formulas live once, in native/include/sf_kernels.h, shared by the CPU and
 * CUDA backends; {@link #id} is the id used there. t = x.y, phi = angle(x, y).
 */
public enum KernelType {
    /** (t k0 + |x||y| k1) / (2d): the reference's gram_ntk; on the sphere 1/d at t = 1 and 0 at t = -1. */
    NTK("ntk", 0, Double.NaN, "neural tangent kernel of a two-layer ReLU net, (t k0 + |x||y| k1)/(2d)"),
    RFK0("rfk0", 1, Double.NaN, "arc-cosine kernel of degree 0, (pi - phi)/pi"),
    RFK1("rfk1", 2, Double.NaN, "arc-cosine kernel of degree 1 (ReLU random features), |x||y| J1(phi)/pi"),
    RFK2("rfk2", 3, Double.NaN, "arc-cosine kernel of degree 2, (|x||y|)^2 J2(phi)/pi"),
    RFK3("rfk3", 4, Double.NaN, "arc-cosine kernel of degree 3 (correct J3; the reference's is wrong)"),
    /** exp(-c sqrt(1 - x.y)) on the sphere = exp(-c |x - y| / sqrt 2) = exp(-|x - y| / l) with l = sqrt 2 / c. */
    LAPLACE("laplace", 5, 1.0, "exp(-c sqrt(1 - x.y)) on the sphere, exp(-c |x-y|/sqrt 2) in general; param c"),
    /** exp(-|x - y|^2 / (2 l^2)) = exp(-(1 - x.y)) on the sphere at l = 1. */
    GAUSSIAN("gaussian", 6, 1.0, "exp(-|x-y|^2 / (2 l^2)); param l");

    private final String cliName;
    private final int id;
    private final double defaultParam;
    private final String description;

    KernelType(String cliName, int id, double defaultParam, String description) {
        this.cliName = cliName;
        this.id = id;
        this.defaultParam = defaultParam;
        this.description = description;
    }

    public String cliName() { return cliName; }

    /** The id of this kernel in sf_kernels.h. */
    public int id() { return id; }

    /** Whether the kernel has a parameter (Laplace's c, the Gaussian's l). */
    public boolean hasParam() { return !Double.isNaN(defaultParam); }

    public double defaultParam() { return defaultParam; }

    public String description() { return description; }

    public static KernelType parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (KernelType k : values()) {
            if (k.cliName.equals(n)) {
                return k;
            }
        }
        throw new InvalidInputException("unknown kernel '" + name + "'; expected one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(KernelType::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return cliName; }
}
