package org.sparsefeat.net;

import org.sparsefeat.util.InvalidInputException;

/**
 * How one net is trained: the predictor F = alpha f or alpha (f - f0), the loss
 * (1/n) sum (F - y)^2 / (2 alpha) + R(w), and full-batch gradient descent with step lr * h.
 *
 * @param alpha           the alpha-trick's scale (small: feature regime; large with f0 subtracted: lazy)
 * @param minusF0         predict alpha (f - f0), f0 the frozen initial net (required for alpha > 1)
 * @param lr              learning rate; the step is lr * h (mean-field: each neuron moves at O(1) speed)
 * @param reg             the regulariser
 * @param lambda          its strength (0 turns it off)
 * @param schedule        lambda(t)
 * @param schedulePower   the p of pow_law and exp
 * @param sphereW1        keep each row of w1 on the unit sphere (tangent gradient, then renormalisation)
 * @param conic           conic gradient descent (Chizat and Bach): first-layer gradients divided by |w2|,
 *                        w2's multiplied by |w2|; active after step 5, or from the start when w2 does not
 *                        start at zero
 * @param conicFromStart  whether w2 starts away from zero (so the conic rescaling can start at step 0)
 * @param referenceQuirks reproduce the reference's quirks (docs/method.md, 'Reference quirks'): the step-0
 *                        regulariser with lambda = 0.5 and the signed rescaling of conic GD
 * @param lossStop        stop when the training half MSE falls below this (the reference: 1e-30)
 */
public record GdRule(double alpha, boolean minusF0, double lr, Regularizer reg, double lambda, LambdaSchedule schedule,
                     double schedulePower, boolean sphereW1, boolean conic, boolean conicFromStart,
                     boolean referenceQuirks, double lossStop) {
    public GdRule {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new InvalidInputException("{alpha} must be a finite number > 0, got " + alpha);
        }
        if (alpha > 1 && !minusF0) {
            throw new InvalidInputException("{alpha} " + alpha + " > 1 needs {minus_f0} (subtract the initial net),"
                    + " as the reference requires: otherwise the initial output alpha f0 is huge");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new InvalidInputException("{lr} must be a finite number > 0, got " + lr);
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new InvalidInputException("{lambda} must be a finite number >= 0, got " + lambda);
        }
        if (reg == null || schedule == null) {
            throw new IllegalArgumentException("regulariser and lambda schedule are required");
        }
        if (!(schedulePower > 0) || Double.isInfinite(schedulePower)) {
            throw new InvalidInputException("{lambda_power} must be a finite number > 0, got " + schedulePower);
        }
        if (!(lossStop >= 0)) {
            throw new InvalidInputException("{loss_stop} must be >= 0, got " + lossStop);
        }
    }

    /** The paper's feature-regime rule: alpha = 1, L1 on w2 with w1 on the sphere. */
    public static GdRule featureL1(double lr, double lambda) {
        return new GdRule(1, false, lr, Regularizer.L1, lambda, LambdaSchedule.NONE, 1, true, false, false, false, 1e-30);
    }
}
