package org.sparsefeat.data;

import org.sparsefeat.util.InvalidInputException;

/**
 * A generated dataset: n training and nTest test points in dimension d, a target, one seed for points and
 * teacher (as the reference: teacherseed = dataseed).
 */
public record DataSpec(PointDistribution points, int d, int n, int nTest, Target target, long seed) {
    public DataSpec {
        if (points == null) {
            throw new IllegalArgumentException("point distribution is required");
        }
        if (d < 2) {
            throw new InvalidInputException("{d} must be >= 2 (points on S^{d-1}), got " + d);
        }
        if (n < 1) {
            throw new InvalidInputException("{n} must be >= 1, got " + n);
        }
        if (nTest < 0) {
            throw new InvalidInputException("{n_test} must be >= 0, got " + nTest);
        }
        if (target == null) {
            throw new IllegalArgumentException("target is required");
        }
    }
}
