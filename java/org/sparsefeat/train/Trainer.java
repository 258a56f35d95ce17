package org.sparsefeat.train;

import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.analysis.Atoms;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetLoss;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.util.InvalidInputException;

/**
 * Trains nets by full-batch gradient descent, several at once in one backend batch, with the reference's
 * checkpoints and stopping rules (docs/method.md, 'Stopping and checkpoints'): a net stops when its training half MSE
 * falls below the rule's lossStop ("converged"), becomes NaN ("diverged", its history kept) or reaches maxSteps
 * ("max_steps").
 */
public final class Trainer {
    /** Seconds of work per batch call: long enough to amortise a call, short enough for a live progress bar. */
    private static final double SECONDS_PER_CALL = 0.25;

    /**
     * @param maxSteps     step limit
     * @param saveFreq     the reference's --savefreq (log-spaced checkpoints up to it, then every saveFreq steps)
     * @param atoms        count atoms at every checkpoint (they are always counted at the end)
     * @param atomEpsilon  the relative threshold of the robust atom count
     */
    public record Options(long maxSteps, long saveFreq, boolean atoms, double atomEpsilon) {
        public Options {
            new CheckpointSchedule(maxSteps, saveFreq);
            if (!(atomEpsilon >= 0 && atomEpsilon < 1)) {
                throw new InvalidInputException("{atom_epsilon} must be in [0, 1), got " + atomEpsilon);
            }
        }
    }

    /** One net: data, initial weights, rule. */
    public record Job(Dataset data, TwoLayerNet init, GdRule rule) {}

    public enum Status { CONVERGED, MAX_STEPS, DIVERGED }

    /**
     * A recorded state. Errors are half MSEs, (1/2n) sum (F - y)^2, as the reference logs them; NaN after a
     * divergence (written as null).
     */
    public record Checkpoint(long step, double seconds, double trainHalfMse, double testHalfMse, double regularizer,
                             Integer atoms, Integer atomsThresholded) {}

    /**
     * @param init    the initial weights as trained (rows normalised when w1 lives on the sphere)
     * @param net     the final weights (the last finite ones when the run diverged)
     * @param testF   the final predictor F on the test points
     * @param health  the verdict of {@link TrainingHealth} on the dynamics: unstable, not fitted, or fine
     */
    public record Result(Job job, TwoLayerNet init, Status status, long steps, TwoLayerNet net, double trainHalfMse, double testHalfMse,
                         double regularizer, Atoms.Count atoms, List<Checkpoint> dynamics, double seconds,
                         double[] testF, TrainingHealth.Verdict health) {
        /** Full MSE mean (F - y)^2 on the training set: twice the half MSE. */
        public double trainMse() { return 2 * trainHalfMse; }

        public double testMse() { return 2 * testHalfMse; }
    }

    /** Progress of the whole batch, after every call to the backend. */
    public interface Listener {
        void progress(long stepsDone, long stepsTotal, double worstTrainHalfMse, double worstTestHalfMse);
    }

    private Trainer() {}

    public static List<Result> train(Backend backend, List<Job> jobs, Options options, Listener listener) {
        return train(backend, jobs, options, listener, null);
    }

    /**
     * Trains the batch; with {@code snapshots}, resumes from its saved state when it has one and saves the
     * state whenever it is due. A resumed batch gives the same bits as one that never stopped (only the
     * wall-clock seconds differ): the chunking of steps into backend calls does not change any result.
     *
     * @throws Snapshots.Stopped when the snapshots ask to stop (after saving)
     */
    public static List<Result> train(Backend backend, List<Job> jobs, Options options, Listener listener,
                                     Snapshots snapshots) {
        List<NetProblem> problems = new ArrayList<>();
        for (Job j : jobs) {
            if (j.data().nTest() < 1) {
                throw new InvalidInputException("training needs a test set ({n_test} >= 1)");
            }
            problems.add(new NetProblem(j.data().xTrain(), j.data().yTrain(), j.init(), j.rule()));
        }
        CheckpointSchedule schedule = new CheckpointSchedule(options.maxSteps(), options.saveFreq());
        int size = jobs.size();
        long t0 = System.nanoTime();
        try (NetBatch batch = backend.openNets(problems)) {
            Run[] runs = new Run[size];
            for (int b = 0; b < size; b++) {
                runs[b] = new Run(backend, jobs.get(b), problems.get(b).init(), batch, b);
            }
            BatchState saved = snapshots == null ? null : snapshots.load();
            if (saved != null) {
                t0 -= (long) (saved.seconds() * 1e9);
                restore(batch, runs, saved);
            } else {
                for (Run r : runs) {
                    r.record(0, t0, options);
                }
            }
            long chunk = 1;
            long total = options.maxSteps() * size;
            while (true) {
                long[] steps = new long[size];
                double[] stopBelow = new double[size];
                boolean any = false;
                for (int b = 0; b < size; b++) {
                    Run r = runs[b];
                    if (r.status == null) {
                        long now = batch.step(b);
                        steps[b] = Math.min(schedule.nextAfter(now) - now, chunk);
                        stopBelow[b] = r.nextLevel;
                        any = true;
                    }
                }
                if (!any) {
                    break;
                }
                long c0 = System.nanoTime();
                long[] done = batch.advance(steps, stopBelow);
                double perStep = (System.nanoTime() - c0) * 1e-9 / Math.max(1, java.util.Arrays.stream(done).max().orElse(1));
                chunk = Math.max(1, Math.min(100_000, (long) (SECONDS_PER_CALL / Math.max(perStep, 1e-9))));
                long stepsDone = 0;
                double worstTrain = 0, worstTest = 0;
                for (int b = 0; b < size; b++) {
                    Run r = runs[b];
                    if (r.status == null && steps[b] > 0) {
                        r.afterAdvance(schedule, options, t0);
                    }
                    stepsDone += r.status == null ? batch.step(b) : options.maxSteps();
                    double train = batch.trainHalfMse(b);  // current; the test error is the last checkpoint's
                    worstTrain = Math.max(worstTrain, Double.isFinite(train) ? train : r.lastTrain);
                    worstTest = Math.max(worstTest, r.lastTest);
                }
                if (listener != null) {
                    listener.progress(stepsDone, total, worstTrain, worstTest);
                }
                if (snapshots != null) {
                    boolean stop = snapshots.stopRequested();
                    if (stop || snapshots.due()) {
                        snapshots.save(state(batch, runs, t0));
                    }
                    if (stop) {
                        throw new Snapshots.Stopped();
                    }
                }
            }
            List<Result> results = new ArrayList<>();
            double seconds = (System.nanoTime() - t0) * 1e-9;
            for (Run r : runs) {
                results.add(r.result(seconds, options));
            }
            return results;
        }
    }

    private static BatchState state(NetBatch batch, Run[] runs, long t0) {
        List<BatchState.Net> nets = new ArrayList<>();
        for (int b = 0; b < runs.length; b++) {
            Run r = runs[b];
            nets.add(new BatchState.Net(batch.step(b), batch.trainHalfMse(b), batch.weights(b), r.status, r.nextLevel,
                    r.lastFinite, r.lastTestF, r.lastTrain, r.lastTest, r.lastReg, r.dynamics));
        }
        return new BatchState((System.nanoTime() - t0) * 1e-9, nets);
    }

    private static void restore(NetBatch batch, Run[] runs, BatchState saved) {
        if (saved.nets().size() != runs.length) {
            throw new IllegalArgumentException("a saved batch of " + saved.nets().size() + " nets cannot resume a batch of "
                    + runs.length);
        }
        List<TwoLayerNet> weights = new ArrayList<>();
        long[] steps = new long[runs.length];
        double[] losses = new double[runs.length];
        for (int b = 0; b < runs.length; b++) {
            BatchState.Net s = saved.nets().get(b);
            weights.add(s.weights());
            steps[b] = s.step();
            losses[b] = s.loss();
            Run r = runs[b];
            r.status = s.status();
            r.nextLevel = s.nextLevel();
            r.lastFinite = s.lastNet();
            r.lastTestF = s.lastTestF();
            r.lastTrain = s.lastTrain();
            r.lastTest = s.lastTest();
            r.lastReg = s.lastReg();
            r.dynamics.addAll(s.dynamics());
        }
        batch.restore(weights, steps, losses);
    }

    /** The bookkeeping of one net of the batch. */
    private static final class Run {
        final Backend backend;
        final Job job;
        final TwoLayerNet init;
        final NetBatch batch;
        final int index;
        final double[] f0Test;
        final double l0;
        final List<Checkpoint> dynamics = new ArrayList<>();
        double nextLevel;
        Status status;
        TwoLayerNet lastFinite;
        double[] lastTestF;
        double lastTrain, lastTest, lastReg;

        Run(Backend backend, Job job, TwoLayerNet init, NetBatch batch, int index) {
            this.backend = backend;
            this.job = job;
            this.init = init;
            this.batch = batch;
            this.index = index;
            this.f0Test = job.rule().minusF0() ? backend.netOutputs(init, job.data().xTest()) : null;
            this.l0 = batch.trainHalfMse(index);
            this.nextLevel = CheckpointSchedule.nextLossLevel(l0, l0);
        }

        void afterAdvance(CheckpointSchedule schedule, Options options, long t0) {
            long step = batch.step(index);
            double loss = batch.trainHalfMse(index);
            NetLoss.Stop why = NetLoss.stop(loss, job.rule().lossStop(), Double.NEGATIVE_INFINITY);
            if (why == NetLoss.Stop.DIVERGED) {
                status = Status.DIVERGED;
                dynamics.add(new Checkpoint(step, (System.nanoTime() - t0) * 1e-9, Double.NaN, Double.NaN, Double.NaN,
                        null, null));
                return;
            }
            if (why == NetLoss.Stop.CONVERGED) {
                status = Status.CONVERGED;
            } else if (step >= options.maxSteps()) {
                status = Status.MAX_STEPS;
            }
            boolean byLoss = loss <= nextLevel;
            if (byLoss) {
                nextLevel = CheckpointSchedule.nextLossLevel(l0, loss);
            }
            if (status != null || byLoss || schedule.nextAfter(step - 1) == step) {
                record(step, t0, options);
            }
        }

        void record(long step, long t0, Options options) {
            TwoLayerNet w = batch.weights(index);
            double[] f = testPredictor(w);
            lastTrain = batch.trainHalfMse(index);
            lastTest = NetLoss.halfMse(f, job.data().yTest());
            lastReg = batch.regularizer(index);
            lastFinite = w;
            lastTestF = f;
            Integer atoms = null, strong = null;
            if (options.atoms()) {
                Atoms.Count c = Atoms.count(job.data().xTrain(), w, job.rule().alpha(), options.atomEpsilon(),
                        job.rule().referenceQuirks());
                atoms = c.exact();
                strong = c.thresholded();
            }
            dynamics.add(new Checkpoint(step, (System.nanoTime() - t0) * 1e-9, lastTrain, lastTest, lastReg, atoms, strong));
        }

        /** F = alpha f or alpha (f - f0) on the test points. */
        double[] testPredictor(TwoLayerNet w) {
            return NetLoss.predictor(job.rule().alpha(), backend.netOutputs(w, job.data().xTest()), f0Test);
        }

        Result result(double seconds, Options options) {
            Matrix x = job.data().xTrain();
            Atoms.Count atoms = Atoms.count(x, lastFinite, job.rule().alpha(), options.atomEpsilon(),
                    job.rule().referenceQuirks());
            boolean diverged = status == Status.DIVERGED;
            return new Result(job, init, status, batch.step(index), lastFinite, diverged ? Double.NaN : lastTrain,
                    diverged ? Double.NaN : lastTest, diverged ? Double.NaN : lastReg, atoms, List.copyOf(dynamics),
                    seconds, lastTestF, health(dynamics, job.rule().alpha()));
        }

        /** The objective GD descends, in half-MSE units: (1/2n) sum (F - y)^2 + alpha R(w). */
        static TrainingHealth.Verdict health(List<Checkpoint> dynamics, double alpha) {
            int m = dynamics.size();
            long[] steps = new long[m];
            double[] objective = new double[m], train = new double[m];
            for (int i = 0; i < m; i++) {
                Checkpoint c = dynamics.get(i);
                steps[i] = c.step();
                train[i] = c.trainHalfMse();
                objective[i] = c.trainHalfMse() + alpha * c.regularizer();
            }
            return TrainingHealth.assess(steps, objective, train);
        }
    }
}
