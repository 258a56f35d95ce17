package org.sparsefeat.curve;

import java.util.Locale;
import org.sparsefeat.classify.ImageNetOptions;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.Scale;
import org.sparsefeat.train.NetOptions;

/** One learner of a sweep: kernel ridge regression, or a two-layer net trained by gradient descent. */
public sealed interface MethodSpec {
    /** Short name for tables, plots and result keys, e.g. "krr-ntk" or "net-feature-h1000". */
    String label();

    /** "krr" or "net". */
    String kind();

    /** The dimensions and sizes this method runs at, when narrower than the sweep's grid. */
    Restriction only();

    /** Empty lists mean "the sweep's whole grid". */
    record Restriction(java.util.List<Integer> d, java.util.List<Integer> n) {
        public static final Restriction NONE = new Restriction(java.util.List.of(), java.util.List.of());

        public Restriction {
            d = java.util.List.copyOf(d);
            n = java.util.List.copyOf(n);
        }

        /** dd < 0: an image sweep, where d does not apply. */
        public boolean allows(int dd, int nn) {
            return (d.isEmpty() || dd < 0 || d.contains(dd)) && (n.isEmpty() || n.contains(nn));
        }
    }

    /**
     * @param label  its name (derived from the kernel when not given)
     */
    record Krr(String label, Kernel kernel, double ridge, Restriction only) implements MethodSpec {
        @Override
        public String kind() { return "krr"; }
    }

    /** A C-SVM on a precomputed Gram (image sweeps); C = 1e20 is the hard margin. */
    record Svm(String label, Kernel kernel, double c, Restriction only) implements MethodSpec {
        @Override
        public String kind() { return "svm"; }
    }

    /**
     * The image experiments' softplus net trained by gradient flow (docs/method.md, 'Image experiments'): feature =
     * alpha 1e-6, lazy = alpha 1e4, f0 subtracted in both.
     */
    record ImageNet(String label, String regime, ImageNetOptions options, Restriction only) implements MethodSpec {
        @Override
        public String kind() { return "net"; }

        public int h() { return options.h(); }

        public double alpha() { return options.alpha(); }
    }

    /**
     * The feature regime's lambda -> 0+ limit, the minimum-L1 interpolant (sparsefeat sparse; docs/method.md,
     * 'The sparse limit').
     */
    record Sparse(String label, boolean bias, double tolerance, org.sparsefeat.sparse.LpSolver solver, Restriction only)
            implements MethodSpec {
        @Override
        public String kind() { return "sparse"; }
    }

    /** A net and how it is trained; the regime ({@link NetOptions.Regime}) set the options' defaults. */
    record Net(String label, String regime, NetOptions options, Restriction only) implements MethodSpec {
        @Override
        public String kind() { return "net"; }

        public boolean feature() { return regime.equals("feature"); }

        public int h() { return options.h(); }

        public Scale scale() { return options.scale(); }

        public NetInit.W1 initW1() { return options.w1Kind(); }

        public NetInit.W2 initW2() { return options.w2Kind(); }

        /** The rule; conic GD may start at step 0 when w2 does not start at zero. */
        public GdRule rule() { return options.rule(initW2().isZero()); }

        public long maxSteps() { return options.maxSteps(); }

        public long saveFreq() { return options.saveFreq(); }

        static String defaultLabel(String regime, int h) {
            return "net-" + regime.toLowerCase(Locale.ROOT) + "-h" + h;
        }
    }
}
