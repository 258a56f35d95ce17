package org.sparsefeat.curve;

import org.sparsefeat.util.InvalidInputException;

/** The i-th of N disjoint parts of a sweep (1 <= i <= N): grid points i-1, i-1+N, i-1+2N, ... */
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

    public boolean owns(int gridIndex) { return gridIndex % count == index - 1; }

    @Override
    public String toString() { return index + "/" + count; }
}
