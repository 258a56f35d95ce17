package org.sparsefeat.images;

import org.sparsefeat.linalg.Matrix;

/** The reference's preprocessing of image sets (docs/method.md, 'Image experiments'), applied to the whole pooled set
 * before splitting. */
public final class Preprocess {
    private Preprocess() {}

    /**
     * center_normalize: subtract the per-pixel (per-channel-pixel) mean over the set, then rescale every
     * image to norm sqrt(D). Returns a new set.
     */
    public static ImageSet centerNormalize(ImageSet set) {
        int n = set.size(), dim = set.dimension();
        double[] src = set.pixels().data();
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                mean[k] += src[i * dim + k];
            }
        }
        for (int k = 0; k < dim; k++) {
            mean[k] /= n;
        }
        double[] out = new double[n * dim];
        double target = Math.sqrt(dim);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                double v = src[i * dim + k] - mean[k];
                out[i * dim + k] = v;
                s += v * v;
            }
            double scale = s > 0 ? target / Math.sqrt(s) : 0;
            for (int k = 0; k < dim; k++) {
                out[i * dim + k] *= scale;
            }
        }
        return new ImageSet(set.name(), new Matrix(n, dim, out), set.labels(), set.channels(), set.height(), set.width());
    }

    /** Binary labels by parity of the class id: +1 for even classes, -1 for odd ones. */
    public static double[] parityLabels(int[] classes) {
        double[] y = new double[classes.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = classes[i] % 2 == 0 ? 1 : -1;
        }
        return y;
    }
}
