package org.sparsefeat.cli;

import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.krr.KrrOptions;
import picocli.CommandLine.Option;

/** --kernel and --kernel-param. */
public final class KernelOptions {
    @Option(names = "--kernel", defaultValue = "ntk", paramLabel = "K",
            description = "ntk, rfk0, rfk1, rfk2, rfk3, laplace or gaussian (default: ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--kernel-param", paramLabel = "P",
            description = "Laplace's c in exp(-c sqrt(1 - x.y)) (default 1; the reference used 0.001), or the"
                    + " Gaussian's length l in exp(-|x-y|^2/(2 l^2)) (default 1).")
    Double param;

    Kernel kernel() { return Kernel.parse(kernel, param); }

    /** The given values by their option names (kernel_param only when given), for {@link KrrOptions#of}. */
    java.util.Map<String, Object> values() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("kernel", kernel);
        if (param != null) {
            m.put("kernel_param", param);
        }
        return m;
    }
}
