package org.sparsefeat.krr;

import java.util.Map;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.distributed.Cluster;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.util.PhaseTimer;

/** One KRR experiment: fit on the training set, then the full MSE on the training and test sets. */
public final class KrrRun {
    /**
     * @param testMse  full MSE on the test set (NaN without test points)
     * @param trainMse full MSE on the training set, its predictions K c = L L^T c - ridge c from the factor
     * @param seconds  wall-clock seconds per phase
     */
    public record Outcome(KrrModel model, double testMse, double trainMse, Map<String, Double> seconds, MemoryPlan plan) {}

    private KrrRun() {}

    public static Outcome run(Backend backend, Kernel kernel, double ridge, Dataset data, PhaseTimer timer) {
        return run(backend, kernel, ridge, data, timer, KrrResources.DEFAULT);
    }

    /**
     * As above, with the memory, scratch place and monitor of {@code resources} (see {@link MemoryPlan}).
     *
     * @throws Monitor.Stopped when the monitor asked to stop (between two tile operations, two tile columns of a solve,
     *                         two blocks of predictions); a scratch journal stays for the rerun
     */
    public static Outcome run(Backend backend, Kernel kernel, double ridge, Dataset data, PhaseTimer timer,
            KrrResources resources) {
        return run(backend, kernel, ridge, data, timer, resources, null, 0);
    }

    /**
     * As above; with a {@code cluster}, on its ranks: K factored over them, each rank predicting from its share of the
     * training points and the predictions summed. Every rank calls this with the same inputs and gets the same outcome.
     * With a scratch directory the factorisation is journaled every {@code checkpointMinutes} (0: every panel).
     */
    public static Outcome run(Backend backend, Kernel kernel, double ridge, Dataset data, PhaseTimer timer,
            KrrResources resources, Cluster cluster, double checkpointMinutes) {
        KernelRidge.Fit fit = KernelRidge.fitWithFactor(backend, kernel, ridge, data.xTrain(), data.yTrain(),
                data.nTest(), timer, resources, cluster, checkpointMinutes);
        Outcome o;
        try {
            o = outcome(backend, ridge, data, timer, fit, resources.monitor(), cluster);
        } catch (Monitor.Stopped e) {
            fit.closeKeepingScratch();
            throw e;
        } catch (RuntimeException | Error e) {
            fit.close();
            throw e;
        }
        fit.close();
        return o;
    }

    /**
     * f at every row of x, in blocks of rows (those {@link Backend#gramTimes} would use where it stores blocks of K,
     * so the same bits; the matrix-free paths give the same bits for any blocks), asking the monitor between two
     * whether to stop: many test points take seconds.
     */
    static double[] predict(Backend backend, KrrModel model, Matrix x, Monitor monitor) {
        int rows = Backend.gramTimesRows(model.xTrain().rows());
        if (x.rows() <= rows) {
            return model.predict(backend, x);
        }
        double[] f = new double[x.rows()];
        for (int r0 = 0; r0 < x.rows(); r0 += rows) {
            if (monitor.stopRequested()) {
                throw new Monitor.Stopped();
            }
            int r1 = Math.min(x.rows(), r0 + rows);
            System.arraycopy(model.predict(backend, x.rowRange(r0, r1)), 0, f, r0, r1 - r0);
        }
        return f;
    }

    /**
     * f at every row of x on the ranks of a cluster: each rank K(x, X_r) c_r over its share X_r of the training points
     * (blocks of the process grid's block size dealt round the ranks), summed over the ranks; the same on every rank.
     * A stop is agreed on by all ranks (a collective), so none is left waiting in the sum.
     */
    static double[] predict(Backend backend, KrrModel model, Matrix x, Monitor monitor, Cluster cluster) {
        int n = model.xTrain().rows(), b = cluster.grid().block();
        double[] f = new double[x.rows()];
        for (int blk = cluster.rank(); (long) blk * b < n; blk += cluster.size()) {
            int r0 = blk * b, r1 = Math.min(n, r0 + b);
            double[] c = java.util.Arrays.copyOfRange(model.coefficients(), r0, r1);
            KrrModel share = new KrrModel(model.kernel(), model.ridge(), model.xTrain().rowRange(r0, r1), c);
            double[] part = predict(backend, share, x, Monitor.NONE);
            for (int i = 0; i < f.length; i++) {
                f[i] += part[i];
            }
        }
        if (cluster.any(monitor.stopRequested())) {
            throw new Monitor.Stopped();
        }
        cluster.sum(f);
        return f;
    }

    private static Outcome outcome(Backend backend, double ridge, Dataset data, PhaseTimer timer, KernelRidge.Fit fit,
            Monitor monitor, Cluster cluster) {
        KrrModel model = fit.model();
        double[] testPrediction = timer.time("predict", () -> cluster == null ? predict(backend, model, data.xTest(),
                monitor) : predict(backend, model, data.xTest(), monitor, cluster));
        // K c = L L^T c - ridge c: the training predictions from the factor, two triangular products instead of
        // rebuilding K(X, X); what they miss is the factor's rounding, ~eps |K|
        double[] trainPrediction = timer.time("predict_train", () -> {
            double[] kc = fit.factor().factorMultiply(model.coefficients());
            for (int i = 0; i < kc.length; i++) {
                kc[i] -= ridge * model.coefficients()[i];
            }
            return kc;
        });
        return new Outcome(model, Metrics.mse(testPrediction, data.yTest()), Metrics.mse(trainPrediction, data.yTrain()),
                timer.seconds(), fit.plan());
    }
}
