package org.sparsefeat.curve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.classify.ImageNetOptions;
import org.sparsefeat.krr.KrrOptions;
import org.sparsefeat.train.NetOptions;
import org.sparsefeat.util.OptionValues;
import org.sparsefeat.util.InvalidInputException;

/**
 * Reads a sweep spec (YAML) strictly: unknown keys, wrong types, empty grids and impossible combinations
 * are errors that name the file and the key, raised before any work starts.
 */
public final class SpecParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SpecParser() {}

    public static SweepSpec parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such sweep spec file");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    public static SweepSpec parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source + ": not valid YAML: " + e.getOriginalMessage());
        }
        Node top = new Node(source, "", root);
        top.requireObject("name", "methods", "d", "n", "seeds", "n_test", "target", "points", "fit", "datasets",
                "stability");
        boolean images = top.has("datasets");
        List<String> datasets = new ArrayList<>();
        if (images) {
            for (Node item : top.child("datasets").list()) {
                String ds = item.parse(v -> v);
                if (!org.sparsefeat.images.DatasetStore.NAMES.contains(ds)) {
                    throw item.error("unknown data set '" + ds + "'; expected one of "
                            + String.join(", ", org.sparsefeat.images.DatasetStore.NAMES));
                }
                if (datasets.contains(ds)) {
                    throw item.error("data set '" + ds + "' appears twice");
                }
                datasets.add(ds);
            }
            if (datasets.isEmpty()) {
                throw top.child("datasets").error("the grid is empty; expected at least one data set");
            }
            for (String key : new String[] {"d", "target", "points"}) {
                if (top.has(key)) {
                    throw top.child(key).error("not used by an image sweep (it has datasets); remove it");
                }
            }
        } else if (top.has("stability")) {
            throw top.child("stability").error("stability to deformations is measured in image sweeps (give datasets)");
        }
        String name = top.string("name", null);
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw top.child("name").error("expected a name of letters, digits, '.', '_' or '-'");
        }
        Node methodsNode = top.child("methods");
        List<Node> ms = methodsNode.list();
        if (ms.isEmpty()) {
            throw methodsNode.error("expected at least one method");
        }
        List<MethodSpec> methods = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (Node m : ms) {
            MethodSpec spec = images ? imageMethod(m) : method(m);
            if (!labels.add(spec.label())) {
                throw m.error("label '" + spec.label() + "' is used by another method; give one of them a 'label'");
            }
            methods.add(spec);
        }
        List<Integer> d = images ? List.of() : top.child("d").intList(2, "d >= 2");
        List<Integer> n = top.child("n").intList(1, "n >= 1");
        List<Long> seeds = new ArrayList<>();
        for (int s : top.child("seeds").intList(0, "seeds >= 0")) {
            seeds.add((long) s);
        }
        int nTest = top.integer("n_test", 1000);
        if (nTest < 1) {
            throw top.child("n_test").error("expected n_test >= 1, got " + nTest);
        }
        PointDistribution points = top.has("points") ? top.child("points").parse(PointDistribution::parse)
                : PointDistribution.SPHERE;
        Target target = images ? null : target(top.child("target"));
        SweepSpec.StabilitySpec stability = null;
        if (top.has("stability")) {
            Node st = top.child("stability");
            st.requireObject("images", "delta", "cutoff");
            stability = new SweepSpec.StabilitySpec(st.integer("images", 500), st.number("delta", 1),
                    st.number("cutoff", 3));
            if (stability.images() < 2 || !(stability.delta() >= 0) || !(stability.cutoff() > 1)) {
                throw st.error("expected images >= 2, delta >= 0 and cutoff > 1");
            }
        }
        for (int i = 0; i < methods.size(); i++) {
            MethodSpec.Restriction only = methods.get(i).only();
            for (int v : only.d()) {
                if (!d.contains(v)) {
                    throw ms.get(i).child("d").error("d = " + v + " is not in the sweep's d " + d);
                }
            }
            for (int v : only.n()) {
                if (!n.contains(v)) {
                    throw ms.get(i).child("n").error("n = " + v + " is not in the sweep's n " + n);
                }
            }
        }
        int fitMin = 0, fitMax = 0;
        if (top.has("fit")) {
            Node fit = top.child("fit");
            fit.requireObject("n_min", "n_max");
            fitMin = fit.integer("n_min", 0);
            fitMax = fit.integer("n_max", 0);
            if (fitMax != 0 && fitMin > fitMax) {
                throw fit.error("n_min " + fitMin + " > n_max " + fitMax);
            }
        }
        return new SweepSpec(name, methods, points, d, n, seeds, nTest, target, datasets, stability, fitMin, fitMax);
    }

    /** The methods of an image sweep: krr (classification by sign), svm, and the softplus net. */
    private static MethodSpec imageMethod(Node m) {
        String kind = m.string("kind", null);
        if (kind == null) {
            throw m.error("missing 'kind' (krr, svm or net)");
        }
        return switch (kind) {
            case "krr" -> method(m);
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
                Map<String, Object> values = new java.util.LinkedHashMap<>();
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

    private static MethodSpec method(Node m) {
        String kind = m.string("kind", null);
        if (kind == null) {
            throw m.error("missing 'kind' (krr or net)");
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
            case "svm" -> throw m.child("kind").error("svm is a method of image sweeps (give datasets)");
            default -> throw m.child("kind").error("expected krr or net, got '" + kind + "'");
        };
    }

    /** A kernel method's kernel, kernel_param and ridge, each read as its type (so that a wrong type names its key). */
    private static Map<String, Object> kernelValues(Node m) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
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
    private static Map<String, Object> netValues(Node m) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
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
    private static MethodSpec.Restriction restriction(Node m) {
        List<Integer> d = m.has("d") ? m.child("d").intList(2, "d >= 2") : List.of();
        List<Integer> n = m.has("n") ? m.child("n").intList(1, "n >= 1") : List.of();
        return new MethodSpec.Restriction(d, n);
    }

    private static Target target(Node t) {
        if (t.node == null) {
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

    /** The parameters of domain messages whose keys here differ from their names (a target's drop "teacher_"). */
    private static final Map<String, String> KEYS = Map.of("teacher_act", "act", "teacher_power", "power",
            "teacher_width", "width", "grf_kernel", "kernel", "grf_kernel_param", "kernel_param", "grf_jitter", "jitter",
            "svm_c", "c");

    /** A YAML node with its file and path, for messages like "spec.yaml: methods[1].lambda: ...". */
    private record Node(String file, String path, JsonNode node) {
        InvalidInputException error(String message) {
            return new InvalidInputException(file + ": " + (path.isEmpty() ? "" : path + ": ") + message);
        }

        Node child(String key) {
            return new Node(file, path.isEmpty() ? key : path + "." + key, node == null ? null : node.get(key));
        }

        boolean has(String key) { return node != null && node.has(key) && !node.get(key).isNull(); }

        void requireObject(String... allowed) {
            if (node == null || !node.isObject()) {
                throw error("expected a mapping (key: value), got " + describe(node));
            }
            Set<String> ok = Set.of(allowed);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!ok.contains(k)) {
                    throw error("unknown key '" + k + "'; expected one of " + String.join(", ", allowed));
                }
            }
        }

        List<Node> list() {
            if (node == null || !node.isArray()) {
                throw error("expected a list, got " + describe(node));
            }
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                out.add(new Node(file, path + "[" + i + "]", node.get(i)));
            }
            return out;
        }

        List<Integer> intList(int min, String rule) {
            List<Node> items = list();
            if (items.isEmpty()) {
                throw error("the grid is empty; expected at least one value");
            }
            List<Integer> out = new ArrayList<>();
            for (Node item : items) {
                long v = item.asCount();
                if (v < min || v > Integer.MAX_VALUE) {
                    throw item.error("expected " + rule + ", got " + v);
                }
                if (out.contains((int) v)) {
                    throw item.error("value " + v + " appears twice");
                }
                out.add((int) v);
            }
            return out;
        }

        String string(String key, String def) {
            if (!has(key)) {
                return def;
            }
            JsonNode v = node.get(key);
            if (!v.isTextual()) {
                throw child(key).error("expected text, got " + describe(v));
            }
            return v.asText();
        }

        double number(String key, double def) {
            if (!has(key)) {
                return def;
            }
            JsonNode v = node.get(key);
            if (v.isNumber()) {
                return v.asDouble();
            }
            if (v.isTextual()) {  // YAML 1.1 reads 1e-4 (no dot) as text
                try {
                    return Double.parseDouble(v.asText());
                } catch (NumberFormatException e) {
                    // fall through to the error
                }
            }
            throw child(key).error("expected a number, got " + describe(v));
        }

        int integer(String key, int def) {
            if (!has(key)) {
                return def;
            }
            long v = child(key).asCount();
            if (v > Integer.MAX_VALUE) {
                throw child(key).error("too large: " + v);
            }
            return (int) v;
        }

        long count(String key, long def) { return has(key) ? child(key).asCount() : def; }

        long asCount() {
            double v;
            if (node != null && node.isNumber()) {
                v = node.asDouble();
            } else if (node != null && node.isTextual()) {
                try {
                    v = Double.parseDouble(node.asText());
                } catch (NumberFormatException e) {
                    throw error("expected a whole number, got " + describe(node));
                }
            } else {
                throw error("expected a whole number, got " + describe(node));
            }
            if (v != Math.rint(v) || v < 0) {
                throw error("expected a whole number >= 0, got " + v);
            }
            return (long) v;
        }

        boolean bool(String key, boolean def) {
            if (!has(key)) {
                return def;
            }
            JsonNode v = node.get(key);
            if (!v.isBoolean()) {
                throw child(key).error("expected true or false, got " + describe(v));
            }
            return v.asBoolean();
        }

        <T> T parse(java.util.function.Function<String, T> parser) {
            if (node == null || !(node.isTextual() || node.isObject())) {
                throw error("expected text, got " + describe(node));
            }
            try {
                return parser.apply(node.isTextual() ? node.asText() : null);
            } catch (InvalidInputException e) {
                throw error(e);
            }
        }

        <T> T parseOr(String def, java.util.function.Function<String, T> parser) {
            if (node == null || node.isNull()) {
                try {
                    return parser.apply(def);
                } catch (InvalidInputException e) {
                    throw error(e);
                }
            }
            if (!node.isTextual() && !node.isNumber()) {
                throw error("expected text, got " + describe(node));
            }
            try {
                return parser.apply(node.asText());
            } catch (InvalidInputException e) {
                throw error(e);
            }
        }

        /**
         * A domain error about this node: the parameters it names become key paths ({@code {lr}} of
         * {@code methods[1]} is {@code methods[1].lr}); without one, the message goes after this node's path.
         */
        InvalidInputException error(InvalidInputException e) {
            return e.namesParameter() ? new InvalidInputException(file + ": " + e.render(this::keyPath), e)
                    : error(e.getMessage());
        }

        /** A parameter's key path, its key named as this grammar names it; this node's own path when it is that key. */
        private String keyPath(String parameter) {
            String key = KEYS.getOrDefault(parameter, parameter);
            String last = path.substring(path.lastIndexOf('.') + 1);
            return path.isEmpty() ? key : last.equals(key) ? path : path + "." + key;
        }

        private static String describe(JsonNode v) {
            if (v == null || v.isMissingNode()) {
                return "nothing";
            }
            if (v.isObject()) {
                return "a mapping";
            }
            if (v.isArray()) {
                return "a list";
            }
            return (v.isTextual() ? "text " : v.getNodeType().name().toLowerCase(Locale.ROOT) + " ") + v;
        }
    }
}
