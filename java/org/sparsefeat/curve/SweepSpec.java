package org.sparsefeat.curve;

import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;

/**
 * A learning-curve sweep: every method at every (d, n, seed), on one kind of points and one target; or, for
 * an image sweep, at every (dataset, n, seed).
 *
 * @param datasets   the image data sets of an image sweep (empty for a sphere sweep)
 * @param stability  measure R_f on test images (image sweeps), or null
 * @param fitMin     smallest n in the exponent fit (0: the upper decade of the grid; docs/method.md, 'Learning curves
 *                   and exponent fits')
 * @param fitMax     largest n in the fit (0: the largest n)
 */
public record SweepSpec(String name, List<MethodSpec> methods, PointDistribution points, List<Integer> d,
                        List<Integer> n, List<Long> seeds, int nTest, Target target, List<String> datasets,
                        StabilitySpec stability, int fitMin, int fitMax) {
    public SweepSpec {
        methods = List.copyOf(methods);
        d = List.copyOf(d);
        n = List.copyOf(n);
        seeds = List.copyOf(seeds);
        datasets = List.copyOf(datasets);
    }

    /** R_f on the first {@code images} test images, deformations of typical size delta up to mode cutoff. */
    public record StabilitySpec(int images, double delta, double cutoff) {}

    public boolean images() { return !datasets.isEmpty(); }

    /** The sweep's second axis: the d values, or the datasets. */
    public List<String> places() {
        return images() ? datasets : d.stream().map(v -> "d" + v).toList();
    }

    /** Every point of the grid, in a fixed order: method, d, n, seed. */
    public List<SweepPoint> grid() {
        List<SweepPoint> all = new ArrayList<>();
        for (int m = 0; m < methods.size(); m++) {
            for (String place : places()) {
                int dd = images() ? 0 : Integer.parseInt(place.substring(1));
                for (int nn : n) {
                    if (!methods.get(m).only().allows(images() ? -1 : dd, nn)) {
                        continue;
                    }
                    for (long s : seeds) {
                        all.add(new SweepPoint(m, methods.get(m).label(), dd, images() ? place : null, nn, s));
                    }
                }
            }
        }
        return all;
    }

    public int maxN() { return n.stream().mapToInt(Integer::intValue).max().orElse(0); }
}
