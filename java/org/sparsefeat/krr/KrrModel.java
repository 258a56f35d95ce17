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
    /** f at every row of x, K(x, X_train) c by the backend, matrix-free where it can (see {@link Backend#gramTimes}). */
    public double[] predict(Backend backend, Matrix x) {
        if (x.cols() != xTrain.cols()) {
            throw new IllegalArgumentException("points to predict have d = " + x.cols() + " but the model was fitted"
                    + " with d = " + xTrain.cols());
        }
        return backend.gramTimes(kernel, x, xTrain, coefficients);
    }
}
