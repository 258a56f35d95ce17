package org.sparsefeat.krr;

import java.util.Map;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.util.PhaseTimer;

/** One KRR experiment: fit on the training set, then the full MSE on the training and test sets. */
public final class KrrRun {
    /**
     * @param testMse  full MSE on the test set (NaN without test points)
     * @param trainMse full MSE on the training set, its predictions K c = L L^T c - ridge c from the factor
     * @param seconds  wall-clock seconds per phase
     */
    public record Outcome(KrrModel model, double testMse, double trainMse, Map<String, Double> seconds, MemoryPlan plan) {}

    private KrrRun() {}

    public static Outcome run(Backend backend, Kernel kernel, double ridge, Dataset data, PhaseTimer timer) {
        return run(backend, kernel, ridge, data, timer, KrrResources.DEFAULT);
    }

    /** As above, with the memory, scratch place and monitor of {@code resources} (see {@link MemoryPlan}). */
    public static Outcome run(Backend backend, Kernel kernel, double ridge, Dataset data, PhaseTimer timer,
            KrrResources resources) {
        try (KernelRidge.Fit fit = KernelRidge.fitWithFactor(backend, kernel, ridge, data.xTrain(), data.yTrain(),
                data.nTest(), timer, resources)) {
            return outcome(backend, ridge, data, timer, fit);
        }
    }

    private static Outcome outcome(Backend backend, double ridge, Dataset data, PhaseTimer timer, KernelRidge.Fit fit) {
        KrrModel model = fit.model();
        double[] testPrediction = timer.time("predict", () -> model.predict(backend, data.xTest()));
        // K c = L L^T c - ridge c: the training predictions from the factor, two triangular products instead of
        // rebuilding K(X, X); what they miss is the factor's rounding, ~eps |K|
        double[] trainPrediction = timer.time("predict_train", () -> {
            double[] kc = fit.factor().factorMultiply(model.coefficients());
            for (int i = 0; i < kc.length; i++) {
                kc[i] -= ridge * model.coefficients()[i];
            }
            return kc;
        });
        return new Outcome(model, Metrics.mse(testPrediction, data.yTest()), Metrics.mse(trainPrediction, data.yTrain()),
                timer.seconds(), fit.plan());
    }
}
