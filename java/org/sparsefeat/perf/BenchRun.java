package org.sparsefeat.perf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.cuda.DeviceCeilings;
import org.sparsefeat.curve.Fits;
import org.sparsefeat.linalg.tiled.Monitor;

/**
 * One benchmark run: the ceilings, then each hot path's ladder on our side and its peer's, row by row. A stop
 * (Ctrl-C) ends the run between two rows (or two repeats); the rows finished so far are the result.
 */
public final class BenchRun {
    /** Told of every finished row: the row, how many rows are done and planned. */
    public interface Listener { void row(Row row, int done, int planned); }

    /** The rows and whether the run was stopped before the end. */
    public record Result(List<Row> rows, boolean stopped) {}

    private final Backend backend;
    private final Suite suite;
    private final boolean peers;
    private final Path work;
    private final BooleanSupplier stop;
    private final Listener listener;
    private final List<Row> rows = new ArrayList<>();
    private int planned;

    /**
     * @param peers run the python3 peers too
     * @param work  a directory for the peers' input files
     */
    public BenchRun(Backend backend, Suite suite, boolean peers, Path work, BooleanSupplier stop, Listener listener) {
        this.backend = backend;
        this.suite = suite;
        this.peers = peers;
        this.work = work;
        this.stop = stop;
        this.listener = listener;
    }

    /** The rows a run of this suite makes with these peers (for the progress line's count). */
    private int planned(boolean device, int absentPeers, int presentPeers) {
        int p = 3 + (device ? Ceilings.DEVICE_ROWS : 0) + absentPeers;
        for (HotPath h : HotPath.all(suite)) {
            p += h.ladder().length * (1 + (h.peer() != null ? presentPeers : 0));
        }
        return p;
    }

    public Result run() {
        try (DeviceCeilings device = DeviceCeilings.of(backend).orElse(null)) {
            List<PythonPeers> present = new ArrayList<>();
            List<Row> absent = new ArrayList<>();
            if (peers) {
                for (PythonPeers.Library library : PythonPeers.Library.of(backend.factorsOnDevice())) {
                    PythonPeers p = new PythonPeers(work, library);
                    String why = p.whyAbsent(stop);
                    if (why == null) {
                        present.add(p);
                    } else {
                        absent.add(Row.absent(Row.ALL_PATHS, library.label, 0, "", why));
                    }
                }
            }
            planned = planned(device != null, absent.size(), present.size());
            absent.forEach(this::add);
            Row gemm = add(Ceilings.gemm(suite, stop));
            add(Ceilings.triad(suite, stop));
            double hostGemm = gemm.rate();
            double deviceGemm = Double.NaN;
            if (device != null) {
                List<Row> own = Ceilings.device(suite, device, stop);
                own.forEach(this::add);
                deviceGemm = own.getFirst().rate();
            }
            for (HotPath path : HotPath.all(suite)) {
                ladder(path, hostGemm, deviceGemm, present);
            }
            Row after = add(Ceilings.gemm(suite, stop).after());
            raiseCeiling(hostGemm, Math.max(hostGemm, after.rate()));
            return new Result(List.copyOf(rows), false);
        } catch (Timing.Stopped | Monitor.Stopped e) {
            return new Result(List.copyOf(rows), true);
        }
    }

    private void ladder(HotPath path, double hostGemm, double deviceGemm, List<PythonPeers> peers) {
        int[] sizes = path.ladder();
        if (sizes.length == 0) {
            return;
        }
        boolean onHost = path.cpuOnly() || !backend.factorsOnDevice();
        double ceiling = onHost ? hostGemm : deviceGemm;
        String impl = "sparsefeat " + (onHost ? "cpu" : backend.name());
        List<Row> ours = new ArrayList<>();
        List<List<Row>> theirs = new ArrayList<>();
        peers.forEach(p -> theirs.add(new ArrayList<>()));
        for (int n : sizes) {
            try (HotPath.Case c = path.opener().open(backend, n)) {
                Timing t = Timing.measure(suite.warmups, suite.repeats, c, stop);
                ours.add(add(new Row(Row.PATH, path.name(), impl, n, path.shape().at(n), path.workModel(),
                        path.work().at(n), "GFLOP/s", t, ceiling, Double.NaN, "")));
                if (path.peer() != null) {
                    for (int i = 0; i < peers.size(); i++) {
                        theirs.get(i).add(add(peers.get(i).run(path, n, c, suite, stop).withCeiling(ceiling)));
                    }
                }
            }
        }
        fit(ours);
        theirs.forEach(this::fit);
    }

    /**
     * The host's GEMM ceiling is the better of its runs before and after the ladders: a ceiling is what the machine
     * can do, and on a shared machine another process may have held it down during one of them. The rows that took
     * the first run's rate as their ceiling take the better one.
     */
    private void raiseCeiling(double first, double best) {
        rows.replaceAll(r -> r.ceiling() == first ? r.withCeiling(best) : r);
    }

    /** The fitted exponent over a finished ladder goes into each of its rows. */
    private void fit(List<Row> ladder) {
        double e = exponent(ladder);
        for (Row r : ladder) {
            int i = rows.indexOf(r);
            rows.set(i, r.withExponent(e));
        }
    }

    /** The least-squares slope of log(min time) on log(n) over the rows that ran (NaN under two). */
    public static double exponent(List<Row> ladder) {
        List<Row> ran = ladder.stream().filter(Row::ran).toList();
        if (ran.size() < 2) {
            return Double.NaN;
        }
        double[] n = ran.stream().mapToDouble(Row::n).toArray();
        double[] t = ran.stream().mapToDouble(Row::min).toArray();
        return Fits.logLogLine(n, t)[0];
    }

    private Row add(Row r) {
        rows.add(r);
        listener.row(r, rows.size(), planned);
        return r;
    }
}
