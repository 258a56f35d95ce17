package org.sparsefeat.data;

import java.util.stream.IntStream;
import org.sparsefeat.linalg.Matrix;

/**
 * Reproducible input points: point i of a stream depends only on (seed, stream, i), so the first n points
 * of a training set of size 2n are the training set of size n (learning curves reuse their points), and
 * the test set (its own stream) is the same whatever n is.
 */
public final class Points {
    private Points() {}

    public static Matrix sample(PointDistribution dist, int n, int d, long seed, int stream) {
        if (n < 0) {
            throw new IllegalArgumentException("number of points must be >= 0, got " + n);
        }
        if (d < 1) {
            throw new IllegalArgumentException("dimension d must be >= 1, got " + d);
        }
        Matrix x = Matrix.zeros(n, d);
        double[] a = x.data();
        IntStream.range(0, n).parallel().forEach(i -> {
            Philox.normals(seed, stream, i, a, i * d, d);
            double scale = switch (dist) {
                case SPHERE -> 1.0 / norm(a, i * d, d);
                case GAUSSIAN -> 1.0 / StrictMath.sqrt(d);
                case BALL -> StrictMath.pow(Philox.extraUniform(seed, stream, i, d), 1.0 / d) / norm(a, i * d, d);
            };
            for (int k = 0; k < d; k++) {
                a[i * d + k] *= scale;
            }
        });
        return x;
    }

    private static double norm(double[] a, int off, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            s += a[off + k] * a[off + k];
        }
        return StrictMath.sqrt(s);
    }
}
