package org.sparsefeat.net;

/**
 * The per-step formulas of a net as the Java code uses them: the alpha-trick's predictor, the half MSE and the stopping
 * rule. The native step and the GPU kernels have the same three in native/include/sf_net.h (sf_gd_error,
 * sf_half_mse_of, sf_gd_stops); every Java caller (trainer, CLI, image classifier, CPU batch) comes here.
 */
public final class NetLoss {
    private NetLoss() {}

    /**
     * F = alpha (f - f0), or alpha f when f0 is null (f0 not subtracted), written over f, which is returned.
     */
    public static double[] predictor(double alpha, double[] f, double[] f0) {
        if (f0 != null && f0.length != f.length) {
            throw new IllegalArgumentException("predictor: " + f.length + " outputs but " + f0.length + " initial ones");
        }
        for (int i = 0; i < f.length; i++) {
            f[i] = alpha * (f0 == null ? f[i] : f[i] - f0[i]);
        }
        return f;
    }

    /** (1/2n) sum (F_i - y_i)^2, summed in index order. */
    public static double halfMse(double[] predicted, double[] y) {
        if (predicted.length != y.length) {
            throw new IllegalArgumentException("halfMse: " + predicted.length + " predictions for " + y.length + " targets");
        }
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double e = predicted[i] - y[i];
            s += e * e;
        }
        return s / (2.0 * y.length);
    }

    /** Why training stops: the loss diverged, fell below the rule's floor, or reached the caller's target. */
    public enum Stop { DIVERGED, CONVERGED, TARGET }

    /**
     * Why training stops after a step with this loss, or null when it goes on: NaN (divergence), below the rule's
     * floor (its lossStop, the reference's 1e-30), or at most the caller's stopBelow (a learning curve's target).
     */
    public static Stop stop(double loss, double lossStop, double stopBelow) {
        if (Double.isNaN(loss)) {
            return Stop.DIVERGED;
        }
        if (loss < lossStop) {
            return Stop.CONVERGED;
        }
        return loss <= stopBelow ? Stop.TARGET : null;
    }

    /** Whether training stops after a step with this loss ({@link #stop}). */
    public static boolean stops(double loss, double lossStop, double stopBelow) {
        return stop(loss, lossStop, stopBelow) != null;
    }
}
