package org.sparsefeat.backend;

/**
 * A forward pass of the image experiments' softplus net at n points ({@link Backend#softplusForward}): the outputs
 * f (n), and the activations act(Z) and their slopes act'(Z) (n x h, row-major) that its gradient reads.
 */
public record SoftplusPass(double[] f, double[] activations, double[] slopes) {}
