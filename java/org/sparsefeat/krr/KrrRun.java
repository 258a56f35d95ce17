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
     * @param trainMse full MSE on the training set, predicted the same way as the test set
     * @param seconds  wall-clock seconds per phase
     */
    public record Outcome(KrrModel model, double testMse, double trainMse, Map<String, Double> seconds) {}

    private KrrRun() {}

    public static Outcome run(Backend backend, Kernel kernel, double ridge, Dataset data, PhaseTimer timer) {
        KrrModel model = KernelRidge.fit(backend, kernel, ridge, data.xTrain(), data.yTrain(), timer);
        double[] testPrediction = timer.time("predict", () -> model.predict(backend, data.xTest()));
        double[] trainPrediction = timer.time("predict_train", () -> model.predict(backend, data.xTrain()));
        return new Outcome(model, Metrics.mse(testPrediction, data.yTest()), Metrics.mse(trainPrediction, data.yTrain()),
                timer.seconds());
    }
}
