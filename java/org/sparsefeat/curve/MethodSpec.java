package org.sparsefeat.curve;

import java.util.Locale;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.LambdaSchedule;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.Regularizer;
import org.sparsefeat.net.Scale;

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
    record ImageNet(String label, String regime, int h, double alpha, double actBeta, double lossBeta, double stopFrac,
                    double maxWall, long maxSteps, Restriction only) implements MethodSpec {
        @Override
        public String kind() { return "net"; }
    }

    /**
     * A net and how it is trained. The regime sets the defaults: feature = the paper's L1 rule (alpha 1, L1 on
     * w2, w1 on the sphere, w1 unitary, w2 zero); lazy = the alpha-trick (alpha 1e3, f0 subtracted, no
     * regulariser, w1 and w2 normal, lr = 1/alpha).
     */
    record Net(String label, String regime, int h, Scale scale, NetInit.W1 initW1, NetInit.W2 initW2, GdRule rule,
               long maxSteps, long saveFreq, Restriction only) implements MethodSpec {
        @Override
        public String kind() { return "net"; }

        public boolean feature() { return regime.equals("feature"); }

        static GdRule defaultRule(String regime) {
            return regime.equals("feature")
                    ? new GdRule(1, false, 1, Regularizer.L1, 1e-4, LambdaSchedule.NONE, 1, true, false, false, false, 1e-30)
                    : new GdRule(1e3, true, 1e-3, Regularizer.NONE, 0, LambdaSchedule.NONE, 1, false, false, true, false,
                    1e-30);
        }

        static String defaultLabel(String regime, int h) {
            return "net-" + regime.toLowerCase(Locale.ROOT) + "-h" + h;
        }
    }
}
