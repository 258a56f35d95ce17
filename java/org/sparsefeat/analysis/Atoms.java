package org.sparsefeat.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.TwoLayerNet;

/**
 * Atoms of a trained net (docs/method.md, 'Atoms'): neurons whose sign pattern sign(X w1_h + b_h) on the training set
 * is the same compute the same function there, so each distinct pattern among the kept neurons is one atom.
 */
public final class Atoms {
    /** The relative threshold of the robust count in sweeps (docs/method.md, 'Atoms', suggests 1e-3), and train's default. */
    public static final double DEFAULT_EPSILON = 1e-3;

    /**
     * @param exact       N_A counting neurons with w2_h != 0 exactly (the reference's rule)
     * @param thresholded N_A counting neurons with |w2_h| |w1_h| > epsilon max_h |w2_h| |w1_h| (robust after GD,
     *                    whose L1 subgradients rarely give exact zeros)
     * @param epsilon     the relative threshold
     * @param norms       the atom norms |sum_{h in atom} |w1_h| w2_h| of the exact count, in order of discovery
     */
    public record Count(int exact, int thresholded, double epsilon, double[] norms) {}

    private Atoms() {}

    /**
     * @param alpha             the alpha of the predictor alpha f: weights are scaled by sqrt(alpha) first, as the
     *                          reference does for alpha-trick runs (only the norms change)
     * @param referenceIndexing reproduce the reference's bug (docs/method.md, 'Reference quirks'): norms read from the
     *                          unfiltered neuron list with indices of the filtered one
     */
    public static Count count(Matrix x, TwoLayerNet net, double alpha, double epsilon, boolean referenceIndexing) {
        if (x.cols() != net.d()) {
            throw new IllegalArgumentException("points have d = " + x.cols() + " but the net has d = " + net.d());
        }
        int h = net.h();
        double root = Math.sqrt(alpha);
        double[] strength = new double[h];
        double[] rowNorm = net.w1().rowNorms();
        double max = 0;
        for (int j = 0; j < h; j++) {
            strength[j] = Math.abs(net.w2()[j]) * rowNorm[j] * alpha;
            max = Math.max(max, strength[j]);
        }
        List<Integer> kept = new ArrayList<>();
        List<Integer> strong = new ArrayList<>();
        for (int j = 0; j < h; j++) {
            if (net.w2()[j] != 0) {
                kept.add(j);
            }
            if (strength[j] > epsilon * max) {
                strong.add(j);
            }
        }
        int[] positionInKept = new int[h];
        for (int p = 0; p < kept.size(); p++) {
            positionInKept[kept.get(p)] = p;
        }
        Map<Pattern, List<Integer>> groups = group(x, net, kept);
        double[] norms = new double[groups.size()];
        int a = 0;
        for (List<Integer> members : groups.values()) {
            double s = 0;
            for (int m : members) {
                int j = referenceIndexing ? positionInKept[m] : m;  // the reference indexes the unfiltered arrays
                s += rowNorm[j] * root * net.w2()[j] * root;
            }
            norms[a++] = Math.abs(s);
        }
        return new Count(groups.size(), group(x, net, strong).size(), epsilon, norms);
    }

    private static Map<Pattern, List<Integer>> group(Matrix x, TwoLayerNet net, List<Integer> neurons) {
        int n = x.rows(), d = x.cols();
        double[] xs = x.data(), w1 = net.w1().data();
        Map<Pattern, List<Integer>> groups = new LinkedHashMap<>();
        for (int j : neurons) {
            byte[] sign = new byte[n];
            double bj = net.hasBias() ? net.b()[j] : 0;
            for (int i = 0; i < n; i++) {
                double z = bj;
                for (int k = 0; k < d; k++) {
                    z += xs[i * d + k] * w1[j * d + k];
                }
                sign[i] = (byte) Math.signum(z);
            }
            groups.computeIfAbsent(new Pattern(sign), p -> new ArrayList<>()).add(j);
        }
        return groups;
    }

    private record Pattern(byte[] signs) {
        @Override
        public boolean equals(Object o) { return o instanceof Pattern p && Arrays.equals(signs, p.signs); }

        @Override
        public int hashCode() { return Arrays.hashCode(signs); }
    }
}
