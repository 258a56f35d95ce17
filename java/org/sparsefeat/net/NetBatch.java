package org.sparsefeat.net;

/**
 * Independent nets trained together, their data and weights held by the backend (on the GPU: on the
 * device) between calls. Net b's results do not depend on which other nets share its batch.
 */
public interface NetBatch extends AutoCloseable {
    int size();

    /**
     * Advances net b by up to {@code steps[b]} steps (0: leave it). A net stops early after a step whose
     * training half MSE is NaN, below its rule's lossStop or at most {@code stopBelow[b]}.
     *
     * @return the steps each net made
     */
    long[] advance(long[] steps, double[] stopBelow);

    /** Steps made so far by net b. */
    long step(int b);

    /** Training half MSE (1/2n) sum (F - y)^2 at net b's current weights. */
    double trainHalfMse(int b);

    /** R(w) of net b at its current step's lambda. */
    double regularizer(int b);

    /** A copy of net b's current weights. */
    TwoLayerNet weights(int b);

    /**
     * Puts every net back where a saved batch was: its weights, its step count (the lambda schedule and
     * conic GD depend on it) and its training half MSE as {@link #trainHalfMse} returned it then. The outputs
     * are recomputed from the weights in the order a step computes them, so the next steps have the same bits
     * as if the batch had never stopped. The nets keep their initial f0.
     */
    void restore(java.util.List<TwoLayerNet> weights, long[] steps, double[] trainHalfMse);

    @Override
    void close();
}
