package org.sparsefeat.krr;

import org.sparsefeat.backend.Backend;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;

/**
 * A fitted kernel ridge regressor f(x) = sum_i c_i k(x, x_i).
 *
 * @param kernel       the kernel
 * @param ridge        the ridge it was fitted with
 * @param xTrain       training points
 * @param coefficients c = (K + ridge I)^{-1} y
 */
public record KrrModel(Kernel kernel, double ridge, Matrix xTrain, double[] coefficients) {
    /** Test rows per Gram block: bounds the memory of a prediction to this many rows of K(test, train). */
    private static final int PREDICT_ROWS = 2048;

    /** f at every row of x, computed in blocks of rows of K(x, X_train). */
    public double[] predict(Backend backend, Matrix x) {
        if (x.cols() != xTrain.cols()) {
            throw new IllegalArgumentException("points to predict have d = " + x.cols() + " but the model was fitted"
                    + " with d = " + xTrain.cols());
        }
        double[] f = new double[x.rows()];
        for (int r0 = 0; r0 < x.rows(); r0 += PREDICT_ROWS) {
            int r1 = Math.min(x.rows(), r0 + PREDICT_ROWS);
            Matrix block = r0 == 0 && r1 == x.rows() ? x : x.rowRange(r0, r1);
            double[] part = backend.multiply(backend.gram(kernel, block, xTrain), coefficients);
            System.arraycopy(part, 0, f, r0, part.length);
        }
        return f;
    }
}
