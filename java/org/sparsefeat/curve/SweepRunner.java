package org.sparsefeat.curve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.classify.GradientFlow;
import org.sparsefeat.classify.ImageExperiment;
import org.sparsefeat.images.DatasetStore;
import org.sparsefeat.images.ImageSet;
import org.sparsefeat.images.Preprocess;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.krr.KrrRun;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.train.Trainer;
import org.sparsefeat.util.Numbers;
import org.sparsefeat.util.PhaseTimer;

/**
 * Runs the points of a sweep that are not in its results file yet, writing each as it finishes. Datasets
 * are made once per (d, seed) at the largest n and cut to each n (training sets are nested, the test set is
 * shared), so a width-1e7 teacher is evaluated once per seed, not once per point. Nets of one (method, d)
 * train together in batches.
 */
public final class SweepRunner {
    /** How often a long batch of nets reports its progress. */
    static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    private final SweepSpec spec;
    private final ResultStore store;
    private final Backend backend;
    private final Consumer<String> log;
    private final Map<String, Dataset> datasets = new HashMap<>();
    private final Map<String, ImageSet> imageSets = new HashMap<>();
    private DatasetStore data = DatasetStore.standard();
    private double doneWork;
    private double totalWork;
    private int donePoints;
    private int totalPoints;
    private long t0;

    public SweepRunner(SweepSpec spec, ResultStore store, Backend backend, Consumer<String> log) {
        this.spec = spec;
        this.store = store;
        this.backend = backend;
        this.log = log;
    }

    /** Where an image sweep finds its data sets (default: DatasetStore.standard()). */
    public SweepRunner withData(DatasetStore store) {
        this.data = store;
        return this;
    }

    /** The grid points this shard owns that are not finished yet. */
    public List<SweepPoint> pending(Shard shard) {
        Map<String, JsonNode> done = store.load();
        List<SweepPoint> grid = spec.grid();
        List<SweepPoint> out = new ArrayList<>();
        for (int i = 0; i < grid.size(); i++) {
            if (shard.owns(i) && !done.containsKey(grid.get(i).key())) {
                out.add(grid.get(i));
            }
        }
        return out;
    }

    /** Runs every pending point of the shard; returns how many ran. */
    public int run(Shard shard) {
        List<SweepPoint> todo = pending(shard);
        int owned = (int) java.util.stream.IntStream.range(0, spec.grid().size()).filter(shard::owns).count();
        totalPoints = todo.size();
        totalWork = todo.stream().mapToDouble(this::work).sum();
        t0 = System.nanoTime();
        log.accept(String.format("sweep %s: %d points in shard %s, %d already done, %d to run", spec.name(), owned,
                shard, owned - todo.size(), todo.size()));
        Map<String, List<SweepPoint>> groups = new LinkedHashMap<>();
        for (SweepPoint p : todo) {
            groups.computeIfAbsent(p.method() + "/" + p.where(), k -> new ArrayList<>()).add(p);
        }
        for (List<SweepPoint> group : groups.values()) {
            MethodSpec method = spec.methods().get(group.getFirst().method());
            if (spec.images()) {
                for (SweepPoint p : group) {
                    runImage(method, p);
                }
            } else if (method instanceof MethodSpec.Net net) {
                int batch = backend.netBatchSize();
                for (int i = 0; i < group.size(); i += batch) {
                    runNets(net, group.subList(i, Math.min(group.size(), i + batch)));
                }
            } else {
                for (SweepPoint p : group) {
                    runKrr((MethodSpec.Krr) method, p);
                }
            }
        }
        return todo.size();
    }

    private void runKrr(MethodSpec.Krr m, SweepPoint p) {
        Dataset ds = dataset(p);
        long start = System.nanoTime();
        Map<String, Object> r = base(p, m);
        try {
            KrrRun.Outcome o = KrrRun.run(backend, m.kernel(), m.ridge(), ds, new PhaseTimer());
            r.put("status", Double.isFinite(o.testMse()) ? "ok" : "not_finite");
            r.put("test_mse", Numbers.finiteOrNull(o.testMse()));
            r.put("train_mse", Numbers.finiteOrNull(o.trainMse()));
        } catch (NotPositiveDefiniteException e) {
            r.put("status", "singular");
            r.put("test_mse", null);
            r.put("train_mse", null);
            r.put("error", e.getMessage());
        }
        r.put("seconds", (System.nanoTime() - start) * 1e-9);
        finish(List.of(p), List.of(r));
    }

    private void runNets(MethodSpec.Net m, List<SweepPoint> points) {
        List<Trainer.Job> jobs = new ArrayList<>();
        for (SweepPoint p : points) {
            Dataset ds = dataset(p);
            TwoLayerNet init = new TwoLayerNet(NetInit.w1(m.initW1(), m.h(), p.d(), p.seed()), null,
                    NetInit.w2(m.initW2(), m.h(), p.seed()), m.scale());
            jobs.add(new Trainer.Job(ds, init, m.rule()));
        }
        log.accept(String.format("  training %d nets of %s at d=%d together (n = %s)", jobs.size(), m.label(),
                points.getFirst().d(), points.stream().map(p -> p.n() + "").distinct().toList()));
        long start = System.nanoTime();
        long[] lastReport = {start};
        double batchWork = points.stream().mapToDouble(this::work).sum();
        List<Trainer.Result> results = Trainer.train(backend, jobs,
                new Trainer.Options(m.maxSteps(), m.saveFreq(), false, org.sparsefeat.analysis.Atoms.DEFAULT_EPSILON), (done, total, train, test) -> {
                    long now = System.nanoTime();
                    if (now - lastReport[0] < PROGRESS_EVERY_NANOS || done >= total) {
                        return;
                    }
                    lastReport[0] = now;
                    double fraction = done / (double) total;
                    double elapsed = (now - t0) * 1e-9;
                    double sweepDone = doneWork + fraction * batchWork;
                    log.accept(String.format("    step %d of %d per net (%.0f%%), worst train half MSE %.3e, ETA %s",
                            done / jobs.size(), total / jobs.size(), 100 * fraction, train,
                            duration(sweepDone > 0 ? elapsed * (totalWork - sweepDone) / sweepDone : Double.NaN)));
                });
        double seconds = (System.nanoTime() - start) * 1e-9;
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Trainer.Result res = results.get(i);
            Map<String, Object> r = base(points.get(i), m);
            r.put("status", res.status().name().toLowerCase(java.util.Locale.ROOT));
            r.put("steps", res.steps());
            r.put("test_mse", Numbers.finiteOrNull(res.testMse()));
            r.put("train_mse", Numbers.finiteOrNull(res.trainMse()));
            r.put("test_half_mse", Numbers.finiteOrNull(res.testHalfMse()));
            r.put("train_half_mse", Numbers.finiteOrNull(res.trainHalfMse()));
            r.put("atoms_exact", res.atoms().exact());
            r.put("atoms_thresholded", res.atoms().thresholded());
            r.put("atom_epsilon", res.atoms().epsilon());
            r.put("warnings", res.health().codes());
            if (!res.health().ok()) {
                r.put("warning", res.health().detail());
            }
            r.put("seconds", seconds / points.size());
            List<double[]> dyn = new ArrayList<>();
            for (Trainer.Checkpoint c : res.dynamics()) {
                dyn.add(new double[] {c.step(), c.trainHalfMse(), c.testHalfMse()});
            }
            r.put("dynamics", dyn.stream().map(a -> Arrays.stream(a).mapToObj(v -> Numbers.finiteOrNull(v)).toList()).toList());
            records.add(r);
        }
        finish(points, records);
    }

    /**
     * One point of an image sweep (docs/method.md, 'Image experiments'): the pooled, center-normalised set, the test
     * set of seed 0, the training set of the point's seed (which also initialises a net), parity labels.
     */
    private void runImage(MethodSpec m, SweepPoint p) {
        ImageSet all = imageSets.computeIfAbsent(p.dataset(), ds -> Preprocess.centerNormalize(data.load(ds)));
        ImageExperiment.Method method = switch (m) {
            case MethodSpec.Krr k -> new ImageExperiment.Method.KernelRegression(k.kernel(), k.ridge());
            case MethodSpec.Svm sv -> new ImageExperiment.Method.SupportVectors(sv.kernel(), sv.c());
            case MethodSpec.ImageNet net -> new ImageExperiment.Method.Net(net.h(), net.actBeta(),
                    new GradientFlow.Options(net.alpha(), net.lossBeta(), 1e-4, 0.1, net.stopFrac(), net.maxWall(),
                            net.maxSteps()));
            case MethodSpec.Net net -> throw new IllegalStateException("not an image method: " + m.label());
        };
        SweepSpec.StabilitySpec st = spec.stability();
        long start = System.nanoTime();
        Map<String, Object> r = base(p, m);
        try {
            ImageExperiment.Outcome o = ImageExperiment.run(backend, all, method, p.n(), spec.nTest(), p.seed(), 0,
                    p.seed(), st == null ? null : new ImageExperiment.Stability(st.images(), st.delta(), st.cutoff()));
            if (o.flow() != null) {
                r.put("status", o.flow().stop().name().toLowerCase(java.util.Locale.ROOT));
                r.put("steps", o.flow().accepted());
                r.put("best_test_error", o.flow().bestTestError());
            } else {
                r.put("status", "ok");
            }
            r.put("test_error", o.testError());
            r.put("train_error", o.trainError());
            if (o.stability() != null) {
                r.put("D_f", Numbers.finiteOrNull(o.stability().deformation()));
                r.put("G_f", Numbers.finiteOrNull(o.stability().noise()));
                r.put("R_f", Numbers.finiteOrNull(o.stability().relative()));
            }
        } catch (NotPositiveDefiniteException e) {
            r.put("status", "singular");
            r.put("test_error", null);
            r.put("error", e.getMessage());
        }
        r.put("seconds", (System.nanoTime() - start) * 1e-9);
        finish(List.of(p), List.of(r));
    }

    private void finish(List<SweepPoint> points, List<Map<String, Object>> records) {
        store.append(records);
        for (int i = 0; i < points.size(); i++) {
            SweepPoint p = points.get(i);
            doneWork += work(p);
            donePoints++;
            Object mse = records.get(i).get(spec.images() ? "test_error" : "test_mse");
            double elapsed = (System.nanoTime() - t0) * 1e-9;
            double eta = doneWork > 0 ? elapsed * (totalWork - doneWork) / doneWork : Double.NaN;
            Object warning = records.get(i).get("warning");
            log.accept(String.format("  [%d/%d] %s: %s %s (%s elapsed, ETA %s)%s", donePoints, totalPoints, p,
                    spec.images() ? "test_error" : "test_mse",
                    mse == null ? records.get(i).get("status") : String.format("%.4e", (Double) mse), duration(elapsed),
                    duration(eta), warning == null ? "" : " WARNING " + warning));
        }
    }

    private Map<String, Object> base(SweepPoint p, MethodSpec m) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("key", p.key());
        r.put("method", m.label());
        r.put("kind", m.kind());
        if (p.dataset() != null) {
            r.put("dataset", p.dataset());
        } else {
            r.put("d", p.d());
        }
        r.put("n", p.n());
        r.put("seed", p.seed());
        r.put("n_test", spec.nTest());
        return r;
    }

    /** The dataset of a point: the (d, seed) dataset at the sweep's largest n, cut to the first n points. */
    private Dataset dataset(SweepPoint p) {
        Dataset full = datasets.computeIfAbsent(p.d() + "/" + p.seed(), k -> Datasets.generate(
                new DataSpec(spec.points(), p.d(), spec.maxN(), spec.nTest(), spec.target(), p.seed()), backend));
        Matrix x = full.xTrain().rowRange(0, p.n());
        return new Dataset(x, Arrays.copyOf(full.yTrain(), p.n()), full.xTest(), full.yTest());
    }

    /**
     * Estimated seconds on 2 CPU cores, for the ETA (only ratios matter): about 1.3 ns per neuron, point
     * and step for nets at d = 3; a Cholesky, Gram entries and a fixed overhead for kernels.
     */
    private double work(SweepPoint p) {
        MethodSpec m = spec.methods().get(p.method());
        if (m instanceof MethodSpec.ImageNet net) {  // a few thousand flow steps of 3 GEMMs
            return 2000 * 3 * 2.0 * p.n() * net.h() * 800 / 50e9;
        }
        if (m instanceof MethodSpec.Net net) {
            return 1.3e-9 * net.maxSteps() * net.h() * Math.max(p.n(), 8) * (p.d() + 3) / 6.0;
        }
        return (Math.pow(p.n(), 3) / 3 + 30.0 * p.n() * (p.n() + spec.nTest())) / 50e9 + 0.03;
    }


    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
