package org.sparsefeat.classify;

import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.backend.SoftplusPass;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.NetLoss;
import org.sparsefeat.util.InvalidInputException;

/**
 * Training of the image nets (docs/method.md, 'Image experiments'): the soft hinge loss
 * L = (1/n) sum_i softplus_{beta_l}(1 - alpha (f - f0)(x_i) y_i) / alpha, minimised by gradient flow integrated
 * with adaptive Euler steps: a step p + dt v (v = -grad L) is accepted when the gradient turned little
 * (|g - g'|^2 / (|g| |g'|) < maxDgrad) and no output moved by more than maxDout / alpha; then dt grows by 1.1
 * if both were under half their bounds; otherwise it is undone and dt divided by 10. Stops at NaN, at the
 * wall-clock or step limit, when every margin alpha (f - f0) y exceeds 1, or when the fraction of satisfied
 * margins exceeds stopFrac.
 */
public final class GradientFlow {
    /** The reference's accept bounds: the gradient's turn, and the predictor's move over a step. */
    static final double MAX_DGRAD = 1e-4, MAX_DOUT = 0.1;

    /**
     * @param alpha    the alpha-trick (1e-6: the feature regime of Fig 1; large: lazy)
     * @param lossBeta beta_l of the soft hinge (20)
     * @param maxDgrad the accept bound on the turn of the gradient (1e-4)
     * @param maxDout  the accept bound on the predictor's move, alpha times the outputs' (0.1)
     * @param stopFrac stop when more than this fraction of training margins are satisfied (0.99)
     */
    public record Options(double alpha, double lossBeta, double maxDgrad, double maxDout, double stopFrac,
                          double maxWallSeconds, long maxSteps) {
        public Options {
            if (!(alpha > 0) || Double.isInfinite(alpha)) {
                throw new InvalidInputException("{alpha} must be a finite number > 0, got " + alpha);
            }
            if (!(lossBeta > 0) || !(maxDgrad > 0) || !(maxDout > 0)) {
                throw new InvalidInputException("{loss_beta}, the dgrad and dout bounds must be > 0");
            }
            if (!(stopFrac > 0 && stopFrac <= 1)) {
                throw new InvalidInputException("{stop_frac} must be in (0, 1], got " + stopFrac);
            }
            if (!(maxWallSeconds > 0) || maxSteps < 1) {
                throw new InvalidInputException("{max_wall} must be > 0 and {max_steps} >= 1");
            }
        }

        /** The reference's Fig-1 settings with the given alpha and limits. */
        public static Options reference(double alpha, double maxWallSeconds, long maxSteps) {
            return new Options(alpha, ImageNetOptions.LOSS_BETA, MAX_DGRAD, MAX_DOUT, ImageNetOptions.STOP_FRAC,
                    maxWallSeconds, maxSteps);
        }
    }

    public enum Stop { ALL_MARGINS, STOP_FRACTION, WALL_CLOCK, MAX_STEPS, NAN }

    /** A point of the dynamics: flow time, steps accepted, training loss and errors. */
    public record Checkpoint(double time, long accepted, double trainLoss, double trainError, double testError) {}

    /**
     * @param testF       alpha (f - f0) on the test points at the stop
     * @param bestTestError the lowest test error among the checkpoints
     */
    public record Result(Stop stop, long accepted, long rejected, double time, double trainLoss, double trainError,
                         double testError, double bestTestError, double[] testF, List<Checkpoint> dynamics,
                         double seconds) {}

    /** One trial: parameters, outputs, per-output loss derivative and gradient. */
    private record State(double[] p, double[] o, double[] dLdo, double[] grad, double loss) {}

    private GradientFlow() {}

    /** Told after each accepted step: the steps accepted so far and the training loss. */
    @FunctionalInterface
    public interface Progress {
        void step(long accepted, double trainLoss);
    }

    public static Result train(SoftplusNet net, Matrix x, double[] y, Matrix xTest, double[] yTest, Options opt) {
        return train(net, x, y, xTest, yTest, opt, null);
    }

    /** As above, telling {@code progress} (if not null) of each accepted step. */
    public static Result train(SoftplusNet net, Matrix x, double[] y, Matrix xTest, double[] yTest, Options opt,
                               Progress progress) {
        long start = System.nanoTime();
        double[] f0 = net.outputs(x);
        double[] f0Test = net.outputs(xTest);
        State s = evaluate(net, net.params().clone(), x, y, f0, opt);
        double dt = 1, time = 0;
        long accepted = 0, rejected = 0, nextCheck = 1;
        List<Checkpoint> dyn = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        Stop stop;
        while (true) {
            stop = stopRule(s, y, opt, start, accepted);
            if (stop != null) {
                break;
            }
            double[] trial = s.p().clone();
            for (int q = 0; q < trial.length; q++) {
                trial[q] -= dt * s.grad()[q];
            }
            State t = evaluate(net, trial, x, y, f0, opt);
            if (!Double.isFinite(t.loss())) {
                if (dt < 1e-300) {
                    stop = Stop.NAN;
                    break;
                }
                dt /= 10;
                rejected++;
                continue;
            }
            double dout = 0;
            for (int i = 0; i < y.length; i++) {
                dout = Math.max(dout, Math.abs(t.o()[i] - s.o()[i]));
            }
            double dgrad = turn(s.grad(), t.grad());
            if (dgrad < opt.maxDgrad() && dout < opt.maxDout() / opt.alpha()) {
                time += dt;
                accepted++;
                if (dgrad < opt.maxDgrad() / 2 && dout < opt.maxDout() / opt.alpha() / 2) {
                    dt *= 1.1;
                }
                s = t;
                if (progress != null) {
                    progress.step(accepted, s.loss());
                }
                if (accepted == nextCheck) {
                    double te = testError(net, s.p(), xTest, yTest, f0Test, opt.alpha());
                    best = Math.min(best, te);
                    dyn.add(new Checkpoint(time, accepted, s.loss(), trainError(s, y, opt.alpha()), te));
                    nextCheck = Math.max(nextCheck + 1, (long) (nextCheck * 1.25));
                }
            } else {
                dt /= 10;
                rejected++;
            }
        }
        double[] testF = predictor(net, s.p(), xTest, f0Test, opt.alpha());
        double te = errorOf(testF, yTest);
        best = Math.min(best, te);
        dyn.add(new Checkpoint(time, accepted, s.loss(), trainError(s, y, opt.alpha()), te));
        System.arraycopy(s.p(), 0, net.params(), 0, s.p().length);
        return new Result(stop, accepted, rejected, time, s.loss(), trainError(s, y, opt.alpha()), te, best, testF, dyn,
                (System.nanoTime() - start) * 1e-9);
    }

    private static State evaluate(SoftplusNet net, double[] p, Matrix x, double[] y, double[] f0, Options opt) {
        SoftplusPass fw = net.forward(p, x);
        int n = y.length;
        double[] o = NetLoss.predictor(1, fw.f(), f0);  // f - f0: the margins' alpha comes below
        double[] u = new double[n], hinge = new double[n], slope = new double[n];
        double a = opt.alpha();
        for (int i = 0; i < n; i++) {
            u[i] = 1 - a * o[i] * y[i];
        }
        // the soft hinge softplus(beta_l u) / beta_l and its derivative sigmoid(beta_l u): sf_act.h's formulas
        net.backend().softplus(u, opt.lossBeta(), 1, hinge, slope);
        double loss = 0;
        double[] dLdo = new double[n];
        for (int i = 0; i < n; i++) {
            loss += hinge[i] / a;
            dLdo[i] = -y[i] * slope[i] / n;
        }
        return new State(p, o, dLdo, net.gradient(p, x, fw, dLdo), loss / n);
    }

    private static Stop stopRule(State s, double[] y, Options opt, long start, long accepted) {
        double minMargin = Double.POSITIVE_INFINITY;
        int satisfied = 0;
        for (int i = 0; i < y.length; i++) {
            double m = opt.alpha() * s.o()[i] * y[i];
            if (Double.isNaN(m)) {
                return Stop.NAN;
            }
            minMargin = Math.min(minMargin, m);
            if (m >= 1) {
                satisfied++;
            }
        }
        if (minMargin > 1) {
            return Stop.ALL_MARGINS;
        }
        if (satisfied > opt.stopFrac() * y.length) {
            return Stop.STOP_FRACTION;
        }
        if ((System.nanoTime() - start) * 1e-9 > opt.maxWallSeconds()) {
            return Stop.WALL_CLOCK;
        }
        return accepted >= opt.maxSteps() ? Stop.MAX_STEPS : null;
    }

    /** |g - g'|^2 / (|g| |g'|): how much the gradient turned over the step. */
    static double turn(double[] g, double[] h) {
        double d = 0, ng = 0, nh = 0;
        for (int q = 0; q < g.length; q++) {
            d += (g[q] - h[q]) * (g[q] - h[q]);
            ng += g[q] * g[q];
            nh += h[q] * h[q];
        }
        return d / Math.sqrt(ng * nh);
    }

    private static double[] predictor(SoftplusNet net, double[] p, Matrix x, double[] f0, double alpha) {
        return NetLoss.predictor(alpha, net.forward(p, x).f(), f0);
    }

    private static double testError(SoftplusNet net, double[] p, Matrix x, double[] y, double[] f0, double alpha) {
        return errorOf(predictor(net, p, x, f0, alpha), y);
    }

    private static double trainError(State s, double[] y, double alpha) {
        double[] f = new double[y.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = alpha * s.o()[i];
        }
        return errorOf(f, y);
    }

    /** The fraction of points with f(x) y <= 0. */
    public static double errorOf(double[] f, double[] y) {
        int wrong = 0;
        for (int i = 0; i < y.length; i++) {
            if (!(f[i] * y[i] > 0)) {
                wrong++;
            }
        }
        return y.length == 0 ? Double.NaN : wrong / (double) y.length;
    }
}
