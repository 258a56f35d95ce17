package org.sparsefeat.curve;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.sparsefeat.data.Target;

/**
 * When a new spec only adds grid points to the spec of a sweep directory (more seeds, n, d, data sets or
 * methods), the finished points stay valid: a point's result depends only on its method, its key (d or data
 * set, n, seed) and the sweep's data settings, because point i of a set depends only on (seed, stream, i)
 * (README, "Random numbers"): the training set of n is a prefix of any larger one, the test set and the
 * teacher do not depend on n, and a net's result does not depend on the batch it trains in. The exception is a
 * GRF target, sampled on all points at once: its values change with the largest n.
 */
public final class SpecExtension {
    private SpecExtension() {}

    /** Why {@code next} is not {@code earlier} with points added, or null when it is. */
    public static String whyNot(SweepSpec earlier, SweepSpec next) {
        if (!earlier.name().equals(next.name())) {
            return "its name is '" + earlier.name() + "', not '" + next.name() + "'";
        }
        if (earlier.points() != next.points()) {
            return "its points are " + earlier.points() + ", not " + next.points();
        }
        if (!Objects.equals(earlier.target(), next.target())) {
            return "its target differs";
        }
        if (earlier.nTest() != next.nTest()) {
            return "its n_test is " + earlier.nTest() + ", not " + next.nTest();
        }
        if (!Objects.equals(earlier.stability(), next.stability())) {
            return "its stability settings differ";
        }
        if (earlier.target() instanceof Target.KernelGrf && earlier.maxN() != next.maxN()) {
            return "a GRF target is sampled on all points at once, so a new largest n (" + next.maxN() + " instead of "
                    + earlier.maxN() + ") changes every point";
        }
        for (MethodSpec m : earlier.methods()) {
            MethodSpec same = next.methods().stream().filter(x -> x.label().equals(m.label())).findFirst().orElse(null);
            if (same == null) {
                return "its method '" + m.label() + "' is not in the new spec";
            }
            if (!unrestricted(m).equals(unrestricted(same))) {
                return "its method '" + m.label() + "' has other settings in the new spec";
            }
        }
        Set<String> keys = next.grid().stream().map(SweepPoint::key).collect(Collectors.toSet());
        List<String> dropped = earlier.grid().stream().map(SweepPoint::key).filter(k -> !keys.contains(k)).toList();
        if (!dropped.isEmpty()) {
            return "the new spec drops " + dropped.size() + " of its points (e.g. " + dropped.getFirst() + ")";
        }
        return null;
    }

    /** The method without its restriction to part of the grid (which changes where it runs, not its results). */
    static MethodSpec unrestricted(MethodSpec m) {
        MethodSpec.Restriction all = MethodSpec.Restriction.NONE;
        return switch (m) {
            case MethodSpec.Krr k -> new MethodSpec.Krr(k.label(), k.kernel(), k.ridge(), all);
            case MethodSpec.Svm s -> new MethodSpec.Svm(s.label(), s.kernel(), s.c(), all);
            case MethodSpec.ImageNet n -> new MethodSpec.ImageNet(n.label(), n.regime(), n.options(), all);
            case MethodSpec.Net n -> new MethodSpec.Net(n.label(), n.regime(), n.options(), all);
            case MethodSpec.Sparse s -> new MethodSpec.Sparse(s.label(), s.bias(), s.tolerance(), s.solver(), all);
        };
    }
}
