package org.sparsefeat.images;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.sparsefeat.data.Philox;
import org.sparsefeat.util.InvalidInputException;

/**
 * Class-balanced splits as the reference draws them (docs/method.md, 'Image experiments'; the reference's
 * intertwine_labels / intertwine_split): shuffle each class, then take the classes round-robin, so that every prefix is
 * balanced. The test set is drawn first (seed seedTest + nTest), the training set from what remains (seed seedTrain +
 * nTrain); they are disjoint. Shuffles are Fisher-Yates driven by Philox (stream STREAM_IMAGE_SHUFFLE), not torch's randperm.
 */
public final class Splits {

    /** Indices into the pooled set. */
    public record Split(int[] train, int[] test) {}

    private Splits() {}

    public static Split split(int[] classes, int nTrain, int nTest, long seedTrain, long seedTest) {
        if (nTrain < 1 || nTest < 0) {
            throw new InvalidInputException("need {n} >= 1 training and {n_test} >= 0 test images, got " + nTrain + " and "
                    + nTest);
        }
        if ((long) nTrain + nTest > classes.length) {
            throw new InvalidInputException("asked for " + nTrain + " training and " + nTest + " test images, but the"
                    + " data set has " + classes.length);
        }
        int[] all = new int[classes.length];
        Arrays.setAll(all, i -> i);
        int[] testOrder = intertwine(all, classes, seedTest + nTest);
        int[] test = Arrays.copyOf(testOrder, nTest);
        int[] rest = Arrays.copyOfRange(testOrder, nTest, testOrder.length);
        Arrays.sort(rest);  // the remaining points in their original order, then shuffled again
        int[] trainOrder = intertwine(rest, classes, seedTrain + nTrain);
        return new Split(Arrays.copyOf(trainOrder, nTrain), test);
    }

    /** The indices shuffled within each class, then interleaved class by class (classes in ascending order). */
    static int[] intertwine(int[] indices, int[] classes, long seed) {
        TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i : indices) {
            byClass.computeIfAbsent(classes[i], c -> new ArrayList<>()).add(i);
        }
        List<int[]> shuffled = new ArrayList<>();
        for (var e : byClass.entrySet()) {
            int[] v = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            for (int k = v.length - 1; k > 0; k--) {  // Fisher-Yates, item = (class, position)
                int[] r = Philox.draw(seed, Philox.STREAM_IMAGE_SHUFFLE, ((long) e.getKey() << 32) | k, 0);
                int j = (int) Long.remainderUnsigned(Integer.toUnsignedLong(r[0]) << 32 | Integer.toUnsignedLong(r[1]), k + 1);
                int t = v[k];
                v[k] = v[j];
                v[j] = t;
            }
            shuffled.add(v);
        }
        int[] out = new int[indices.length];
        int o = 0;
        for (int round = 0; o < out.length; round++) {
            for (int[] v : shuffled) {
                if (round < v.length) {
                    out[o++] = v[round];
                }
            }
        }
        return out;
    }
}
