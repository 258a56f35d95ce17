package org.sparsefeat.sparse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.sparsefeat.linalg.Matrix;

/**
 * The column generation's pricing: the theta on the sphere that maximises |g(theta)|, g(theta) = sum_i alpha_i
 * relu(theta . x_i). g is linear on each cone of fixed activation pattern, where its maximum on the sphere is at
 * v / |v|, v = sum_{active i} alpha_i x_i; the ascent repeats that step from the best points of a fine starting grid
 * until the pattern stops changing or g stops rising. With a fixed finite set ({@link #fixed}) it prices the set
 * exactly and does not move.
 */
final class DualOracle {
    /** Local ascents per sign and pricing round: all the grid's best points that cost about this many flops. */
    static final double STARTS_BUDGET = 4e6;
    private static final int ASCENT_STEPS = 200;

    private final Matrix x;
    private final Matrix grid;
    private final boolean ascend;

    /** The violators found and the largest |g| seen. */
    record Found(List<double[]> thetas, double max) {}

    DualOracle(Matrix x, Matrix grid) { this(x, grid, true); }

    private DualOracle(Matrix x, Matrix grid, boolean ascend) {
        this.x = x;
        this.grid = grid;
        this.ascend = ascend;
    }

    static DualOracle fixed(Matrix x, Matrix set) { return new DualOracle(x, set, false); }

    /** Enough starting points that each data point's own cap holds a few. */
    static int defaultGrid(int n) { return Math.max(4096, 8 * n); }

    /**
     * {@code count} points on S^{dim-1}: equally spaced on the circle when dim = 2, else normalised Gaussians (uniform on
     * the sphere) from {@code seed}.
     */
    static Matrix startingGrid(int count, int dim, long seed) {
        double[] a = new double[count * dim];
        if (dim == 2) {
            for (int k = 0; k < count; k++) {
                double t = 2 * Math.PI * (k + 0.5) / count;
                a[2 * k] = Math.cos(t);
                a[2 * k + 1] = Math.sin(t);
            }
        } else {
            SplittableRandom r = new SplittableRandom(seed ^ 0x5eed5ba55L);
            for (int k = 0; k < count; k++) {
                double norm;
                do {
                    norm = 0;
                    for (int j = 0; j < dim; j++) {
                        double g = gaussian(r);
                        a[k * dim + j] = g;
                        norm += g * g;
                    }
                } while (norm == 0);
                double s = 1 / Math.sqrt(norm);
                for (int j = 0; j < dim; j++) {
                    a[k * dim + j] *= s;
                }
            }
        }
        return new Matrix(count, dim, a);
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * Atoms whose |g| exceeds 1 + tolerance, the most violating first, at most {@code most}; and the largest |g| the
     * search saw (the grid's and the ascents').
     */
    Found violators(double[] alpha, double tolerance, int most, List<double[]> extraStarts) {
        int k = grid.rows();
        double[] g = IntStream.range(0, k).parallel().mapToDouble(j -> value(grid.row(j), alpha)).toArray();
        double max = 0;
        for (double v : g) {
            max = Math.max(max, Math.abs(v));
        }
        List<double[]> candidates = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        if (!ascend) {
            for (int j = 0; j < k; j++) {
                if (Math.abs(g[j]) > 1 + tolerance) {
                    candidates.add(grid.row(j));
                    values.add(Math.abs(g[j]));
                }
            }
        } else {
            for (int sign : new int[] {1, -1}) {
                Integer[] order = IntStream.range(0, k).boxed().toArray(Integer[]::new);
                java.util.Arrays.sort(order, Comparator.comparingDouble(j -> -sign * g[j]));
                List<double[]> starts = new ArrayList<>(extraStarts);
                int count = (int) Math.min(k, Math.max(64, STARTS_BUDGET / ((double) x.rows() * x.cols())));
                for (int s = 0; s < count; s++) {
                    starts.add(grid.row(order[s]));
                }
                List<double[]> ends = starts.parallelStream().map(t -> ascent(t, alpha, sign)).toList();
                // one candidate per activation pattern (a cone where g is linear): ascents that end near each other
                // on a cone's boundary would otherwise crowd out the other violators
                java.util.Map<String, Integer> byPattern = new java.util.HashMap<>();
                for (double[] t : ends) {
                    double v = sign * value(t, alpha);
                    max = Math.max(max, v);
                    if (v > 1 + tolerance) {
                        String key = sign + MinL1Interpolant.pattern(t, x);
                        Integer at = byPattern.get(key);
                        if (at == null) {
                            byPattern.put(key, candidates.size());
                            candidates.add(t);
                            values.add(v);
                        } else if (v > values.get(at)) {
                            candidates.set(at, t);
                            values.set(at, v);
                        }
                    }
                }
            }
        }
        Integer[] byValue = IntStream.range(0, candidates.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(byValue, Comparator.comparingDouble(j -> -values.get(j)));
        List<double[]> chosen = new ArrayList<>();
        for (int j = 0; j < Math.min(most, byValue.length); j++) {
            chosen.add(candidates.get(byValue[j]));
        }
        return new Found(chosen, max);
    }

    /**
     * The pattern-wise ascent of sign * g from {@code start}, exact: on a linear piece (the points' sides fixed) g rises
     * along the arc toward the piece's maximiser v / |v|, so each step goes there or to the first point where a data
     * point changes side, which then lies on the ridge (theta . x_i = 0). From a ridge the step tries each side for
     * the ridge's points, and the ridge itself (v projected onto it); it ends where none rises: a local maximum,
     * typically a vertex of the arrangement, found exactly, so the column generation ends in finitely many rounds.
     */
    private double[] ascent(double[] start, double[] alpha, int sign) {
        int n = x.rows(), d = x.cols();
        double[] t = start;
        double best = sign * value(t, alpha);
        for (int step = 0; step < ASCENT_STEPS; step++) {
            double[] z = project(t);
            List<Integer> ridge = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (Math.abs(z[i]) < RIDGE) {
                    ridge.add(i);
                }
            }
            double[] next = null;
            int sides = ridge.size() <= 6 ? 1 << ridge.size() : 2;
            for (int mask = 0; mask < sides && next == null; mask++) {
                boolean[] active = new boolean[n];
                for (int i = 0; i < n; i++) {
                    active[i] = z[i] >= RIDGE;
                }
                for (int r = 0; r < ridge.size(); r++) {
                    active[ridge.get(r)] = ridge.size() <= 6 ? (mask >> r & 1) == 1 : mask == 1;
                }
                next = move(t, z, direction(active, alpha, sign, List.of()), active, List.of(), alpha, sign, best);
            }
            if (next == null && !ridge.isEmpty() && ridge.size() < d - 1) {
                boolean[] active = new boolean[n];
                for (int i = 0; i < n; i++) {
                    active[i] = z[i] >= RIDGE;
                }
                next = move(t, z, direction(active, alpha, sign, ridge), active, ridge, alpha, sign, best);
            }
            if (next == null) {
                break;
            }
            t = next;
            best = sign * value(t, alpha);
        }
        return t;
    }

    private static final double RIDGE = 1e-12;

    private double[] project(double[] t) {
        int n = x.rows(), d = x.cols();
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i] += t[j] * x.data()[i * d + j];
            }
        }
        return z;
    }

    /** v = sum over the active points of sign alpha_i x_i, projected off the ridge's normals when given; null if 0. */
    private double[] direction(boolean[] active, double[] alpha, int sign, List<Integer> ridge) {
        int n = x.rows(), d = x.cols();
        double[] v = new double[d];
        for (int i = 0; i < n; i++) {
            if (active[i] && !ridge.contains(i)) {
                for (int j = 0; j < d; j++) {
                    v[j] += sign * alpha[i] * x.data()[i * d + j];
                }
            }
        }
        List<double[]> basis = new ArrayList<>();  // Gram-Schmidt of the ridge's normals
        for (int i : ridge) {
            double[] u = x.row(i);
            for (double[] b : basis) {
                double c = dot(u, b);
                for (int j = 0; j < d; j++) {
                    u[j] -= c * b[j];
                }
            }
            double norm = Math.sqrt(dot(u, u));
            if (norm > 1e-12) {
                for (int j = 0; j < d; j++) {
                    u[j] /= norm;
                }
                basis.add(u);
            }
        }
        for (double[] b : basis) {
            double c = dot(v, b);
            for (int j = 0; j < d; j++) {
                v[j] -= c * b[j];
            }
        }
        return dot(v, v) > 0 ? normalised(v) : null;
    }

    /**
     * From t toward target on the arc, as far as the sides {@code active} hold (the ridge's points stay on it): the
     * point there if sign * g rose above best, else null.
     */
    private double[] move(double[] t, double[] z, double[] target, boolean[] active, List<Integer> ridge,
                          double[] alpha, int sign, double best) {
        if (target == null) {
            return null;
        }
        double[] zt = project(target);
        double f = 1;
        for (int i = 0; i < z.length; i++) {
            if (ridge.contains(i)) {
                continue;
            }
            if (active[i] && zt[i] < 0) {
                f = Math.min(f, Math.max(z[i], 0) / (Math.max(z[i], 0) - zt[i]));
            } else if (!active[i] && zt[i] > 0) {
                f = Math.min(f, Math.max(-z[i], 0) / (zt[i] + Math.max(-z[i], 0)));
            }
        }
        if (!(f > 0)) {
            return null;
        }
        double[] next = new double[t.length];
        for (int j = 0; j < t.length; j++) {
            next[j] = (1 - f) * t[j] + f * target[j];
        }
        if (dot(next, next) == 0) {
            return null;
        }
        next = normalised(next);
        return sign * value(next, alpha) > best + 1e-14 * Math.max(1, Math.abs(best)) ? next : null;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /** g(theta) = sum_i alpha_i relu(theta . x_i). */
    double value(double[] theta, double[] alpha) {
        int n = x.rows(), d = x.cols();
        double g = 0;
        for (int i = 0; i < n; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) {
                z += theta[j] * x.data()[i * d + j];
            }
            if (z > 0) {
                g += alpha[i] * z;
            }
        }
        return g;
    }

    /** relu(theta . x_i) for every row of x. */
    static double[] features(double[] theta, Matrix x) {
        int n = x.rows(), d = x.cols();
        double[] phi = new double[n];
        for (int i = 0; i < n; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) {
                z += theta[j] * x.data()[i * d + j];
            }
            phi[i] = Math.max(z, 0);
        }
        return phi;
    }

    static double[] normalised(double[] v) {
        double norm = 0;
        for (double c : v) {
            norm += c * c;
        }
        double s = 1 / Math.sqrt(norm);
        double[] u = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            u[j] = v[j] * s;
        }
        return u;
    }
}
