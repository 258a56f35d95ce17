package org.sparsefeat.data;

import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.HostLinalg;
import org.sparsefeat.linalg.Matrix;

/** Generates the datasets of a {@link DataSpec}: points, then the target on train and test points together. */
public final class Datasets {
    private Datasets() {}

    public static Dataset generate(DataSpec spec, TargetEvaluator evaluator) {
        Matrix xTrain = Points.sample(spec.points(), spec.n(), spec.d(), spec.seed(), Philox.STREAM_TRAIN_POINTS);
        Matrix xTest = Points.sample(spec.points(), spec.nTest(), spec.d(), spec.seed(), Philox.STREAM_TEST_POINTS);
        double[][] y = targets(spec.target(), xTrain, xTest, spec.seed(), evaluator);
        return new Dataset(xTrain, y[0], xTest, y[1]);
    }

    /** The target on the training and the test points, as {y_train, y_test}: one field for both. */
    public static double[][] targets(Target target, Matrix xTrain, Matrix xTest, long seed,
            TargetEvaluator evaluator) {
        return switch (target) {
            case Target.Constant c -> new double[][] {filled(xTrain.rows(), c.value()), filled(xTest.rows(), c.value())};
            case Target.Teacher t -> {
                TeacherField field = new TeacherField(seed, t.activation(), t.power(), t.width());
                yield new double[][] {evaluator.teacher(xTrain, field), evaluator.teacher(xTest, field)};
            }
            case Target.KernelGrf g -> kernelGrf(g, xTrain, xTest, seed, evaluator);
        };
    }

    /** y = L z on all points at once, L L^T = K(all, all) + jitter I: an exact sample of the field. */
    private static double[][] kernelGrf(Target.KernelGrf g, Matrix xTrain, Matrix xTest, long seed,
            TargetEvaluator evaluator) {
        int n = xTrain.rows(), m = xTest.rows(), d = xTrain.cols();
        double[] all = new double[(n + m) * d];
        System.arraycopy(xTrain.data(), 0, all, 0, n * d);
        System.arraycopy(xTest.data(), 0, all, n * d, m * d);
        Matrix k = evaluator.gramLower(g.kernel(), new Matrix(n + m, d, all));
        try {
            HostLinalg.cholesky(k, g.jitter());
        } catch (org.sparsefeat.linalg.NotPositiveDefiniteException e) {
            throw e.about("the GRF covariance K(train + test points)", "Raise {grf_jitter} (e.g. 1e-10).");
        }
        double[] z = new double[n + m];
        double[] pair = new double[2];
        for (int i = 0; i < n + m; i++) {
            Philox.normalPair(seed, Philox.STREAM_GRF, i, 0, pair, 0);
            z[i] = pair[0];
        }
        double[] y = HostLinalg.lowerMultiply(k, z);
        return new double[][] {java.util.Arrays.copyOfRange(y, 0, n), java.util.Arrays.copyOfRange(y, n, n + m)};
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
