package org.sparsefeat.classify;

import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.backend.SoftplusFlow;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;

/**
 * Training of the image nets (docs/method.md, 'Image experiments'): the soft hinge loss
 * L = (1/n) sum_i softplus_{beta_l}(1 - alpha (f - f0)(x_i) y_i) / alpha, minimised by gradient flow integrated
 * with adaptive Euler steps: a step p + dt v (v = -grad L) is accepted when the gradient turned little
 * (|g - g'|^2 / (|g| |g'|) < maxDgrad) and no output moved by more than maxDout / alpha; then dt grows by 1.1
 * if both were under half their bounds; otherwise it is undone and dt divided by 10. Stops at NaN, at the
 * wall-clock or step limit, when every margin alpha (f - f0) y exceeds 1, or when the fraction of satisfied
 * margins exceeds stopFrac. A flow saves its state ({@link FlowState}) through {@link FlowSnapshots} and resumes from it.
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

    private GradientFlow() {}

    /** Told of the flow's progress. */
    @FunctionalInterface
    public interface Progress {
        /**
         * After each accepted step: the steps accepted so far, the training loss, and the fraction of training margins
         * met (the flow stops when it exceeds stopFrac).
         */
        void step(long accepted, double trainLoss, double marginsMet);

        /** The flow stopped (before anything that follows it, such as the stability). */
        default void stopped(Stop why, long accepted) {}
    }

    public static Result train(SoftplusNet net, Matrix x, double[] y, Matrix xTest, double[] yTest, Options opt) {
        return train(net, x, y, xTest, yTest, opt, null);
    }

    /**
     * As above, telling {@code progress} (if not null) of each accepted step. The flow runs where the net's backend
     * computes ({@link SoftplusFlow}); this is its control logic, the same for every backend.
     */
    public static Result train(SoftplusNet net, Matrix x, double[] y, Matrix xTest, double[] yTest, Options opt,
                               Progress progress) {
        return train(net, x, y, xTest, yTest, opt, progress, null);
    }

    /**
     * As above, saving its state to {@code snapshots} (if not null) when due and when asked to stop, and resuming from
     * the state they hold: a resumed flow makes the decisions and ends with the bits of an uninterrupted one (on the
     * same backend and threads). The wall-clock limit counts the seconds of earlier runs.
     *
     * @throws FlowSnapshots.Stopped when the snapshots asked to stop (the state saved first)
     */
    public static Result train(SoftplusNet net, Matrix x, double[] y, Matrix xTest, double[] yTest, Options opt,
                               Progress progress, FlowSnapshots snapshots) {
        long start = System.nanoTime();
        FlowState saved = snapshots == null ? null : snapshots.load();
        double before = saved == null ? 0 : saved.seconds();
        try (SoftplusFlow flow = net.openFlow(x, y, xTest, opt, saved == null ? null : saved.params())) {
            SoftplusFlow.Point s = flow.current();
            double dt = saved == null ? 1 : saved.dt(), time = saved == null ? 0 : saved.time();
            long accepted = saved == null ? 0 : saved.accepted(), rejected = saved == null ? 0 : saved.rejected();
            long nextCheck = saved == null ? 1 : saved.nextCheck();
            List<Checkpoint> dyn = new ArrayList<>(saved == null ? List.of() : saved.dynamics());
            double best = saved == null ? Double.POSITIVE_INFINITY : saved.bestTestError();
            Stop stop;
            while (true) {
                stop = stopRule(s, y.length, opt, before + (System.nanoTime() - start) * 1e-9, accepted);
                if (stop != null) {
                    break;
                }
                boolean stopNow = snapshots != null && snapshots.stopRequested();  // asked once a trial
                if (stopNow || snapshots != null && snapshots.due()) {
                    snapshots.save(new FlowState(flow.params(), dt, time, accepted, rejected, nextCheck, best, dyn,
                            before + (System.nanoTime() - start) * 1e-9));
                    if (stopNow) {
                        throw new FlowSnapshots.Stopped();
                    }
                }
                SoftplusFlow.Point t = flow.trial(dt);
                if (!Double.isFinite(t.loss())) {
                    if (dt < 1e-300) {
                        stop = Stop.NAN;
                        break;
                    }
                    dt /= 10;
                    rejected++;
                    continue;
                }
                if (t.dgrad() < opt.maxDgrad() && t.dout() < opt.maxDout() / opt.alpha()) {
                    time += dt;
                    accepted++;
                    if (t.dgrad() < opt.maxDgrad() / 2 && t.dout() < opt.maxDout() / opt.alpha() / 2) {
                        dt *= 1.1;
                    }
                    flow.accept();
                    s = t;
                    if (progress != null) {
                        progress.step(accepted, s.loss(), s.satisfied() / (double) y.length);
                    }
                    if (accepted == nextCheck) {
                        double te = errorOf(flow.testScores(), yTest);
                        best = Math.min(best, te);
                        dyn.add(new Checkpoint(time, accepted, s.loss(), trainError(s, y.length), te));
                        nextCheck = Math.max(nextCheck + 1, (long) (nextCheck * 1.25));
                    }
                } else {
                    dt /= 10;
                    rejected++;
                }
            }
            if (progress != null) {
                progress.stopped(stop, accepted);
            }
            if (snapshots != null) {  // the end too: a run killed after the flow (its stability, say) resumes here
                snapshots.save(new FlowState(flow.params(), dt, time, accepted, rejected, nextCheck, best, dyn,
                        before + (System.nanoTime() - start) * 1e-9));
            }
            double[] testF = flow.testScores();
            double te = errorOf(testF, yTest);
            best = Math.min(best, te);
            dyn.add(new Checkpoint(time, accepted, s.loss(), trainError(s, y.length), te));
            double[] p = flow.params();
            System.arraycopy(p, 0, net.params(), 0, p.length);
            return new Result(stop, accepted, rejected, time, s.loss(), trainError(s, y.length), te, best, testF, dyn,
                    before + (System.nanoTime() - start) * 1e-9);
        }
    }

    private static Stop stopRule(SoftplusFlow.Point s, int n, Options opt, double seconds, long accepted) {
        if (Double.isNaN(s.minMargin())) {
            return Stop.NAN;
        }
        if (s.minMargin() > 1) {
            return Stop.ALL_MARGINS;
        }
        if (s.satisfied() > opt.stopFrac() * n) {
            return Stop.STOP_FRACTION;
        }
        if (seconds > opt.maxWallSeconds()) {
            return Stop.WALL_CLOCK;
        }
        return accepted >= opt.maxSteps() ? Stop.MAX_STEPS : null;
    }

    private static double trainError(SoftplusFlow.Point s, int n) { return n == 0 ? Double.NaN : s.wrong() / (double) n; }

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
