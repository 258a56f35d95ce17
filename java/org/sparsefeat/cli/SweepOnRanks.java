package org.sparsefeat.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.curve.ResultStore;
import org.sparsefeat.curve.Shard;
import org.sparsefeat.curve.SweepRunner;
import org.sparsefeat.distributed.Dealer;
import org.sparsefeat.distributed.Messages;
import org.sparsefeat.util.InvalidInputException;

/**
 * A sweep on the ranks of an MPI job (README, 'Beyond one machine'). Rank 0 does what a sweep alone does (checks,
 * estimate, lock, DIR/spec.yaml, environment.json, progress) except running points: it deals the units of the plan
 * (a KRR or sparse point, or a batch of nets, the longest first) to ranks 1 to P-1 as each asks for work, and appends
 * the records each hands back to DIR/results.jsonl, so that the file is the one a single process writes, in another
 * order. Rank 0 sleeps between two looks for messages, so it takes next to no CPU. The workers read the same spec
 * and write batch checkpoints to DIR/checkpoints under the same path: a stopped batch resumes from there where every
 * rank shares that file system, and starts over where it does not.
 */
final class SweepOnRanks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Messages ranks;
    private final PrintWriter err;
    private boolean started;

    SweepOnRanks(Messages ranks, PrintWriter err) {
        this.ranks = ranks;
        this.err = err;
    }

    /** The ranks that run points: all but rank 0. */
    int workers() { return ranks.size() - 1; }

    /**
     * Rank 0: deals the runner's pending units of the shard and stores what comes back; {@code last}: the job's last
     * sweep. Returns 0, or the exit code of a stop ({@link SweepCommand#EXIT_INTERRUPTED}: the workers are sent home and
     * MPI finished); a rank's failure is rethrown here as that rank's one line.
     */
    int deal(SweepRunner runner, Shard part, BooleanSupplier stop, boolean last) {
        if (!started) {
            Dealer.start(ranks);
            started = true;
        }
        List<byte[]> tasks = runner.units(part).stream()
                .map(keys -> String.join("\n", keys).getBytes(StandardCharsets.UTF_8)).toList();
        Dealer.Outcome o = Dealer.deal(ranks, tasks, (rank, body) -> runner.finished(records(body)), stop, last);
        if (o.complete()) {
            return 0;
        }
        Dealer.Failure f = o.failure();
        Dealer.quit(ranks, f != null ? f.code() : SweepCommand.EXIT_INTERRUPTED);
        ranks.close();
        if (f == null) {
            return SweepCommand.EXIT_INTERRUPTED;
        }
        String line = "rank " + f.rank() + ": " + f.message();
        throw f.code() == Main.EXIT_USAGE ? new InvalidInputException(line) : new IllegalStateException(line);
    }

    /**
     * Rank 0 failed ({@code e}, which the command goes on to report): before the work, the workers are sent home;
     * during it, the job is ended, as the workers wait for rank 0.
     */
    void failed(Exception e) {
        int code = e instanceof InvalidInputException ? Main.EXIT_USAGE : Main.EXIT_FAILURE;
        if (!started) {
            Dealer.quit(ranks, code);
        } else if (!ranks.closed()) {
            err.println("sweep: rank 0 failed: " + e.getMessage());
            err.flush();
            ranks.abort(code);
        }
    }

    /**
     * Ranks 1 to P-1: once rank 0 says to begin, runs the units it deals, sweep after sweep of the command, handing
     * each unit's records back, until rank 0 sends this rank home. Silent but for its own progress lines within a unit
     * (prefixed by its rank): rank 0 reports points and failures. Returns the exit code.
     */
    static int work(SweepCommand c, Messages m) {
        PrintWriter err = c.spec.commandLine().getErr();
        int rank = m.rank();
        StopOnSignal signal = StopOnSignal.install(err, () -> "rank " + rank + ": stopped");
        signal.working(true);
        Worker w = new Worker(c, rank, err, signal);
        try {
            Integer code = Dealer.awaitStart(m);
            for (int job = 0; code == null; job++) {
                int j = job;
                code = Dealer.work(m, task -> w.run(j, task), e -> failure(rank, e));
            }
            return code;
        } catch (SweepRunner.Interrupted e) {
            return SweepCommand.EXIT_INTERRUPTED;
        } catch (InvalidInputException e) {
            return Main.EXIT_USAGE;  // rank 0 says it
        } catch (RuntimeException e) {
            e.printStackTrace(err);  // an engine bug: rank 0 names it, the trace is here
            return Main.EXIT_FAILURE;
        } finally {
            w.close();
            m.close();
            signal.working(false);  // only now: a signal's hook lets the JVM exit once MPI is finished
            signal.close();
        }
    }

    private static Dealer.Failure failure(int rank, RuntimeException e) {
        if (e instanceof SweepRunner.Interrupted) {
            return new Dealer.Failure(rank, true, SweepCommand.EXIT_INTERRUPTED, e.getMessage());
        }
        if (e instanceof InvalidInputException) {
            return new Dealer.Failure(rank, false, Main.EXIT_USAGE, e.getMessage());
        }
        return new Dealer.Failure(rank, false, Main.EXIT_FAILURE, e.toString());
    }

    /** A worker's sweeps, backend and runners, made when its first unit comes (a failure then goes to rank 0). */
    private static final class Worker implements AutoCloseable {
        private final SweepCommand c;
        private final int rank;
        private final PrintWriter err;
        private final StopOnSignal signal;
        private List<SweepCommand.Job> jobs;
        private Backend backend;
        private final Map<Integer, SweepRunner> runners = new LinkedHashMap<>();
        private final List<Map<String, Object>> records = new ArrayList<>();

        Worker(SweepCommand c, int rank, PrintWriter err, StopOnSignal signal) {
            this.c = c;
            this.rank = rank;
            this.err = err;
            this.signal = signal;
        }

        byte[] run(int job, byte[] task) {
            if (jobs == null) {
                try {
                    jobs = c.jobs();
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
                backend = c.backendOptions.openOnLocalRank(System.getenv());
            }
            SweepRunner runner = runners.computeIfAbsent(job, this::runner);
            records.clear();
            runner.runUnit(List.of(new String(task, StandardCharsets.UTF_8).split("\n")));
            StringBuilder b = new StringBuilder();
            try {
                for (Map<String, Object> r : records) {
                    b.append(JSON.writeValueAsString(r)).append('\n');
                }
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }

        private SweepRunner runner(int job) {
            SweepCommand.Job j = jobs.get(job);
            Long budget = c.memory == null ? null : org.sparsefeat.util.MachineMemory.budget(c.memory, "--memory");
            return new SweepRunner(j.spec(), new ResultStore(j.dir()), backend, line -> {
                err.println("rank " + rank + ": " + line);
                err.flush();
            }).withData(c.data.store()).checkpointEvery(Duration.ofMillis(Math.round(c.checkpointMinutes * 60_000)))
                    .stopWhen(signal::requested).krrMemory(budget, c.scratch).handOff(records::addAll);
        }

        @Override
        public void close() {
            if (backend != null) {
                backend.close();
            }
        }
    }

    /** The records of a unit as a worker sent them (JSON lines): the same values, the same bits of every number. */
    static List<Map<String, Object>> records(byte[] body) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {}));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("a worker sent a record that is not JSON: " + line, e);
                }
            }
        }
        return out;
    }
}
