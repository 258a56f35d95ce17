package org.sparsefeat.distributed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Tasks dealt to the ranks of an MPI job as they ask for them: rank 0 deals and takes each result back, ranks 1 to
 * P-1 work. A rank asks for its next task when it hands its last result over, so a long task holds only its own rank
 * and the others go on with the rest (dealt in the order given: the longest first balances best). Work comes in
 * rounds (one per sweep of a preset); the job starts only once rank 0 has checked everything, and a stop on any rank
 * ends dealing once the tasks in flight are back or stopped.
 */
public final class Dealer {
    private Dealer() {}

    // a worker to rank 0
    static final int READY = 1, STOPPED = 2, FAILED = 3;
    // rank 0 to a worker
    static final int START = 11, TASK = 12, END = 13, QUIT = 14;

    private static final Duration WAIT = Duration.ofMillis(200);

    /** How the ranks reach each other: MPI's point-to-point calls ({@link Messages}), or a test's queues. */
    public interface Mailbox {
        /** A message's sender rank, its type and body. */
        record Message(int from, int type, byte[] body) {}

        int rank();

        int size();

        void send(int to, int type, byte[] body);

        /** The next message from rank {@code from} (-1: any), or null when none came {@code within}. */
        Message receive(int from, Duration within);
    }

    /** How a round ended on rank 0: whether a rank stopped at a request, and the first rank's failure (or null). */
    public record Outcome(boolean stopped, Failure failure) {
        public boolean complete() { return !stopped && failure == null; }
    }

    /**
     * Why a rank left its task: a stop it was asked for, or a failure with its exit code and one-line message.
     * {@code rank} is the failing rank's, as rank 0 learns it.
     */
    public record Failure(int rank, boolean stop, int code, String message) {
        byte[] bytes() {
            return ((stop ? "stop" : "fail") + "\n" + code + "\n" + message).getBytes(StandardCharsets.UTF_8);
        }

        static Failure of(int rank, byte[] bytes) {
            String[] p = new String(bytes, StandardCharsets.UTF_8).split("\n", 3);
            return new Failure(rank, p[0].equals("stop"), Integer.parseInt(p[1]), p.length > 2 ? p[2] : "");
        }
    }

    // ---- rank 0

    /** Lets the workers go on to their rounds (rank 0, once it has checked everything). */
    public static void start(Mailbox m) { toAll(m, START, new byte[0]); }

    /** Sends the workers home with exit code {@code code}: rank 0 refused the job, or a round ended early. */
    public static void quit(Mailbox m, int code) { toAll(m, QUIT, Integer.toString(code).getBytes(StandardCharsets.UTF_8)); }

    private static void toAll(Mailbox m, int type, byte[] body) {
        for (int r = 1; r < m.size(); r++) {
            m.send(r, type, body);
        }
    }

    /**
     * Deals one round's tasks, in order, to the workers as they ask, giving each result to {@code results} (with the
     * rank that made it) as it comes. Stops dealing when {@code stop} says so or a rank stopped or failed, and returns
     * once every worker is idle. After a complete round the workers go on to the next one, or home after the
     * {@code last}; after another the caller sends them home ({@link #quit}).
     */
    public static Outcome deal(Mailbox m, List<byte[]> tasks, BiConsumer<Integer, byte[]> results, BooleanSupplier stop,
                               boolean last) {
        int workers = m.size() - 1;
        ArrayDeque<byte[]> queue = new ArrayDeque<>(tasks);
        Set<Integer> waiting = new LinkedHashSet<>();  // workers waiting for a word from rank 0
        Set<Integer> busy = new HashSet<>();
        boolean stopped = false;
        Failure failure = null;
        while (true) {
            boolean halt = stopped || failure != null || stop.getAsBoolean();
            if (!halt) {
                for (var it = waiting.iterator(); it.hasNext() && !queue.isEmpty(); ) {
                    int w = it.next();
                    it.remove();
                    busy.add(w);
                    m.send(w, TASK, queue.poll());
                }
            }
            if (busy.isEmpty() && waiting.size() == workers && (halt || queue.isEmpty())) {
                if (!halt && last) {
                    quit(m, 0);
                } else if (!halt) {
                    toAll(m, END, new byte[0]);
                }
                return new Outcome(stopped || stop.getAsBoolean(), failure);
            }
            Mailbox.Message msg = m.receive(-1, WAIT);
            if (msg == null) {
                continue;
            }
            busy.remove(msg.from());
            waiting.add(msg.from());
            switch (msg.type()) {
                case READY -> {
                    if (msg.body().length > 0) {
                        results.accept(msg.from(), msg.body());
                    }
                }
                case STOPPED -> stopped = true;
                case FAILED -> {
                    if (failure == null) {
                        failure = Failure.of(msg.from(), msg.body());
                    }
                }
                default -> throw new IllegalStateException("rank " + msg.from() + " sent message type " + msg.type());
            }
        }
    }

    // ---- ranks 1 to P-1

    /** Waits for rank 0's word to begin: null to go on, or the exit code rank 0 sent the workers home with. */
    public static Integer awaitStart(Mailbox m) {
        Mailbox.Message msg = fromRankZero(m);
        return msg.type() == START ? null : code(msg);
    }

    /**
     * Works one round: asks rank 0 for a task, runs it, hands its result back with the next request, until rank 0
     * ends the round (null: go on to the next) or sends this rank home (its exit code). A task that throws is reported
     * to rank 0 as {@code failure} says (a stop or a failure), and this rank waits to be sent home, then rethrows.
     */
    public static Integer work(Mailbox m, Function<byte[], byte[]> run, Function<RuntimeException, Failure> failure) {
        byte[] result = new byte[0];
        while (true) {
            m.send(0, READY, result);
            Mailbox.Message msg = fromRankZero(m);
            switch (msg.type()) {
                case END -> { return null; }
                case QUIT -> { return code(msg); }
                case TASK -> {
                    try {
                        result = run.apply(msg.body());
                    } catch (RuntimeException e) {
                        Failure f = failure.apply(e);
                        m.send(0, f.stop() ? STOPPED : FAILED, f.bytes());
                        while (fromRankZero(m).type() != QUIT) {
                            // nothing else can come after a stop or failure; wait for the word to go
                        }
                        throw e;
                    }
                }
                default -> throw new IllegalStateException("rank 0 sent message type " + msg.type());
            }
        }
    }

    private static Mailbox.Message fromRankZero(Mailbox m) {
        while (true) {
            Mailbox.Message msg = m.receive(0, WAIT);
            if (msg != null) {
                return msg;
            }
        }
    }

    private static int code(Mailbox.Message msg) { return Integer.parseInt(new String(msg.body(), StandardCharsets.UTF_8)); }
}
