package org.sparsefeat.analysis;

import java.util.function.Function;
import org.sparsefeat.data.Philox;
import org.sparsefeat.linalg.Matrix;

/**
 * Stability of a predictor to a perturbation P (docs/method.md, 'Stability'):
 * S = mean_i (f(P x_i) - f(x_i))^2 / (mean_{i,j} (f(x_i) - f(x_j))^2 + 1e-10), the denominator with its i = j
 * terms, i.e. 2 Var(f).
 */
public final class Stability {

    private Stability() {}

    public static double of(double[] f, double[] fPerturbed) {
        int n = f.length;
        double num = 0, mean = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double e = fPerturbed[i] - f[i];
            num += e * e;
            mean += f[i];
            sq += f[i] * f[i];
        }
        mean /= n;
        double spread = 2 * (sq / n - mean * mean);
        return (num / n) / (Math.max(spread, 0) + 1e-10);
    }

    /**
     * Rotation stability on the sphere: x' = |x| (cos g x^ + sin g b^) with b^ a random unit direction
     * orthogonal to x (Philox stream STREAM_ROTATION under {@code seed}) and g = angle in degrees (the reference: 10).
     */
    public static double rotation(Function<Matrix, double[]> predictor, Matrix x, double angleDegrees, long seed) {
        return of(predictor.apply(x), predictor.apply(rotate(x, angleDegrees, seed)));
    }

    public static Matrix rotate(Matrix x, double angleDegrees, long seed) {
        int n = x.rows(), d = x.cols();
        double g = Math.toRadians(angleDegrees), c = Math.cos(g), s = Math.sin(g);
        Matrix out = Matrix.zeros(n, d);
        double[] dir = new double[d + 1];
        for (int i = 0; i < n; i++) {
            double[] xi = x.row(i);
            double nx = norm(xi);
            Philox.normals(seed, Philox.STREAM_ROTATION, i, dir, 0, d);
            double dot = 0;
            for (int k = 0; k < d; k++) {
                dot += dir[k] * xi[k] / nx;
            }
            for (int k = 0; k < d; k++) {
                dir[k] -= dot * xi[k] / nx;
            }
            double nb = norm(java.util.Arrays.copyOf(dir, d));
            for (int k = 0; k < d; k++) {
                out.set(i, k, nx * (c * xi[k] / nx + s * dir[k] / nb));
            }
        }
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a * a;
        }
        return Math.sqrt(s);
    }
}
