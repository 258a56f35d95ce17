package org.sparsefeat.curve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.classify.ImageNetOptions;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.krr.KrrOptions;
import org.sparsefeat.train.NetOptions;
import org.sparsefeat.util.OptionValues;

/**
 * The two grammars of a sweep spec's methods, one for sweeps on generated points (krr, net; with a target) and one
 * for image sweeps (krr, svm, the softplus net), each building the method's options record so that names, defaults
 * and validation are the options' own.
 */
final class SpecMethods {
    private SpecMethods() {}

    /** The methods of an image sweep: krr (classification by sign), svm, and the softplus net. */
    static MethodSpec imageMethod(SpecNode m) {
        String kind = m.string("kind", null);
        if (kind == null) {
            throw m.error("missing 'kind' (krr, svm or net)");
        }
        return switch (kind) {
            case "krr" -> pointMethod(m);
            case "svm" -> {
                m.requireObject("kind", "label", "kernel", "kernel_param", "c", "n");
                Kernel kernel = m.parse(o -> KrrOptions.kernel(new OptionValues(kernelValues(m))));
                double c = m.number("c", 1e20);
                if (!(c > 0)) {
                    throw m.child("c").error("expected C > 0, got " + c);
                }
                yield new MethodSpec.Svm(m.string("label", "svm-" + kernel.type().cliName()), kernel, c, restriction(m));
            }
            case "net" -> {
                List<String> keys = new ArrayList<>(List.of("kind", "label", "regime"));
                keys.addAll(ImageNetOptions.NAMES);
                keys.add("n");
                m.requireObject(keys.toArray(String[]::new));
                String regime = m.string("regime", "feature");
                if (!regime.equals("feature") && !regime.equals("lazy")) {
                    throw m.child("regime").error("expected feature or lazy, got '" + regime + "'");
                }
                Map<String, Object> values = new LinkedHashMap<>();
                for (String k : ImageNetOptions.NAMES) {
                    if (m.has(k)) {
                        values.put(k, k.equals("h") || k.equals("max_steps") ? m.count(k, 0) : m.number(k, 0));
                    }
                }
                ImageNetOptions options = m.parse(o -> ImageNetOptions.of(values, regime));
                yield new MethodSpec.ImageNet(m.string("label", MethodSpec.Net.defaultLabel(regime, options.h())), regime,
                        options, restriction(m));
            }
            default -> throw m.child("kind").error("expected krr, svm or net, got '" + kind + "'");
        };
    }

    /** The methods of a sweep on generated points: krr and the two-layer net. */
    static MethodSpec pointMethod(SpecNode m) {
        String kind = m.string("kind", null);
        if (kind == null) {
            throw m.error("missing 'kind' (krr, net or sparse)");
        }
        return switch (kind) {
            case "krr" -> {
                List<String> keys = new ArrayList<>(List.of("kind", "label"));
                keys.addAll(KrrOptions.NAMES);
                keys.addAll(List.of("d", "n"));
                m.requireObject(keys.toArray(String[]::new));
                KrrOptions options = m.parse(o -> KrrOptions.of(kernelValues(m)));
                yield new MethodSpec.Krr(m.string("label", "krr-" + options.kernel().type().cliName()),
                        options.kernel(), options.ridge(), restriction(m));
            }
            case "net" -> {
                List<String> keys = new ArrayList<>(List.of("kind", "label", "regime"));
                keys.addAll(NetOptions.specKeys());
                keys.addAll(List.of("d", "n"));
                m.requireObject(keys.toArray(String[]::new));
                String regime = m.string("regime", "feature");
                if (!regime.equals("feature") && !regime.equals("lazy")) {
                    throw m.child("regime").error("expected feature or lazy, got '" + regime + "'");
                }
                NetOptions options = m.parse(o -> NetOptions.of(netValues(m), NetOptions.Regime.sweep(regime)));
                m.parse(o -> options.w1Kind());
                m.parse(o -> options.w2Kind());
                yield new MethodSpec.Net(m.string("label", MethodSpec.Net.defaultLabel(regime, options.h())), regime,
                        options, restriction(m));
            }
            case "sparse" -> {
                m.requireObject("kind", "label", "bias", "tolerance", "lp", "d", "n");
                double tolerance = m.number("tolerance", org.sparsefeat.sparse.MinL1Interpolant.Options.DEFAULT_TOLERANCE);
                if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
                    throw m.child("tolerance").error("expected a number > 0, got " + tolerance);
                }
                String lp = m.string("lp", org.sparsefeat.sparse.LpSolver.DEFAULT.label());
                org.sparsefeat.sparse.LpSolver solver = org.sparsefeat.sparse.LpSolver.parse(lp);
                if (solver == null) {
                    throw m.child("lp").error("expected barrier, simplex or clp, got '" + lp + "'");
                }
                yield new MethodSpec.Sparse(m.string("label", "sparse"), m.bool("bias", false), tolerance, solver,
                        restriction(m));
            }
            case "svm" -> throw m.child("kind").error("svm is a method of image sweeps (give datasets)");
            default -> throw m.child("kind").error("expected krr, net or sparse, got '" + kind + "'");
        };
    }

    /** A kernel method's kernel, kernel_param and ridge, each read as its type (so that a wrong type names its key). */
    private static Map<String, Object> kernelValues(SpecNode m) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (m.has("kernel")) {
            values.put("kernel", m.child("kernel").parseOr(null, v -> v));
        }
        for (String k : new String[] {"kernel_param", "ridge"}) {
            if (m.has(k)) {
                values.put(k, m.number(k, 0));
            }
        }
        return values;
    }

    /** A net method's options by name, each read as its type (so that a wrong type names its key). */
    private static Map<String, Object> netValues(SpecNode m) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (NetOptions.Key k : NetOptions.KEYS) {
            if (k.spec() && m.has(k.name())) {
                String name = k.name();
                values.put(name, switch (k.type()) {
                    case INT -> m.integer(name, 0);
                    case COUNT -> m.count(name, 0);
                    case NUMBER -> m.number(name, 0);
                    case FLAG -> m.bool(name, false);
                    case TEXT -> m.child(name).parseOr(null, v -> v);
                });
            }
        }
        return values;
    }

    /** A method's own d and n lists (subsets of the sweep's), checked against the sweep in parse(). */
    private static MethodSpec.Restriction restriction(SpecNode m) {
        List<Integer> d = m.has("d") ? m.child("d").intList(2, "d >= 2") : List.of();
        List<Integer> n = m.has("n") ? m.child("n").intList(1, "n >= 1") : List.of();
        return new MethodSpec.Restriction(d, n);
    }

    /** The target of a sweep on generated points; constant 1 where none is given. */
    static Target target(SpecNode t) {
        if (t.node() == null) {
            return new Target.Constant(1);
        }
        String kind = t.string("kind", null);
        if (kind == null) {
            throw t.error("missing 'kind' (constant, teacher or grf)");
        }
        return switch (kind) {
            case "constant" -> {
                t.requireObject("kind", "value");
                yield t.parse(o -> new Target.Constant(t.number("value", 1)));
            }
            case "teacher" -> {
                t.requireObject("kind", "act", "power", "width");
                yield t.parse(o -> new Target.Teacher(t.child("act").parseOr("abs", TeacherActivation::parse),
                        t.number("power", 1), t.count("width", Target.Teacher.DEFAULT_WIDTH)));
            }
            case "grf" -> {
                t.requireObject("kind", "kernel", "kernel_param", "jitter");
                Double param = t.has("kernel_param") ? t.number("kernel_param", 0) : null;
                yield t.parse(o -> new Target.KernelGrf(Kernel.parse(t.string("kernel", "ntk"), param),
                        t.number("jitter", 0)));
            }
            default -> throw t.child("kind").error("expected constant, teacher or grf, got '" + kind + "'");
        };
    }
}
