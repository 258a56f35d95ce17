package org.sparsefeat.distributed;

import org.sparsefeat.util.InvalidInputException;

/**
 * ScaLAPACK's process grid, rows x cols processes, and the block size of the block-cyclic layout.
 *
 * @param rows  process rows
 * @param cols  process columns
 * @param block the side of the square blocks dealt round the grid
 */
public record ProcessGrid(int rows, int cols, int block) {
    /** The default block: large enough for dgemm's full speed on one thread, small enough to balance the ranks. */
    public static final int DEFAULT_BLOCK = 256;

    public ProcessGrid {
        if (rows < 1 || cols < 1 || block < 1) {
            throw new IllegalArgumentException("grid " + rows + "x" + cols + ", block " + block);
        }
    }

    /**
     * The grid for {@code ranks} processes: {@code text} ("RxC", which must multiply to ranks) or, null, the most
     * nearly square one with rows <= cols (ScaLAPACK's Cholesky does best near square).
     *
     * @param block the block size, 0 for the default (at most n)
     */
    public static ProcessGrid of(String text, int ranks, int block, int n) {
        if (block < 0) {
            throw new InvalidInputException("{block} must be >= 1 (or 0 for the default), got " + block);
        }
        int b = Math.max(1, Math.min(block > 0 ? block : DEFAULT_BLOCK, n));
        if (text == null) {
            int rows = (int) Math.sqrt(ranks);
            while (ranks % rows != 0) {
                rows--;
            }
            return new ProcessGrid(rows, ranks / rows, b);
        }
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        int rows, cols;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            rows = Integer.parseInt(parts[0].trim());
            cols = Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("{grid} must be ROWSxCOLS, e.g. 2x4, got '" + text + "'");
        }
        if (rows < 1 || cols < 1 || (long) rows * cols != ranks) {
            throw new InvalidInputException("{grid} " + text + " has " + ((long) rows * cols) + " processes but "
                    + ranks + " were started; give ROWSxCOLS with ROWS * COLS = " + ranks);
        }
        return new ProcessGrid(rows, cols, b);
    }

    public int ranks() { return rows * cols; }

    /** As results and messages write it. */
    public String label() { return rows + "x" + cols; }
}
