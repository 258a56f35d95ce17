package org.sparsefeat.train;

import org.sparsefeat.util.InvalidInputException;

/**
 * When the reference saves a state (docs/method.md, 'Stopping and checkpoints'): at int(s^{i/10}) for i = 1..9 and then
 * every s steps (s = saveFreq), at every multiple of maxSteps/50, at the last step, and whenever the training loss
 * falls to the next of L0, L0/sqrt(10), L0/10, ...
 */
public record CheckpointSchedule(long maxSteps, long saveFreq) {
    public CheckpointSchedule {
        if (maxSteps < 1) {
            throw new InvalidInputException("{max_steps} must be >= 1, got " + maxSteps);
        }
        if (saveFreq < 1) {
            throw new InvalidInputException("{save_freq} must be >= 1, got " + saveFreq);
        }
    }

    /** The first step after {@code step} at which a state is saved by time (at most maxSteps). */
    public long nextAfter(long step) {
        long next = maxSteps;
        for (int i = 1; i <= 9; i++) {
            long t = (long) Math.pow(saveFreq, i / 10.0);
            if (t > step) {
                next = Math.min(next, t);
                break;
            }
        }
        next = Math.min(next, (step / saveFreq + 1) * saveFreq);
        long every = maxSteps / 50;
        if (every >= 1) {
            next = Math.min(next, (step / every + 1) * every);
        }
        return Math.max(next, step + 1);
    }

    /** The loss level after the last one at or above {@code loss}: L0 10^{-j/2} for the first j with it < loss. */
    public static double nextLossLevel(double l0, double loss) {
        if (!(l0 > 0)) {
            return Double.NEGATIVE_INFINITY;
        }
        for (int j = 1; j < 2000; j++) {
            double level = l0 * Math.pow(10, -j / 2.0);
            if (level < loss) {
                return level;
            }
        }
        return Double.NEGATIVE_INFINITY;
    }
}
