package org.sparsefeat.kernel;

import org.sparsefeat.linalg.Matrix;

/**
 * A deliberately plain Java transcription of the kernels (docs/method.md, 'Kernels'), independent of the native code:
 * the oracle the tests compare the engine with.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {}

    public static double value(Kernel k, double[] x, double[] y) {
        int d = x.length;
        double t = 0, nx2 = 0, ny2 = 0, dist2 = 0;
        for (int i = 0; i < d; i++) {
            t += x[i] * y[i];
            nx2 += x[i] * x[i];
            ny2 += y[i] * y[i];
            dist2 += (x[i] - y[i]) * (x[i] - y[i]);
        }
        double nx = Math.sqrt(nx2), ny = Math.sqrt(ny2);
        // a point and itself have angle 0 exactly (acos is infinitely sensitive at 1)
        double c = nx * ny > 0 && !java.util.Arrays.equals(x, y) ? Math.max(-1, Math.min(1, t / (nx * ny))) : 1;
        double phi = Math.acos(c);
        return switch (k.type()) {
            case NTK -> (t * arcCos(0, phi) + nx * ny * arcCos(1, phi)) / (2.0 * d);
            case RFK0 -> arcCos(0, phi);
            case RFK1 -> nx * ny * arcCos(1, phi);
            case RFK2 -> Math.pow(nx * ny, 2) * arcCos(2, phi);
            case RFK3 -> Math.pow(nx * ny, 3) * arcCos(3, phi);
            case LAPLACE -> Math.exp(-k.param() * Math.sqrt(dist2) / Math.sqrt(2));
            case GAUSSIAN -> Math.exp(-dist2 / (2 * k.param() * k.param()));
        };
    }

    /** Cho and Saul's J_n(phi) / pi. */
    public static double arcCos(int n, double phi) {
        double s = Math.sin(phi), c = Math.cos(phi), r = Math.PI - phi;
        return switch (n) {
            case 0 -> r / Math.PI;
            case 1 -> (s + r * c) / Math.PI;
            case 2 -> (3 * s * c + r * (1 + 2 * c * c)) / Math.PI;
            case 3 -> (15 * s - 11 * s * s * s + r * (9 * s * s * c + 15 * c * c * c)) / Math.PI;
            default -> throw new IllegalArgumentException("n = " + n);
        };
    }

    public static Matrix gram(Kernel k, Matrix x, Matrix y) {
        Matrix g = Matrix.zeros(x.rows(), y.rows());
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < y.rows(); j++) {
                g.set(i, j, value(k, x.row(i), y.row(j)));
            }
        }
        return g;
    }
}
