package org.sparsefeat.curve;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.sparsefeat.util.InvalidInputException;

/**
 * The i-th of N disjoint parts of a sweep (1 <= i <= N). A point's part follows from its key alone, never from its
 * place in the grid: a spec extended by seeds, n, d, data sets or methods leaves every earlier point in its part, so
 * each part reuses exactly its own finished points. The seeds of one (method, d or data set, n) go to the parts in
 * turn, from a part fixed by a hash of that triple, so that consecutive seeds share each n's work out evenly.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new InvalidInputException("{shard} must be i/N with 1 <= i <= N, got " + index + "/" + count);
        }
    }

    public static Shard parse(String s) {
        String[] parts = s.trim().split("/");
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidInputException("{shard} '" + s + "' is not i/N (e.g. 2/8, with 1 <= i <= N)");
    }

    public boolean owns(SweepPoint p) { return part(p) == index - 1; }

    /** The 0-based part of N a point belongs to. */
    int part(SweepPoint p) {
        CRC32 crc = new CRC32();  // fixed by its standard, unlike hashCode: the same parts on every JVM and version
        crc.update((p.label() + "/" + p.where() + "/n" + p.n()).getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(crc.getValue() + Math.floorMod(p.seed(), count), count);
    }

    @Override
    public String toString() { return index + "/" + count; }
}
