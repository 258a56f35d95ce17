package org.sparsefeat.images;

import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;

/**
 * Images and their class labels: row i of {@code pixels} is image i flattened channel-major (C, H, W), as
 * torch flattens a [C, H, W] tensor; values in [0, 1] as read, any after preprocessing.
 */
public record ImageSet(String name, Matrix pixels, int[] labels, int channels, int height, int width) {
    public ImageSet {
        if (pixels.rows() != labels.length) {
            throw new InvalidInputException(name + ": " + pixels.rows() + " images but " + labels.length + " labels");
        }
        if (pixels.cols() != channels * height * width) {
            throw new InvalidInputException(name + ": images have " + pixels.cols() + " values, expected "
                    + channels + " x " + height + " x " + width);
        }
    }

    public int size() { return labels.length; }

    /** D, the number of values per image. */
    public int dimension() { return pixels.cols(); }

    /** The images at the given indices, in that order. */
    public ImageSet select(int[] indices) {
        int dim = dimension();
        double[] out = new double[indices.length * dim];
        int[] lab = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels.data(), indices[k] * dim, out, k * dim, dim);
            lab[k] = labels[indices[k]];
        }
        return new ImageSet(name, new Matrix(indices.length, dim, out), lab, channels, height, width);
    }
}
