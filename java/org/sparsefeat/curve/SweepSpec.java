package org.sparsefeat.curve;

import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;

/**
 * A learning-curve sweep: every method at every (d, n, seed), on one kind of points and one target.
 *
 * @param fitMin smallest n in the exponent fit (0: the upper decade of the grid, as spec 8.6 advises)
 * @param fitMax largest n in the fit (0: the largest n)
 */
public record SweepSpec(String name, List<MethodSpec> methods, PointDistribution points, List<Integer> d,
                        List<Integer> n, List<Long> seeds, int nTest, Target target, int fitMin, int fitMax) {
    public SweepSpec {
        methods = List.copyOf(methods);
        d = List.copyOf(d);
        n = List.copyOf(n);
        seeds = List.copyOf(seeds);
    }

    /** Every point of the grid, in a fixed order: method, d, n, seed. */
    public List<SweepPoint> grid() {
        List<SweepPoint> all = new ArrayList<>();
        for (int m = 0; m < methods.size(); m++) {
            for (int dd : d) {
                for (int nn : n) {
                    if (!methods.get(m).only().allows(dd, nn)) {
                        continue;
                    }
                    for (long s : seeds) {
                        all.add(new SweepPoint(m, methods.get(m).label(), dd, nn, s));
                    }
                }
            }
        }
        return all;
    }

    public int maxN() { return n.stream().mapToInt(Integer::intValue).max().orElse(0); }
}
