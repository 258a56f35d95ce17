package org.sparsefeat.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The device check's comparison with its PyTorch peers, made after both ran (benchmarks/gpu/check.sh runs GpuCheck
 * first, so that a hung peer cannot cost our own rows): GpuCheck prints "ours KEY SECONDS" for each operation a peer
 * script times under the same KEY (benchmarks/gpu/*.py print "KEY SECONDS"), and this program appends one row per
 * key to the check's table: both times, the ratio (peer over ours: how many times faster we are) and the goal the
 * device issue set, where it set one.
 * <p>
 * Usage: {@code PeerTable --ours check.log --peers peers.txt --table gpucheck.md}. A key with one side missing gets a
 * row saying which side; no peers at all (the dry run) is one row saying so.
 */
public final class PeerTable {
    /** What a key times, on our side and the peer's, and the speedup the device issue asks for (NaN: none). */
    private record Peer(String prefix, String what, String peer, double goal) {}

    private static final List<Peer> PEERS = List.of(
            new Peer("torch_krr_", "KRR end to end, n = ", "PyTorch Gram + solve", 3),
            new Peer("cusolver_potrf_", "Cholesky n = ", "cuSOLVER dpotrf", 0.8),
            new Peer("torch_gd_step", "GD step, one net", "PyTorch autograd", 10),
            new Peer("torch_flow_trial_", "image net flow trial, n = ", "PyTorch autograd", Double.NaN));

    private PeerTable() {}

    /** GpuCheck's side: our seconds for what the peers time under {@code key}. */
    static void ours(String key, double seconds) {
        System.out.println("ours " + key + " " + seconds);
        System.out.flush();
    }

    public static void main(String[] args) throws IOException {
        Path ours = null, peers = null, table = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--ours" -> ours = Path.of(args[i + 1]);
                case "--peers" -> peers = Path.of(args[i + 1]);
                case "--table" -> table = Path.of(args[i + 1]);
                default -> ours = null;
            }
        }
        if (ours == null || peers == null || table == null || args.length != 6) {
            System.err.println("usage: PeerTable --ours check.log --peers peers.txt --table gpucheck.md");
            System.exit(2);
        }
        Map<String, Double> mine = values(ours, "ours "), theirs = values(peers, "");
        try (PrintStream out = new PrintStream(Files.newOutputStream(table, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
            for (String line : rows(mine, theirs)) {
                out.println(line);
                System.out.println(line);
            }
        }
    }

    /** The rows for our keys and the peers', ours first in the order measured. */
    static List<String> rows(Map<String, Double> mine, Map<String, Double> theirs) {
        Map<String, Peer> keys = new LinkedHashMap<>();
        for (String key : mine.keySet()) {
            peerOf(key).ifPresent(p -> keys.put(key, p));
        }
        for (String key : theirs.keySet()) {
            peerOf(key).ifPresent(p -> keys.putIfAbsent(key, p));
        }
        if (keys.isEmpty()) {
            return List.of("| against the peers | no time on either side (no peers in a dry run) | - | - | |");
        }
        return keys.entrySet().stream().map(e -> row(e.getKey(), e.getValue(), mine.get(e.getKey()),
                theirs.get(e.getKey()))).toList();
    }

    private static String row(String key, Peer p, Double ours, Double peer) {
        String what = p.what() + key.substring(p.prefix().length()) + " against " + p.peer();
        if (ours == null || peer == null) {
            return "| " + what + " | " + (ours == null ? "not timed" : fmt("%.3g s", ours)) + " | "
                    + (peer == null ? "no time in peers.txt" : fmt("%.3g s", peer)) + " | - | |";
        }
        double speedup = peer / ours;
        String verdict = Double.isNaN(p.goal()) ? "" : speedup >= p.goal() ? fmt("goal met (>= %sx)", goal(p))
                : fmt("below goal (%sx)", goal(p));
        return "| " + what + " | " + fmt("%.3g s", ours) + " | " + fmt("%.3g s", peer) + " | "
                + fmt("%.2fx faster", speedup) + " | " + verdict + " |";
    }

    private static java.util.Optional<Peer> peerOf(String key) {
        return PEERS.stream().filter(p -> key.startsWith(p.prefix())).findFirst();
    }

    private static String goal(Peer p) {
        return p.goal() == Math.rint(p.goal()) ? String.valueOf((long) p.goal()) : String.valueOf(p.goal());
    }

    /** Lines "PREFIXkey seconds" of a file (absent: none); prose and malformed lines are skipped. */
    private static Map<String, Double> values(Path file, String prefix) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith(prefix)) {
                continue;
            }
            String[] kv = line.substring(prefix.length()).trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    double v = Double.parseDouble(kv[1]);
                    if (v > 0 && Double.isFinite(v)) {
                        m.put(kv[0], v);
                    }
                } catch (NumberFormatException ignored) {
                    // a line of prose
                }
            }
        }
        return m;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
