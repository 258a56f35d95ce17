package org.sparsefeat.curve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.sparsefeat.util.InvalidInputException;

/**
 * A node of a sweep spec's YAML with its file and path, read strictly: each accessor checks the type it expects and
 * fails with a message that names the file and the key, like "spec.yaml: methods[1].lambda: ...".
 */
record SpecNode(String file, String path, JsonNode node) {
    /** The parameters of domain messages whose keys here differ from their names (a target's drop "teacher_"). */
    private static final Map<String, String> KEYS = Map.of("teacher_act", "act", "teacher_power", "power",
            "teacher_width", "width", "grf_kernel", "kernel", "grf_kernel_param", "kernel_param", "grf_jitter", "jitter",
            "svm_c", "c");

    InvalidInputException error(String message) {
        return new InvalidInputException(file + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    SpecNode child(String key) {
        return new SpecNode(file, path.isEmpty() ? key : path + "." + key, node == null ? null : node.get(key));
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

    List<SpecNode> list() {
        if (node == null || !node.isArray()) {
            throw error("expected a list, got " + describe(node));
        }
        List<SpecNode> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(new SpecNode(file, path + "[" + i + "]", node.get(i)));
        }
        return out;
    }

    List<Integer> intList(int min, String rule) {
        List<SpecNode> items = list();
        if (items.isEmpty()) {
            throw error("the grid is empty; expected at least one value");
        }
        List<Integer> out = new ArrayList<>();
        for (SpecNode item : items) {
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
