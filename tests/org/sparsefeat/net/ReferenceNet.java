package org.sparsefeat.net;

import org.sparsefeat.linalg.Matrix;

/** The model and loss of docs/method.md, 'The two-layer network', written out plainly in Java: the oracle for the
 * native step, with the lambda schedules and the reference quirks ('Reference quirks') written from the document, not
 * from native/include/sf_net.h. */
public final class ReferenceNet {
    private ReferenceNet() {}

    public static double[] outputs(TwoLayerNet net, Matrix x) {
        int h = net.h(), d = net.d();
        double s = net.scale().factor(h);
        double[] f = new double[x.rows()];
        for (int i = 0; i < x.rows(); i++) {
            double sum = 0;
            for (int j = 0; j < h; j++) {
                double z = net.hasBias() ? net.b()[j] : 0;
                for (int k = 0; k < d; k++) {
                    z += net.w1().get(j, k) * x.get(i, k);
                }
                sum += net.w2()[j] * Math.max(z, 0);
            }
            f[i] = s * sum;
        }
        return f;
    }

    /**
     * lambda at step t: none lambda; pow_law lambda / (1 + t^p); exp lambda e^{1 - t^p}; pl_exp
     * lambda e^{1 - sqrt(t) / n^0.7} / (1 + t); under the reference's quirks 0.5 at step 0, whatever the rule says.
     */
    public static double lambdaAt(GdRule rule, long step, int n) {
        if (rule.referenceQuirks() && step == 0) {
            return 0.5;
        }
        double l = rule.lambda(), t = step, p = rule.schedulePower();
        return switch (rule.schedule()) {
            case NONE -> l;
            case POW_LAW -> l / (1 + Math.pow(t, p));
            case EXP -> l * Math.exp(1 - Math.pow(t, p));
            case PL_EXP -> l * Math.exp(1 - Math.sqrt(t) / Math.pow(n, 0.7)) / (1 + t);
        };
    }

    /** Whether the conic rescaling applies at this step: after step 5, or from the start when asked. */
    public static boolean conicAt(GdRule rule, long step) {
        return rule.conic() && (step > 5 || rule.conicFromStart());
    }

    /** (1/n) sum (F - y)^2 / (2 alpha) + R(w), F = alpha (f - f0) or alpha f. */
    public static double loss(TwoLayerNet net, Matrix x, double[] y, double[] f0, GdRule rule) {
        return loss(net, x, y, f0, rule, rule.lambda());
    }

    /** The loss with R at the given lambda (a step's, after its schedule). */
    public static double loss(TwoLayerNet net, Matrix x, double[] y, double[] f0, GdRule rule, double lambda) {
        double[] f = outputs(net, x);
        double data = 0;
        for (int i = 0; i < y.length; i++) {
            double F = rule.alpha() * (f0 == null ? f[i] : f[i] - f0[i]);
            data += (F - y[i]) * (F - y[i]);
        }
        data /= y.length * 2 * rule.alpha();
        return data + regularizer(net, rule, lambda);
    }

    public static double regularizer(TwoLayerNet net, GdRule rule) { return regularizer(net, rule, rule.lambda()); }

    public static double regularizer(TwoLayerNet net, GdRule rule, double lambda) {
        int h = net.h(), d = net.d();
        double c = lambda / h, r = 0;
        for (int j = 0; j < h; j++) {
            double w2 = net.w2()[j], b = net.hasBias() ? net.b()[j] : 0, n2 = b * b;
            for (int k = 0; k < d; k++) {
                n2 += net.w1().get(j, k) * net.w1().get(j, k);
            }
            r += switch (rule.reg()) {
                case NONE -> 0;
                case L2 -> 0.5 * c * (n2 + w2 * w2);
                case L1 -> rule.sphereW1() ? c * (Math.abs(w2) + Math.abs(b)) : c * Math.sqrt(n2) * Math.abs(w2);
            };
        }
        return r;
    }

    /** All parameters as one vector: w1 row by row, then b, then w2. */
    public static double[] flatten(TwoLayerNet net) {
        int h = net.h(), d = net.d();
        double[] p = new double[h * d + (net.hasBias() ? h : 0) + h];
        System.arraycopy(net.w1().data(), 0, p, 0, h * d);
        if (net.hasBias()) {
            System.arraycopy(net.b(), 0, p, h * d, h);
        }
        System.arraycopy(net.w2(), 0, p, p.length - h, h);
        return p;
    }

    public static TwoLayerNet unflatten(double[] p, TwoLayerNet like) {
        int h = like.h(), d = like.d();
        Matrix w1 = new Matrix(h, d, java.util.Arrays.copyOfRange(p, 0, h * d));
        double[] b = like.hasBias() ? java.util.Arrays.copyOfRange(p, h * d, h * d + h) : null;
        return new TwoLayerNet(w1, b, java.util.Arrays.copyOfRange(p, p.length - h, p.length), like.scale());
    }

    /** Central finite differences of the loss. */
    public static double[] numericalGradient(TwoLayerNet net, Matrix x, double[] y, double[] f0, GdRule rule, double eps) {
        return numericalGradient(net, x, y, f0, rule, rule.lambda(), eps);
    }

    /** Central finite differences of the loss with R at the given lambda. */
    public static double[] numericalGradient(TwoLayerNet net, Matrix x, double[] y, double[] f0, GdRule rule,
                                             double lambda, double eps) {
        double[] p = flatten(net), g = new double[p.length];
        for (int q = 0; q < p.length; q++) {
            double keep = p[q];
            p[q] = keep + eps;
            double up = loss(unflatten(p, net), x, y, f0, rule, lambda);
            p[q] = keep - eps;
            double down = loss(unflatten(p, net), x, y, f0, rule, lambda);
            p[q] = keep;
            g[q] = (up - down) / (2 * eps);
        }
        return g;
    }
}
