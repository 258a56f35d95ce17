package org.sparsefeat.net;

import java.util.Locale;
import org.sparsefeat.data.Philox;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;

/**
 * Initial weights (docs/method.md, 'The two-layer network'). w1: normal (iid N(0,1), not normalised), unitary (rows
 * uniform on the sphere) or fibonacci (a deterministic lattice, d = 2 or 3). w2: normal N(0,1), zero, one (random +-1)
 * or a number s (s N(0,1), e.g. 1e-10 for Fig 4 at d = 2). Drawn from Philox streams STREAM_NET_W1 and STREAM_NET_W2 under the net
 * seed, neuron j from item j, so a net of h neurons is a prefix of one of 2h.
 */
public final class NetInit {

    /** How to draw w1. */
    public enum W1 {
        NORMAL, UNITARY, FIBONACCI;

        public static W1 parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("{init_w1} '" + s + "' is unknown; expected normal, unitary,"
                        + " fibonacci or a .npy file");
            }
        }
    }

    /**
     * How to draw w2: a kind (normal, zero, one) or a factor times N(0, 1).
     *
     * @param kind   "normal", "zero", "one" or "scaled"
     * @param factor the factor of "scaled"
     */
    public record W2(String kind, double factor) {
        public static W2 parse(String s) {
            String k = s.trim().toLowerCase(Locale.ROOT);
            if (k.equals("normal") || k.equals("zero") || k.equals("one")) {
                return new W2(k, 1);
            }
            try {
                double f = Double.parseDouble(k);
                if (!Double.isFinite(f)) {
                    throw new NumberFormatException();
                }
                return new W2("scaled", f);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("{init_w2} '" + s + "' is unknown; expected normal, zero, one, a"
                        + " number (the std of a normal draw) or a .npy file");
            }
        }

        public boolean isZero() { return kind.equals("zero") || (kind.equals("scaled") && factor == 0); }

        @Override
        public String toString() { return kind.equals("scaled") ? Double.toString(factor) : kind; }
    }

    private NetInit() {}

    public static Matrix w1(W1 kind, int h, int d, long seed) {
        Matrix w = Matrix.zeros(h, d);
        double[] a = w.data();
        switch (kind) {
            case NORMAL, UNITARY -> {
                for (int j = 0; j < h; j++) {
                    Philox.normals(seed, Philox.STREAM_NET_W1, j, a, j * d, d);
                    if (kind == W1.UNITARY) {
                        double s = 0;
                        for (int k = 0; k < d; k++) {
                            s += a[j * d + k] * a[j * d + k];
                        }
                        double inv = 1 / StrictMath.sqrt(s);
                        for (int k = 0; k < d; k++) {
                            a[j * d + k] *= inv;
                        }
                    }
                }
            }
            case FIBONACCI -> fibonacci(a, h, d);
        }
        return w;
    }

    /** Evenly spread unit vectors: equal angles on the circle, the golden-angle spiral on S^2. */
    private static void fibonacci(double[] a, int h, int d) {
        if (d == 2) {
            for (int j = 0; j < h; j++) {
                double phi = 2 * Math.PI * j / h;
                a[2 * j] = StrictMath.cos(phi);
                a[2 * j + 1] = StrictMath.sin(phi);
            }
        } else if (d == 3) {
            double golden = Math.PI * (3 - StrictMath.sqrt(5));
            for (int j = 0; j < h; j++) {
                double z = 1 - (2.0 * j + 1) / h, r = StrictMath.sqrt(1 - z * z), phi = golden * j;
                a[3 * j] = r * StrictMath.cos(phi);
                a[3 * j + 1] = r * StrictMath.sin(phi);
                a[3 * j + 2] = z;
            }
        } else {
            throw new InvalidInputException("{init_w1} fibonacci is defined for d = 2 and 3, not d = " + d);
        }
    }

    public static double[] w2(W2 kind, int h, long seed) {
        double[] w = new double[h];
        double[] pair = new double[2];
        for (int j = 0; j < h; j++) {
            switch (kind.kind()) {
                case "zero" -> w[j] = 0;
                case "one" -> w[j] = (Philox.draw(seed, Philox.STREAM_NET_W2, j, 0)[0] >>> 31) == 1 ? -1 : 1;
                default -> {
                    Philox.normalPair(seed, Philox.STREAM_NET_W2, j, 0, pair, 0);
                    w[j] = kind.factor() * pair[0];
                }
            }
        }
        return w;
    }
}
