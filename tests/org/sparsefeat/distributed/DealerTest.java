package org.sparsefeat.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparsefeat.util.InvalidInputException;

/**
 * The dealing protocol on threads that stand for ranks, over queues instead of MPI (the real job:
 * SweepMpiProcessTest): every task runs once, a long task holds only its own rank, rounds follow each other, and a
 * rank's failure stops the dealing and sends every rank home.
 */
@Timeout(60)
class DealerTest {
    /** Ranks 0 to size - 1 as queues: a rank receives what the others sent it, in order. */
    private static final class Queues {
        final List<LinkedBlockingQueue<Dealer.Mailbox.Message>> inbox = new ArrayList<>();

        Queues(int size) {
            for (int r = 0; r < size; r++) {
                inbox.add(new LinkedBlockingQueue<>());
            }
        }

        Dealer.Mailbox of(int rank) {
            return new Dealer.Mailbox() {
                @Override
                public int rank() { return rank; }

                @Override
                public int size() { return inbox.size(); }

                @Override
                public void send(int to, int type, byte[] body) {
                    inbox.get(to).add(new Message(rank, type, body));
                }

                @Override
                public Message receive(int from, Duration within) {
                    try {  // only rank 0 sends to a worker: "from 0" and "from any" are the same queue
                        return inbox.get(rank).poll(within.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    private static Dealer.Failure failure(int rank, RuntimeException e) {
        return new Dealer.Failure(rank, false, e instanceof InvalidInputException ? 2 : 1, e.getMessage());
    }

    /** Starts workers 1 to size - 1, each running {@code run} round after round until sent home; their exit codes. */
    private static List<Future<Integer>> workers(ExecutorService pool, Queues q, Function<byte[], byte[]> run) {
        List<Future<Integer>> codes = new ArrayList<>();
        for (int r = 1; r < q.inbox.size(); r++) {
            Dealer.Mailbox m = q.of(r);
            codes.add(pool.submit(() -> {
                Integer code = Dealer.awaitStart(m);
                while (code == null) {
                    code = Dealer.work(m, run, e -> failure(m.rank(), e));
                }
                return code;
            }));
        }
        return codes;
    }

    @Test
    void aLongTaskHoldsOnlyItsRankWhileTheOthersRunTheRestEachOnce() throws Exception {
        Queues q = new Queues(3);
        CountDownLatch restDone = new CountDownLatch(9);
        Map<String, String> ranOn = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            List<Future<Integer>> codes = workers(pool, q, task -> {
                String t = text(task);
                ranOn.merge(t, Thread.currentThread().getName(), (a, b) -> a + "," + b);
                if (t.equals("t0")) {  // the long task: it ends only once the other rank has run all the rest
                    try {
                        assertTrue(restDone.await(30, TimeUnit.SECONDS), "the other rank ran the rest meanwhile");
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    restDone.countDown();
                }
                return bytes("done " + t);
            });
            Dealer.Mailbox zero = q.of(0);
            Dealer.start(zero);
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                tasks.add("t" + i);
            }
            List<String> results = Collections.synchronizedList(new ArrayList<>());
            Dealer.Outcome first = Dealer.deal(zero, tasks.stream().map(DealerTest::bytes).toList(),
                    (rank, body) -> results.add(text(body)), () -> false, false);
            assertTrue(first.complete());
            assertEquals(tasks.stream().map(t -> "done " + t).sorted().toList(), results.stream().sorted().toList());
            assertTrue(ranOn.values().stream().noneMatch(v -> v.contains(",")), "each task once: " + ranOn);
            String longRank = ranOn.get("t0");
            assertTrue(tasks.stream().skip(1).noneMatch(t -> ranOn.get(t).equals(longRank)), ranOn.toString());

            results.clear();  // a second round (a preset's next sweep), the last: the workers go home after it
            Dealer.Outcome second = Dealer.deal(zero, List.of(bytes("t1"), bytes("t2")), (rank, body) -> results.add(
                    text(body)), () -> false, true);
            assertTrue(second.complete());
            assertEquals(List.of("done t1", "done t2"), results.stream().sorted().toList());
            for (Future<Integer> c : codes) {
                assertEquals(0, c.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingRankStopsTheDealingAndRankZeroSendsEveryRankHome() throws Exception {
        Queues q = new Queues(3);
        ExecutorService pool = Executors.newCachedThreadPool();
        // an "ok" task ends only once rank 0 has taken the failure from its mailbox: otherwise the other worker could
        // finish all 50 (each takes microseconds) before rank 0 looks, and the test would measure the scheduler
        java.util.concurrent.CountDownLatch failureSeen = new java.util.concurrent.CountDownLatch(1);
        try {
            List<Future<Integer>> codes = workers(pool, q, task -> {
                if (text(task).equals("bad")) {
                    throw new InvalidInputException("spec.yaml: no such sweep spec file");
                }
                try {
                    failureSeen.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return bytes("done");
            });
            Dealer.Mailbox queues = q.of(0);
            Dealer.Mailbox zero = new Dealer.Mailbox() {
                @Override
                public int rank() { return queues.rank(); }

                @Override
                public int size() { return queues.size(); }

                @Override
                public void send(int to, int type, byte[] body) { queues.send(to, type, body); }

                @Override
                public Message receive(int from, java.time.Duration within) {
                    Message m = queues.receive(from, within);
                    if (m != null && m.type() == Dealer.FAILED) {
                        failureSeen.countDown();
                    }
                    return m;
                }
            };
            Dealer.start(zero);
            List<byte[]> tasks = new ArrayList<>(List.of(bytes("bad")));
            for (int i = 0; i < 50; i++) {
                tasks.add(bytes("ok"));
            }
            List<String> results = Collections.synchronizedList(new ArrayList<>());
            Dealer.Outcome o = Dealer.deal(zero, tasks, (rank, body) -> results.add(text(body)), () -> false, false);
            assertFalse(o.complete());
            assertFalse(o.stopped());
            assertEquals(2, o.failure().code());
            assertEquals("spec.yaml: no such sweep spec file", o.failure().message());
            assertTrue(results.size() < 50, "the dealing stopped: " + results.size());
            Dealer.quit(zero, 2);
            for (Future<Integer> c : codes) {
                try {
                    assertEquals(2, c.get(30, TimeUnit.SECONDS));  // sent home with the failure's code
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof InvalidInputException, e.toString());  // the failed rank rethrows
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStopOnRankZeroDealsNothingMore() throws Exception {
        Queues q = new Queues(2);
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            List<Future<Integer>> codes = workers(pool, q, task -> bytes("done"));
            Dealer.Mailbox zero = q.of(0);
            Dealer.start(zero);
            List<String> results = new ArrayList<>();
            Dealer.Outcome o = Dealer.deal(zero, List.of(bytes("a"), bytes("b")), (rank, body) -> results.add(text(body)),
                    () -> true, false);
            assertTrue(o.stopped());
            assertNull(o.failure());
            assertTrue(results.isEmpty());
            Dealer.quit(zero, 130);
            assertEquals(130, codes.getFirst().get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }
}
