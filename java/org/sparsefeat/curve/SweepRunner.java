package org.sparsefeat.curve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.classify.FlowCheckpointFile;
import org.sparsefeat.classify.FlowSnapshots;
import org.sparsefeat.classify.ImageExperiment;
import org.sparsefeat.images.DatasetStore;
import org.sparsefeat.images.ImageSet;
import org.sparsefeat.images.Preprocess;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.krr.KrrResources;
import org.sparsefeat.krr.KrrRun;
import org.sparsefeat.linalg.tiled.LoggingMonitor;
import org.sparsefeat.linalg.tiled.Monitor;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.TwoLayerNet;
import org.sparsefeat.train.Snapshots;
import org.sparsefeat.train.RunRecord;
import org.sparsefeat.train.Trainer;
import org.sparsefeat.util.Durations;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.Numbers;
import org.sparsefeat.util.PhaseTimer;

/**
 * Runs the points of a sweep that are not in its results file yet, writing each as it finishes. Datasets
 * are made once per (d, seed) at the largest n and cut to each n (training sets are nested, the test set is
 * shared), so a width-1e7 teacher is evaluated once per seed, not once per point. Nets of one (method, d)
 * train together in batches; a batch saves its state every few minutes and when asked to stop
 * ({@link BatchCheckpoints}), and a later run resumes it from there.
 */
public final class SweepRunner {
    /** How often a long batch of nets reports its progress. */
    static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;
    /** How often a batch of nets in training saves its state, by default: a kill loses minutes, not hours. */
    public static final int CHECKPOINT_MINUTES = 5;

    private final SweepSpec spec;
    private final ResultStore store;
    private final Backend backend;
    private final Consumer<String> log;
    private final Map<String, Dataset> datasets = new HashMap<>();
    /** The CPU fallbacks met while generating each dataset of {@link #datasets} (a point reusing it met them too). */
    private final Map<String, List<String>> dataFallbacks = new HashMap<>();
    private final Map<String, ImageSet> imageSets = new HashMap<>();
    private final CostModel cost;
    private DatasetStore data = DatasetStore.standard();
    private Duration checkpointEvery = Duration.ofMinutes(CHECKPOINT_MINUTES);
    private BooleanSupplier stop = () -> false;
    private Long krrMemory;
    private java.nio.file.Path krrScratch;
    private boolean calibrateOnStore;
    private boolean calibrated;
    /** Model seconds of the points of this run not finished yet, per kind. */
    private final Map<String, Double> remaining = new HashMap<>();
    private int donePoints;
    private int totalPoints;
    private long t0;
    /** The processes that share the points (the workers of an MPI job): the ETA divides by them. */
    private int processes = 1;
    /** Where a worker rank's finished records go instead of the results file (null: the results file). */
    private Consumer<List<Map<String, Object>>> handOff;
    private BatchCheckpoints checkpoints;
    /** The units of this run's plan by their points' keys (to count a resumed batch's earlier share back). */
    private final Map<String, Unit> unitOf = new HashMap<>();

    /** The sweep stopped at a request (Ctrl-C): batches in training saved their state. */
    public static final class Interrupted extends RuntimeException {
        public static final String MESSAGE = "interrupted; run the same command again to resume";

        Interrupted() { super(MESSAGE); }
    }

    public SweepRunner(SweepSpec spec, ResultStore store, Backend backend, Consumer<String> log) {
        this.spec = spec;
        this.store = store;
        this.backend = backend;
        this.log = log;
        this.cost = new CostModel(spec, backend);
    }

    /** Where an image sweep finds its data sets (default: DatasetStore.standard()). */
    public SweepRunner withData(DatasetStore store) {
        this.data = store;
        return this;
    }

    /** How often a batch of nets saves its state while it trains (default 5 minutes; zero: after every call). */
    public SweepRunner checkpointEvery(Duration every) {
        if (every.isNegative()) {
            throw new InvalidInputException("{checkpoint_every} must be >= 0, got " + every);
        }
        this.checkpointEvery = every;
        return this;
    }

    /**
     * The memory budget (null: the default) and scratch directory (null: the system's temporary one, when needed) of
     * the KRR points' memory plans ({@link org.sparsefeat.krr.MemoryPlan}).
     */
    public SweepRunner krrMemory(Long memory, java.nio.file.Path scratch) {
        this.krrMemory = memory;
        this.krrScratch = scratch;
        return this;
    }

    /** Asked between points and between two backend calls of a batch: true stops the sweep ({@link Interrupted}). */
    public SweepRunner stopWhen(BooleanSupplier stop) {
        this.stop = stop;
        return this;
    }

    /**
     * Calibrates the time estimates on the seconds of the points already in the results file too (when they ran
     * on this machine and backend).
     */
    public SweepRunner calibrateOnFinished(boolean yes) {
        this.calibrateOnStore = yes;
        return this;
    }

    /** How many processes run the points together (the ETA is the model's seconds divided by them). */
    public SweepRunner sharedBy(int processes) {
        this.processes = Math.max(1, processes);
        return this;
    }

    /**
     * A worker rank of an MPI job: each unit's finished records go to {@code out} (to rank 0, which stores them and
     * reports the progress) instead of the results file, and no progress lines of points.
     */
    public SweepRunner handOff(Consumer<List<Map<String, Object>>> out) {
        this.handOff = out;
        return this;
    }

    /** The grid points this shard owns that are not finished yet. */
    public List<SweepPoint> pending(Shard shard) {
        Map<String, JsonNode> done = store.load();
        return spec.grid().stream().filter(p -> shard.owns(p) && !done.containsKey(p.key())).toList();
    }

    /**
     * The finished points in the results file that belong to other shards: kept, and not run here. A directory that
     * several shards wrote in turn holds them, and so does one sharded by an earlier build, which dealt points by
     * their place in the grid (a place an extended spec shifts): there, each shard runs its own points that are
     * missing from its directory, even those that another shard's directory holds.
     */
    public long othersFinished(Shard shard) {
        Map<String, JsonNode> done = store.load();
        return spec.grid().stream().filter(p -> !shard.owns(p) && done.containsKey(p.key())).count();
    }

    /** Estimated seconds for the pending points of the shard on this backend. */
    public double estimate(Shard shard) {
        calibrate();
        List<Unit> plan = plan(pending(shard), new BatchCheckpoints(store.dir(), checkpointEvery, stop, log));
        return plan.stream().mapToDouble(this::seconds).sum() / processes;
    }

    /** The estimated seconds of what is left of a unit: its model's, at the calibrated rate of its kind. */
    private double seconds(Unit u) { return u.model(cost) * cost.rate(cost.kind(u.points().getFirst()), 0, 0); }

    private Map<String, SweepPoint> byKey() {
        Map<String, SweepPoint> byKey = new HashMap<>();
        spec.grid().forEach(p -> byKey.put(p.key(), p));
        return byKey;
    }

    /**
     * The model's seconds for the pending points of the shard on a GPU, uncalibrated: beside a CPU estimate, what a
     * GPU would change (nothing timed on a GPU stands behind it yet).
     */
    public double estimateOnGpu(Shard shard) {
        CostModel twin = cost.onGpu();
        return plan(pending(shard), new BatchCheckpoints(store.dir(), checkpointEvery, stop, log)).stream()
                .mapToDouble(u -> u.model(twin)).sum() / processes;
    }

    /** The pending points of the shard the model expects to stop at their wall-clock limit here (image nets). */
    public long atWallClock(Shard shard) { return pending(shard).stream().filter(cost::stopsAtWallClock).count(); }

    /** Whether {@link #estimate} rests on timed points of every kind it has to run (not on the model alone). */
    public boolean estimateCalibrated(Shard shard) {
        calibrate();
        return pending(shard).stream().allMatch(p -> cost.calibrated(cost.kind(p)));
    }

    private void calibrate() {
        if (calibrated || !calibrateOnStore) {
            return;
        }
        calibrated = true;
        Map<String, SweepPoint> byKey = byKey();
        for (JsonNode r : store.load().values()) {
            SweepPoint p = byKey.get(r.path("key").asText());
            if (p != null && r.path("seconds").isNumber()) {
                cost.finished(cost.kind(p), cost.model(p), r.get("seconds").asDouble());
            }
        }
    }

    /**
     * One kernel or image point, or a batch of nets that train together ({@code progress}: the fraction of its
     * work a checkpoint holds, of a batch's steps or, by the model, of an image net's flow).
     */
    private record Unit(MethodSpec method, List<SweepPoint> points, BatchCheckpoints.Batch batch, double progress) {
        /** The model's seconds for what is left of it. */
        double model(CostModel cost) { return (1 - progress) * points.stream().mapToDouble(cost::model).sum(); }
    }

    /** Runs every pending point of the shard; returns how many ran. */
    public int run(Shard shard) {
        List<Unit> plan = begin(shard);
        for (Unit u : plan) {
            if (stop.getAsBoolean()) {
                throw new Interrupted();
            }
            run(u);
        }
        return plan.stream().mapToInt(u -> u.points().size()).sum();
    }

    /**
     * The pending units of the shard as an MPI job's rank 0 deals them (the points of each, by key), the longest by
     * the cost model first; the rank reports their records back with {@link #finished} as they come. Sets up the
     * run as {@link #run} does (its start line, the stale checkpoints removed).
     */
    public List<List<String>> units(Shard shard) {
        // the longest first: a long unit dealt last would keep its rank busy after the others ran out of work
        return begin(shard).stream().sorted(java.util.Comparator.comparingDouble((Unit u) -> -seconds(u)))
                .map(u -> u.points().stream().map(SweepPoint::key).toList()).toList();
    }

    /** A worker rank: runs one unit of {@link #units} (its points by key); the records go to {@link #handOff}. */
    public void runUnit(List<String> keys) {
        Map<String, SweepPoint> byKey = byKey();
        List<SweepPoint> points = keys.stream().map(k -> {
            SweepPoint p = byKey.get(k);
            if (p == null) {
                throw new IllegalStateException("sweep " + spec.name() + " has no point " + k + " (ranks given other specs?)");
            }
            return p;
        }).toList();
        checkpoints = new BatchCheckpoints(store.dir(), checkpointEvery, stop, log);
        remaining.clear();  // a batch's step lines give the ETA of this unit alone: the rest is rank 0's to count
        for (Unit u : plan(points, checkpoints)) {  // one unit, as rank 0 planned it (same backend batch size)
            remaining.merge(cost.kind(u.points().getFirst()), u.model(cost), Double::sum);
            t0 = System.nanoTime();
            run(u);
        }
    }

    /**
     * Rank 0 of an MPI job: the records of a unit a worker finished, stored and counted as if this process had run
     * them (results file, progress line, ETA; the cost model learns from their seconds).
     */
    public void finished(List<Map<String, Object>> records) {
        Map<String, SweepPoint> byKey = byKey();
        List<SweepPoint> points = records.stream().map(r -> byKey.get((String) r.get("key"))).toList();
        Unit unit = unitOf.get(points.getFirst().key());
        if (unit != null) {  // the plan counted only what a resumed unit's checkpoint had left; finish takes it whole
            remaining.merge(cost.kind(points.getFirst()), unit.progress() * unit.points().stream()
                    .mapToDouble(cost::model).sum(), Double::sum);
        }
        for (int i = 0; i < points.size(); i++) {
            if (records.get(i).get("seconds") instanceof Number s) {
                cost.finished(cost.kind(points.get(i)), cost.model(points.get(i)), s.doubleValue());
            }
        }
        finish(points, records);
    }

    private void run(Unit u) {
        if (spec.images()) {
            runImage(u, checkpoints);
        } else if (u.batch() != null) {
            runNets((MethodSpec.Net) u.method(), u, checkpoints);
        } else if (u.method() instanceof MethodSpec.Sparse s) {
            runSparse(s, u.points().getFirst());
        } else {
            runKrr((MethodSpec.Krr) u.method(), u.points().getFirst());
        }
    }

    /** Sets up a run of the shard's pending points and says so; the plan of their units. */
    private List<Unit> begin(Shard shard) {
        calibrate();
        List<SweepPoint> todo = pending(shard);
        int owned = (int) spec.grid().stream().filter(shard::owns).count();
        totalPoints = owned;  // the count of finished points goes on from what earlier runs finished
        donePoints = owned - todo.size();
        checkpoints = new BatchCheckpoints(store.dir(), checkpointEvery, stop, log);
        List<Unit> plan = plan(todo, checkpoints);
        for (Unit u : plan) {
            u.points().forEach(p -> unitOf.put(p.key(), u));
        }
        for (Unit u : plan) {
            remaining.merge(cost.kind(u.points().getFirst()), u.model(cost), Double::sum);
        }
        java.util.Set<String> resumable = new java.util.HashSet<>();
        for (Unit u : plan) {
            if (u.batch() != null) {
                resumable.add(u.batch().name());
            } else if (u.method() instanceof MethodSpec.ImageNet) {
                resumable.add(BatchCheckpoints.flowFile(u.points().getFirst()));
            }
        }
        checkpoints.removeAllBut(resumable);
        t0 = System.nanoTime();
        log.accept(String.format("sweep %s: %d points in shard %s, %d already done, %d to run; estimate %s on %s%s",
                spec.name(), owned, shard, owned - todo.size(), todo.size(), Durations.format(eta(null, 0, 0)), backend.name(),
                todo.stream().allMatch(p -> cost.calibrated(cost.kind(p))) ? "" : " (a model's, until points finish)"));
        return plan;
    }

    /**
     * The order of work: points grouped by (method, place); nets in batches of the backend's size, except that
     * a batch with a checkpoint whose points are all pending is formed again first, to resume.
     */
    private List<Unit> plan(List<SweepPoint> todo, BatchCheckpoints checkpoints) {
        Map<String, List<SweepPoint>> groups = new LinkedHashMap<>();
        for (SweepPoint p : todo) {
            groups.computeIfAbsent(p.method() + "/" + p.where(), k -> new ArrayList<>()).add(p);
        }
        List<BatchCheckpoints.Saved> saved = checkpoints.saved();
        List<Unit> plan = new ArrayList<>();
        for (List<SweepPoint> group : groups.values()) {
            MethodSpec method = spec.methods().get(group.getFirst().method());
            if (spec.images() || !(method instanceof MethodSpec.Net)) {
                group.forEach(p -> plan.add(new Unit(method, List.of(p), null, flowProgress(method, p, checkpoints))));
                continue;
            }
            Map<String, SweepPoint> left = new LinkedHashMap<>();
            group.forEach(p -> left.put(p.key(), p));
            String base = BatchCheckpoints.Batch.base(spec, method, group.getFirst().where());
            for (BatchCheckpoints.Saved s : saved) {
                if (s.batch().base().equals(base) && left.keySet().containsAll(s.batch().keys())) {
                    List<SweepPoint> points = s.batch().keys().stream().map(left::remove).toList();
                    plan.add(new Unit(method, points, BatchCheckpoints.Batch.of(spec, method, points), s.progress()));
                }
            }
            List<SweepPoint> rest = new ArrayList<>(left.values());
            int size = backend.netBatchSize();
            for (int i = 0; i < rest.size(); i += size) {
                List<SweepPoint> points = rest.subList(i, Math.min(rest.size(), i + size));
                plan.add(new Unit(method, List.copyOf(points), BatchCheckpoints.Batch.of(spec, method, points), 0));
            }
        }
        return plan;
    }

    /** The fraction of an image net's flow that its checkpoint holds, by the model (0 for other points). */
    private double flowProgress(MethodSpec m, SweepPoint p, BatchCheckpoints checkpoints) {
        if (!(m instanceof MethodSpec.ImageNet net)) {
            return 0;
        }
        org.sparsefeat.classify.FlowState s = flowCheckpoint(net, p, org.sparsefeat.images.DatasetStore.dimension(p.dataset()),
                checkpoints).peek();
        double model = cost.model(p);
        return s == null || !(model > 0) ? 0 : 1 - cost.imageNetLeft(p, s.accepted() + s.rejected(), s.seconds()) / model;
    }

    /** The checkpoint file of an image net's flow at p, on images of {@code dimension} pixels. */
    private FlowCheckpointFile flowCheckpoint(MethodSpec.ImageNet net, SweepPoint p, int dimension,
                                              BatchCheckpoints checkpoints) {
        return checkpoints.flow(spec, net, p, net.h() * (dimension + 1), backend.name() + ", " + backend.threads() + " threads");
    }

    /**
     * Seconds left for the points of this run that are not finished. With a batch of nets in flight, this
     * process made {@code modelHere} of its model seconds in {@code secondsHere}, which also calibrates the
     * rate of its kind.
     */
    private double eta(String kindInFlight, double modelHere, double secondsHere) {
        double left = 0;
        for (Map.Entry<String, Double> e : remaining.entrySet()) {
            boolean inFlight = e.getKey().equals(kindInFlight);
            double rate = inFlight ? cost.rate(e.getKey(), modelHere, secondsHere) : cost.rate(e.getKey(), 0, 0);
            left += rate * Math.max(0, e.getValue() - (inFlight ? modelHere : 0));
        }
        return left / processes;
    }

    /** From this n on, a KRR point's memory plan goes to the log (smaller ones are in core and instant). */
    static final int LOGGED_PLAN_FROM = 16_384;

    private void runKrr(MethodSpec.Krr m, SweepPoint p) {
        long mark = backend.fallbackMark();
        Dataset ds = dataset(p);
        long start = System.nanoTime();
        Map<String, Object> r = base(p, m);
        try {
            Monitor monitor = new LoggingMonitor("    krr n=" + ds.n(), stop, log, LoggingMonitor.EVERY_NANOS);
            KrrResources resources = new KrrResources(krrMemory, krrScratch, 0, monitor, plan -> {
                if (ds.n() >= LOGGED_PLAN_FROM) {
                    log.accept("  " + plan.line());
                }
            });
            KrrRun.Outcome o;
            try {
                o = KrrRun.run(backend, m.kernel(), m.ridge(), ds, new PhaseTimer(), resources);
            } catch (Monitor.Stopped e) {
                throw new Interrupted();
            }
            r.put("status", Double.isFinite(o.testMse()) ? "ok" : "not_finite");
            r.put("memory_plan", o.plan().mode().label());
            r.put("test_mse", Numbers.finiteOrNull(o.testMse()));
            r.put("train_mse", Numbers.finiteOrNull(o.trainMse()));
        } catch (NotPositiveDefiniteException e) {
            r.put("status", "singular");
            r.put("test_mse", null);
            r.put("train_mse", null);
            r.put("error", e.getMessage());
        }
        finishPoint(p, r, start, mark);
    }

    private void runSparse(MethodSpec.Sparse m, SweepPoint p) {
        long mark = backend.fallbackMark();
        Dataset ds = dataset(p);
        long start = System.nanoTime();
        Map<String, Object> r = base(p, m);
        String missing = m.solver().missing();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        org.sparsefeat.sparse.MinL1Interpolant.Options d = org.sparsefeat.sparse.MinL1Interpolant.Options.defaults(ds.n(),
                p.seed(), m.bias());
        org.sparsefeat.sparse.MinL1Interpolant.Result s;
        try {
            s = org.sparsefeat.sparse.MinL1Interpolant.solve(ds.xTrain(), ds.yTrain(),
                    new org.sparsefeat.sparse.MinL1Interpolant.Options(m.tolerance(), d.maxIterations(), d.grid(), d.seed(),
                            m.bias(), m.solver()), new org.sparsefeat.sparse.MinL1Interpolant.Progress() {
                        @Override
                        public void iteration(int it, int max, double objective, double violation, int columns) {}

                        @Override
                        public boolean stop() { return stop.getAsBoolean(); }
                    });
        } catch (org.sparsefeat.sparse.MinL1Interpolant.Stopped e) {
            throw new Interrupted();
        }
        double test = s.mse(ds.xTest(), ds.yTest()), train = s.mse(ds.xTrain(), ds.yTrain());
        r.put("status", !Double.isFinite(test) ? "not_finite" : s.converged() ? "ok" : "not_converged");
        r.put("test_mse", Numbers.finiteOrNull(test));
        r.put("train_mse", Numbers.finiteOrNull(train));
        r.put("atoms", s.atoms());
        r.put("objective", s.objective());
        r.put("duality_gap", s.relativeGap());
        r.put("residual", s.residual());
        r.put("iterations", s.iterations());
        r.put("lp", m.solver().label());
        finishPoint(p, r, start, mark);
    }

    /**
     * What of a point's work the backend handed to the CPU: while generating its dataset, and since {@code mark}
     * (for a batch of nets, what the batch met).
     */
    private List<String> fallbacks(SweepPoint p, long mark) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        if (p.dataset() == null) {
            all.addAll(dataFallbacks.getOrDefault(dataKey(p), List.of()));
        }
        all.addAll(backend.cpuFallbacksSince(mark));
        return List.copyOf(all);
    }

    private void runNets(MethodSpec.Net m, Unit unit, BatchCheckpoints checkpoints) {
        List<SweepPoint> points = unit.points();
        BatchCheckpoints.Batch batch = unit.batch();
        long mark = backend.fallbackMark();
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
        double batchModel = points.stream().mapToDouble(cost::model).sum();
        List<Trainer.Result> results;
        try {
            results = Trainer.train(backend, jobs, new Trainer.Options(m.maxSteps(), m.saveFreq(), false,
                    org.sparsefeat.analysis.Atoms.DEFAULT_EPSILON),
                    (done, total, train, test) -> {
                        long now = System.nanoTime();
                        double fraction = done / (double) total;
                        if (now - lastReport[0] < PROGRESS_EVERY_NANOS || done >= total) {
                            return;
                        }
                        lastReport[0] = now;
                        // a resumed batch started at its checkpoint's progress: this process's share calibrates
                        double here = (fraction - unit.progress()) * batchModel;
                        double eta = here > 0 ? eta("net", here, (now - start) * 1e-9) : Double.NaN;
                        log.accept(String.format("    step %d of %d per net (%.0f%%), worst train half MSE %.3e, ETA %s",
                                done / jobs.size(), total / jobs.size(), 100 * fraction, train, Durations.format(eta)));
                    }, checkpoints.of(batch, jobs.stream().map(j -> j.init().scale()).toList(), m.maxSteps()));
        } catch (Snapshots.Stopped e) {
            log.accept("  stopped; the batch's state is in " + checkpoints.file(batch));
            throw new Interrupted();
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        cost.finished("net", unit.model(cost), seconds);  // a resumed batch made only the rest of its steps here
        // the plan counted only what its checkpoint had left; finish takes off the whole batch
        remaining.merge("net", unit.progress() * batchModel, Double::sum);
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Trainer.Result res = results.get(i);
            Map<String, Object> r = base(points.get(i), m);
            RunRecord.putOutcome(r, res);
            r.put("atoms_exact", res.atoms().exact());
            r.put("atoms_thresholded", res.atoms().thresholded());
            r.put("atom_epsilon", res.atoms().epsilon());
            r.put("seconds", res.seconds() / points.size());
            r.put("cpu_fallbacks", fallbacks(points.get(i), mark));
            r.put("dynamics", RunRecord.dynamics(res));
            records.add(r);
        }
        finish(points, records);
        checkpoints.finished(batch);
    }

    /**
     * One point of an image sweep (docs/method.md, 'Image experiments'): the pooled, center-normalised set, the test
     * set of seed 0, the training set of the point's seed (which also initialises a net), parity labels.
     */
    /** One image point; a net's flow saves its state in {@code checkpoints} and resumes from there. */
    private void runImage(Unit u, BatchCheckpoints checkpoints) {
        MethodSpec m = u.method();
        SweepPoint p = u.points().getFirst();
        ImageSet all = imageSets.computeIfAbsent(p.dataset(), ds -> Preprocess.centerNormalize(data.load(ds)));
        ImageExperiment.Method method = switch (m) {
            case MethodSpec.Krr k -> new ImageExperiment.Method.KernelRegression(k.kernel(), k.ridge());
            case MethodSpec.Svm sv -> new ImageExperiment.Method.SupportVectors(sv.kernel(), sv.c());
            case MethodSpec.ImageNet net -> net.options().method();
            case MethodSpec.Net net -> throw new IllegalStateException("not an image method: " + m.label());
            case MethodSpec.Sparse s -> throw new IllegalStateException("not an image method: " + m.label());
        };
        SweepSpec.StabilitySpec st = spec.stability();
        long mark = backend.fallbackMark();
        long start = System.nanoTime();
        Map<String, Object> r = base(p, m);
        FlowCheckpointFile saves = m instanceof MethodSpec.ImageNet net ? flowCheckpoint(net, p, all.dimension(), checkpoints)
                : null;
        try {
            ImageExperiment.Outcome o = ImageExperiment.run(backend, all, method, p.n(), spec.nTest(), p.seed(), 0,
                    p.seed(), st == null ? null : new ImageExperiment.Stability(st.images(), st.delta(), st.cutoff()),
                    null, saves);
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
        } catch (FlowSnapshots.Stopped e) {
            throw new Interrupted();
        }
        // a resumed flow's point took the seconds of its earlier runs too: the record and the cost model count them
        remaining.merge(cost.kind(p), u.progress() * cost.model(p), Double::sum);  // the plan counted only what was left
        finishPoint(p, r, start - (saves == null ? 0 : Math.round(saves.loadedSeconds() * 1e9)), mark);
        if (saves != null) {
            saves.delete();
        }
    }

    /** A point run on its own: its time and CPU fallbacks into its record, the cost model told, the record stored. */
    private void finishPoint(SweepPoint p, Map<String, Object> r, long start, long mark) {
        double seconds = (System.nanoTime() - start) * 1e-9;
        r.put("seconds", seconds);
        r.put("cpu_fallbacks", fallbacks(p, mark));
        cost.finished(cost.kind(p), cost.model(p), seconds);
        finish(List.of(p), List.of(r));
    }

    private void finish(List<SweepPoint> points, List<Map<String, Object>> records) {
        if (handOff != null) {
            handOff.accept(records);
            return;
        }
        store.append(records);
        for (SweepPoint p : points) {  // all of them first: the ETA below must not count them as left
            remaining.merge(cost.kind(p), -cost.model(p), Double::sum);
        }
        double elapsed = (System.nanoTime() - t0) * 1e-9;
        double eta = eta(null, 0, 0);
        for (int i = 0; i < points.size(); i++) {
            SweepPoint p = points.get(i);
            donePoints++;
            Object mse = records.get(i).get(spec.images() ? "test_error" : "test_mse");
            Object warning = records.get(i).get("warning");
            log.accept(String.format("  [%d/%d] %s: %s %s (%s elapsed, ETA %s)%s", donePoints, totalPoints, p,
                    spec.images() ? "test_error" : "test_mse",
                    mse == null ? records.get(i).get("status") : String.format("%.4e", (Double) mse), Durations.format(elapsed),
                    Durations.format(eta), warning == null ? "" : " WARNING " + warning));
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
        String key = dataKey(p);
        Dataset full = datasets.get(key);
        if (full == null) {
            long mark = backend.fallbackMark();
            full = Datasets.generate(new DataSpec(spec.points(), p.d(), spec.maxN(), spec.nTest(), spec.target(), p.seed()),
                    backend);
            datasets.put(key, full);
            dataFallbacks.put(key, backend.cpuFallbacksSince(mark));
        }
        Matrix x = full.xTrain().rowRange(0, p.n());
        return new Dataset(x, Arrays.copyOf(full.yTrain(), p.n()), full.xTest(), full.yTest());
    }

    private static String dataKey(SweepPoint p) { return p.d() + "/" + p.seed(); }
}
