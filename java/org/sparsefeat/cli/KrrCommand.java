package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.krr.KrrOptions;
import org.sparsefeat.krr.KrrRun;
import org.sparsefeat.util.PhaseTimer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "krr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Exact kernel ridge(less) regression: Cholesky of K + ridge I, solve, predict; float64.",
                "Reports the full test MSE, mean (f - y)^2, and seconds per phase."})
final class KrrCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--ridge", defaultValue = "0", paramLabel = "L",
            description = "Ridge lambda >= 0 added to K's diagonal (default 0: ridgeless interpolation).")
    double ridge;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--rotation-angle", paramLabel = "DEG",
            description = "Also measure the predictor's stability to rotations by this angle on the test points (docs/method.md, 'Stability').")
    Double rotationAngle;

    @Option(names = "--out", paramLabel = "result.json", description = "Write the result as JSON.")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> given = kernelOptions.values();
        given.put("ridge", ridge);
        KrrOptions options = KrrOptions.of(given);
        Kernel kernel = options.kernel();
        if (!data.fromFiles()) {
            data.spec();  // option errors before any work
        }
        org.sparsefeat.util.OutputFile.check(org.sparsefeat.util.OutputFile.named("--out", out));
        try (Backend backend = backendOptions.open()) {
            PhaseTimer timer = new PhaseTimer();
            Dataset ds = timer.time("data", () -> data.load(backend, true));
            KrrRun.Outcome r = KrrRun.run(backend, kernel, ridge, ds, timer);
            if (!Double.isFinite(r.testMse()) || !Double.isFinite(r.trainMse())) {
                throw new NonFiniteResultException("the KRR result is not finite (test MSE " + r.testMse()
                        + ", train MSE " + r.trainMse() + "); nothing was written. Check the inputs' scale, add a"
                        + " ridge (--ridge), and keep float64.");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("command", "krr");
            result.put("version", Version.VERSION);
            result.putAll(options.toMap());
            result.put("n", ds.n());
            result.put("n_test", ds.nTest());
            result.put("d", ds.d());
            result.put("test_mse", r.testMse());
            result.put("train_mse", r.trainMse());
            result.put("mse", "full: mean over points of (f(x) - y)^2");
            if (rotationAngle != null) {
                double s = timer.time("stability", () -> org.sparsefeat.analysis.Stability.rotation(
                        x -> r.model().predict(backend, x), ds.xTest(), rotationAngle, 0));
                result.put("rotation_stability", Map.of("angle_degrees", rotationAngle, "value", s));
            }
            result.put("data", data.describe());
            Map<String, Double> seconds = new LinkedHashMap<>(r.seconds());
            seconds.put("total", timer.total());
            result.put("seconds", seconds);
            result.put("backend", backend.name());
            result.put("device", backend.device());
        result.put("cpu_fallbacks", backend.cpuFallbacks());
            result.put("threads", backend.threads());
            var w = OutputFiles.messages(spec, out);
            w.printf("krr %s n=%d n_test=%d d=%d ridge=%g: test_mse=%.6e train_mse=%.3e (%.2f s: gram %.2f, cholesky"
                            + " %.2f, solve %.2f, predict %.2f) on %s%n", kernel, ds.n(), ds.nTest(), ds.d(), ridge,
                    r.testMse(), r.trainMse(), timer.total(), seconds.get("gram"), seconds.get("cholesky"),
                    seconds.get("solve"), seconds.get("predict"), BackendOptions.ranOn(backend));
            if (out != null) {
                OutputFiles.writeJson(out, result);
                w.println("wrote " + out);
            }
        }
        return 0;
    }
}
