package org.sparsefeat.krr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OptionValues;

/**
 * The options of kernel ridge(less) regression in one place: their names (the sweep spec's keys and the result's
 * JSON keys; the CLI's flags are {@code --kebab-case}), defaults (the NTK, ridge 0) and validation.
 *
 * @param kernel the kernel with its parameter
 * @param ridge  lambda >= 0 added to K's diagonal (0: ridgeless interpolation)
 */
public record KrrOptions(Kernel kernel, double ridge) {
    /** The options' names. */
    public static final List<String> NAMES = List.of("kernel", "kernel_param", "ridge");

    public KrrOptions {
        if (kernel == null) {
            throw new IllegalArgumentException("a kernel is required");
        }
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new InvalidInputException("{ridge} must be a finite number >= 0, got " + ridge);
        }
    }

    public static KrrOptions defaults() { return of(Map.of()); }

    /** Options from names to values (numbers or text), the others at their defaults; an unknown name is refused. */
    public static KrrOptions of(Map<String, ?> values) {
        OptionValues v = new OptionValues(values).requireKnown("kernel regression", NAMES);
        return new KrrOptions(kernel(v), v.number("ridge", 0));
    }

    /** The kernel and its parameter from {@code kernel} and {@code kernel_param} (the NTK by default). */
    public static Kernel kernel(OptionValues v) {
        String name = v.text("kernel", "ntk");
        try {
            KernelType.parse(name);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("{kernel}: " + e.getMessage(), e);
        }
        return Kernel.parse(name, v.has("kernel_param") ? v.number("kernel_param", 0) : null);
    }

    /** The options by name, as {@link #of} reads them and results record them (kernel_param null when none). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", kernel.type().cliName());
        m.put("kernel_param", Double.isNaN(kernel.param()) ? null : kernel.param());
        m.put("ridge", ridge);
        return m;
    }
}
