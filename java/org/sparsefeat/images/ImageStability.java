package org.sparsefeat.images;

import java.util.function.Function;
import org.sparsefeat.analysis.Stability;
import org.sparsefeat.data.Philox;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;

/**
 * Relative stability to deformations R_f = D_f / G_f (docs/method.md, 'Stability'): D_f is the stability S of a
 * predictor to a random diffeomorphism of each image, G_f to Gaussian noise of the same norm as that image's
 * deformation (per image). Both use {@link Stability#of}; its normalisation cancels in the ratio.
 */
public final class ImageStability {

    /** D_f, G_f and their ratio, with the deformation's settings. */
    public record Result(double deformation, double noise, double relative, double delta, double cutoff,
                         double temperature) {}

    /** The deformed and the noisy images of a batch. */
    public record Perturbed(Matrix deformed, Matrix noisy) {}

    private ImageStability() {}

    public static Perturbed perturb(ImageSet images, double delta, double cutoff, long seed) {
        if (images.height() != images.width()) {
            throw new InvalidInputException("deformations need square images, got " + images.height() + " x "
                    + images.width());
        }
        int n = images.height(), dim = images.dimension(), count = images.size();
        double t = Diffeo.temperature(delta, n, cutoff);
        double[] src = images.pixels().data();
        double[] def = new double[count * dim], noisy = new double[count * dim];
        double[] g = new double[dim + 1];
        for (int i = 0; i < count; i++) {
            Diffeo.apply(src, i * dim, images.channels(), n, Diffeo.displacement(n, t, cutoff, seed, i), def, i * dim);
            double moved = 0, gn = 0;
            Philox.normals(seed, Philox.STREAM_IMAGE_NOISE, i, g, 0, dim);
            for (int k = 0; k < dim; k++) {
                double e = def[i * dim + k] - src[i * dim + k];
                moved += e * e;
                gn += g[k] * g[k];
            }
            double scale = gn > 0 ? Math.sqrt(moved / gn) : 0;
            for (int k = 0; k < dim; k++) {
                noisy[i * dim + k] = src[i * dim + k] + scale * g[k];
            }
        }
        return new Perturbed(new Matrix(count, dim, def), new Matrix(count, dim, noisy));
    }

    public static Result relative(Function<Matrix, double[]> predictor, ImageSet images, double delta, double cutoff,
                                  long seed) {
        Perturbed p = perturb(images, delta, cutoff, seed);
        double[] f = predictor.apply(images.pixels());
        double d = Stability.of(f, predictor.apply(p.deformed()));
        double g = Stability.of(f, predictor.apply(p.noisy()));
        return new Result(d, g, d / g, delta, cutoff, Diffeo.temperature(delta, images.height(), cutoff));
    }
}
