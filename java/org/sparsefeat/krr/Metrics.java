package org.sparsefeat.krr;

/** Error measures. The paper's KRR curves use the full MSE; its nets log half of it (see README). */
public final class Metrics {
    private Metrics() {}

    /** Full mean squared error, (1/n) sum (f - y)^2. NaN for empty inputs. */
    public static double mse(double[] prediction, double[] y) {
        if (prediction.length != y.length) {
            throw new IllegalArgumentException("prediction has " + prediction.length + " values, y has " + y.length);
        }
        if (y.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double r = prediction[i] - y[i];
            s += r * r;
        }
        return s / y.length;
    }
}
