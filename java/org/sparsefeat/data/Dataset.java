package org.sparsefeat.data;

import org.sparsefeat.linalg.Matrix;

/** Training and test data: X rows are points, y the targets. */
public record Dataset(Matrix xTrain, double[] yTrain, Matrix xTest, double[] yTest) {
    public Dataset {
        if (xTrain.rows() != yTrain.length) {
            throw new IllegalArgumentException("training set: X has " + xTrain.rows() + " rows but y has "
                    + yTrain.length + " values");
        }
        if (xTest.rows() != yTest.length) {
            throw new IllegalArgumentException("test set: X has " + xTest.rows() + " rows but y has "
                    + yTest.length + " values");
        }
        if (xTest.rows() > 0 && xTrain.cols() != xTest.cols()) {
            throw new IllegalArgumentException("training points have d = " + xTrain.cols()
                    + " but test points have d = " + xTest.cols());
        }
    }

    public int n() { return xTrain.rows(); }

    public int nTest() { return xTest.rows(); }

    public int d() { return xTrain.cols(); }
}
