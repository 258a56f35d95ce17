package org.sparsefeat.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of its work a backend handed to the CPU, one line each ("teacher: d = 20 > 16"), in first-seen order and
 * without repeats, so that a result file can say what computed it. Each reason remembers when it was last recorded,
 * so that a sweep can tell which of them a point's work met ({@link #since}).
 */
public final class CpuFallbacks {
    /** Reason -> the count of recordings at its last one; the map keeps first-seen order. */
    private final Map<String, Long> lastSeen = new LinkedHashMap<>();
    private long recorded;

    public synchronized void record(String reason) {
        lastSeen.put(reason, ++recorded);
    }

    /** Every reason recorded so far. */
    public synchronized List<String> all() { return List.copyOf(lastSeen.keySet()); }

    /** A position in the record, for {@link #since}. */
    public synchronized long mark() { return recorded; }

    /** The reasons recorded (again or for the first time) after {@code mark}, in first-seen order. */
    public synchronized List<String> since(long mark) {
        return lastSeen.entrySet().stream().filter(e -> e.getValue() > mark).map(Map.Entry::getKey).toList();
    }
}
