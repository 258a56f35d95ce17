package org.sparsefeat.classify;

import java.util.function.Function;
import java.util.stream.IntStream;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.images.ImageSet;
import org.sparsefeat.images.ImageStability;
import org.sparsefeat.images.Preprocess;
import org.sparsefeat.images.Splits;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.krr.KernelRidge;
import org.sparsefeat.krr.KrrModel;
import org.sparsefeat.krr.KrrResources;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.NetLoss;
import org.sparsefeat.util.PhaseTimer;

/**
 * One point of the image experiments (docs/method.md, 'Image experiments'): split a pooled, center-normalised set (test
 * set first, then the training set), label by class parity, fit a method, and measure its test error and, optionally,
 * its relative stability to deformations on the first test images. The CLI's `images classify` and image sweeps both
 * run this.
 */
public final class ImageExperiment {
    /** How to classify. */
    public sealed interface Method {
        /** The sign of ridge(less) kernel regression of the +-1 labels. */
        record KernelRegression(Kernel kernel, double ridge) implements Method {}

        /** LIBSVM's C-SVC on the precomputed Gram. */
        record SupportVectors(Kernel kernel, double c) implements Method {}

        /** The softplus net trained by gradient flow, initialised from the point's init seed. */
        record Net(int h, double actBeta, GradientFlow.Options flow) implements Method {}
    }

    /** R_f on the first {@code images} test images; deformations of typical size delta up to mode cutoff. */
    public record Stability(int images, double delta, double cutoff) {}

    /**
     * @param predictor  the real-valued score of the fitted method (alpha (f - f0) for nets, decision values
     *                   for the SVM, regression outputs for KRR): positive means label +1
     * @param flow       the gradient flow's result for nets, else null
     * @param stability  D_f, G_f, R_f, or null when not asked for
     */
    public record Outcome(double testError, double trainError, Function<Matrix, double[]> predictor,
                          GradientFlow.Result flow, ImageStability.Result stability) {}

    private ImageExperiment() {}

    public static Outcome run(Backend backend, ImageSet pooled, Method method, int n, int nTest, long seedTrain,
                              long seedTest, long seedInit, Stability stability) {
        return run(backend, pooled, method, n, nTest, seedTrain, seedTest, seedInit, stability, null);
    }

    /** As above, telling {@code progress} (if not null) of each accepted step of a net's gradient flow. */
    public static Outcome run(Backend backend, ImageSet pooled, Method method, int n, int nTest, long seedTrain,
                              long seedTest, long seedInit, Stability stability, GradientFlow.Progress progress) {
        return run(backend, pooled, method, n, nTest, seedTrain, seedTest, seedInit, stability, progress, null);
    }

    /**
     * As above, a net's gradient flow saving its state to {@code snapshots} (if not null) and resuming from it
     * ({@link GradientFlow#train}).
     *
     * @throws FlowSnapshots.Stopped when the snapshots asked the flow to stop
     */
    public static Outcome run(Backend backend, ImageSet pooled, Method method, int n, int nTest, long seedTrain,
                              long seedTest, long seedInit, Stability stability, GradientFlow.Progress progress,
                              FlowSnapshots snapshots) {
        return run(backend, pooled, method, n, nTest, seedTrain, seedTest, seedInit, stability, progress, snapshots,
                KrrResources.DEFAULT);
    }

    /**
     * As above, kernel regression's fit under {@code krr}: its memory plan, and the monitor that sees the Gram and
     * factorisation's progress and may stop them.
     *
     * @throws org.sparsefeat.linalg.tiled.Monitor.Stopped when that monitor asked the fit to stop
     */
    public static Outcome run(Backend backend, ImageSet pooled, Method method, int n, int nTest, long seedTrain,
                              long seedTest, long seedInit, Stability stability, GradientFlow.Progress progress,
                              FlowSnapshots snapshots, KrrResources krr) {
        Splits.Split split = Splits.split(pooled.labels(), n, nTest, seedTrain, seedTest);
        ImageSet train = pooled.select(split.train()), test = pooled.select(split.test());
        double[] y = Preprocess.parityLabels(train.labels()), yTest = Preprocess.parityLabels(test.labels());
        Function<Matrix, double[]> predictor;
        GradientFlow.Result flow = null;
        switch (method) {
            case Method.KernelRegression k -> {
                KrrModel model;
                try (KernelRidge.Fit fit = KernelRidge.fitWithFactor(backend, k.kernel(), k.ridge(), train.pixels(), y,
                        nTest, new PhaseTimer(), krr)) {
                    model = fit.model();
                }
                predictor = x -> model.predict(backend, x);
            }
            case Method.SupportVectors s -> {
                var svm = KernelClassifiers.svm(backend, s.kernel(), train.pixels(), y, s.c());
                predictor = x -> svm.scores(backend, x);
            }
            case Method.Net net -> {
                SoftplusNet model = new SoftplusNet(backend, net.h(), pooled.dimension(), net.actBeta(), seedInit);
                SoftplusNet initial = model.copy();
                flow = GradientFlow.train(model, train.pixels(), y, test.pixels(), yTest, net.flow(), progress, snapshots);
                double alpha = net.flow().alpha();
                predictor = x -> NetLoss.predictor(alpha, model.outputs(x), initial.outputs(x));
            }
        }
        double[] testScores = flow != null ? flow.testF() : predictor.apply(test.pixels());
        ImageStability.Result st = null;
        if (stability != null) {
            int count = Math.min(stability.images(), test.size());
            st = ImageStability.relative(predictor, test.select(IntStream.range(0, count).toArray()), stability.delta(),
                    stability.cutoff(), seedTest);
        }
        return new Outcome(GradientFlow.errorOf(testScores, yTest), GradientFlow.errorOf(predictor.apply(train.pixels()), y),
                predictor, flow, st);
    }
}
