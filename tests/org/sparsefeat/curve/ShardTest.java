package org.sparsefeat.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardTest {
    static final String SPEC = """
            name: parts
            methods:
              - {kind: krr, kernel: ntk, ridge: 0}
              - {kind: net, regime: feature, h: 100, lambda: 1.0e-4, max_steps: 300, save_freq: 100}
            d: [3, 5]
            n: [8, 16, 32]
            seeds: [0, 1, 2, 3, 4, 5, 6, 7]
            n_test: 50
            target: {kind: teacher, act: abs, power: 1, width: 2000}
            """;

    private static int shardOf(SweepPoint p, int count) {
        int owner = 0;
        for (int i = 1; i <= count; i++) {
            if (new Shard(i, count).owns(p)) {
                assertEquals(0, owner, p + " is in two shards");
                owner = i;
            }
        }
        assertTrue(owner > 0, p + " is in no shard");
        return owner;
    }

    @Test
    void extendingTheGridLeavesEveryPointInItsShard() {
        SweepSpec spec = SpecParser.parse(SPEC, "parts.yaml");
        // a method before the others, a seed, an n and a d: every earlier point shifts in the grid's order
        SweepSpec extended = SpecParser.parse(SPEC.replace("methods:\n", "methods:\n  - {kind: krr, kernel: rfk1, ridge: 0}\n")
                .replace("seeds: [0, ", "seeds: [9, 0, ").replace("n: [8, ", "n: [4, 8, ").replace("d: [3, ", "d: [2, 3, "),
                "extended.yaml");
        for (int count : new int[] {2, 3, 8}) {
            Map<String, Integer> before = new HashMap<>();
            spec.grid().forEach(p -> before.put(p.key(), shardOf(p, count)));
            int kept = 0;
            for (SweepPoint p : extended.grid()) {
                Integer was = before.get(p.key());
                if (was != null) {
                    assertEquals((int) was, shardOf(p, count), p + " moved to another of " + count + " shards");
                    kept++;
                }
            }
            assertEquals(spec.grid().size(), kept);
        }
    }

    @Test
    void theSeedsOfOneMethodDAndNAreSharedOutEvenly() {
        SweepSpec spec = SpecParser.parse(SPEC, "parts.yaml");
        for (int count : new int[] {2, 4, 8}) {
            Map<String, int[]> perGroup = new HashMap<>();
            for (SweepPoint p : spec.grid()) {
                perGroup.computeIfAbsent(p.label() + "/" + p.where() + "/" + p.n(), k -> new int[count])[shardOf(p, count) - 1]++;
            }
            for (int[] shares : perGroup.values()) {
                for (int s : shares) {
                    assertEquals(8 / count, s, "8 seeds over " + count + " shards: " + java.util.Arrays.toString(shares));
                }
            }
        }
    }
}
