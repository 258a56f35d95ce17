package org.sparsefeat.images;

import org.sparsefeat.data.Philox;
import org.sparsefeat.util.InvalidInputException;

/**
 * Random smooth deformations of images (docs/method.md, 'Diffeomorphisms'; Petrini et al. 2021): two independent fields
 * u(X, Y) = sum_{i,j >= 1, sqrt(i^2 + j^2) < c + 1/2} C_ij sin(i pi X) sin(j pi Y), C_ij ~ N(0, 1/(i^2 + j^2)), on
 * X, Y = linspace(0, 1, n); pixel displacements sqrt(T) n u and sqrt(T) n v; each output pixel is the input
 * interpolated bilinearly at (x - dx, y - dy), coordinates clamped to the image. The temperature for a
 * typical displacement of delta pixels is T = 4 delta^2 / (pi n^2 ln c) (the continuum estimate of the
 * image-averaged |tau|^2; on a finite grid the RMS displacement comes out near 0.8 delta).
 */
public final class Diffeo {

    private Diffeo() {}

    /** T = 4 delta^2 / (pi n^2 ln c). */
    public static double temperature(double delta, int n, double cutoff) {
        if (!(delta >= 0) || n < 2 || !(cutoff > 1)) {
            throw new InvalidInputException("diffeomorphisms need delta >= 0, n >= 2 and cutoff c > 1");
        }
        return 4 * delta * delta / (Math.PI * n * n * Math.log(cutoff));
    }

    /**
     * The displacement field (dx, dy) of draw {@code item} under {@code seed}: dx[r * n + s] moves the pixel in
     * row r, column s along the columns, dy along the rows.
     */
    public static double[][] displacement(int n, double temperature, double cutoff, long seed, long item) {
        double[] u = field(n, cutoff, seed, 2 * item), v = field(n, cutoff, seed, 2 * item + 1);
        double scale = Math.sqrt(temperature) * n;
        for (int k = 0; k < n * n; k++) {
            u[k] *= scale;
            v[k] *= scale;
        }
        return new double[][] {u, v};
    }

    private static double[] field(int n, double cutoff, long seed, long item) {
        double[] out = new double[n * n];
        double[] g = new double[2];
        int max = (int) Math.ceil(cutoff + 0.5);
        for (int i = 1; i <= max; i++) {
            for (int j = 1; j <= max; j++) {
                if (Math.sqrt(i * i + j * j) >= cutoff + 0.5) {
                    continue;
                }
                Philox.normalPair(seed, Philox.STREAM_DIFFEO_FIELDS, item, i * 64 + j, g, 0);
                double cij = g[0] / Math.sqrt(i * i + j * j);
                for (int r = 0; r < n; r++) {
                    double sy = Math.sin(j * Math.PI * r / (n - 1));
                    for (int s = 0; s < n; s++) {
                        out[r * n + s] += cij * Math.sin(i * Math.PI * s / (n - 1.0)) * sy;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Deforms one image (C planes of n x n, channel-major, as flattened in an ImageSet) into {@code out}: output
     * pixel (r, s) = input at (s - dx, r - dy), bilinear between the floor and ceil corners.
     */
    public static void apply(double[] image, int offset, int channels, int n, double[][] d, double[] out, int outOffset) {
        double[] dx = d[0], dy = d[1];
        for (int r = 0; r < n; r++) {
            for (int s = 0; s < n; s++) {
                double xs = clamp(s - dx[r * n + s], n), ys = clamp(r - dy[r * n + s], n);
                int x0 = (int) Math.floor(xs), y0 = (int) Math.floor(ys);
                int x1 = (int) Math.ceil(xs), y1 = (int) Math.ceil(ys);
                double fx = xs - x0, fy = ys - y0;
                for (int ch = 0; ch < channels; ch++) {
                    int base = offset + ch * n * n;
                    double v00 = image[base + y0 * n + x0], v01 = image[base + y0 * n + x1];
                    double v10 = image[base + y1 * n + x0], v11 = image[base + y1 * n + x1];
                    out[outOffset + ch * n * n + r * n + s] = (1 - fy) * ((1 - fx) * v00 + fx * v01)
                            + fy * ((1 - fx) * v10 + fx * v11);
                }
            }
        }
    }

    private static double clamp(double v, int n) { return Math.max(0, Math.min(n - 1, v)); }
}
