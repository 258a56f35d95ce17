package org.sparsefeat.util;

import java.util.Collection;
import java.util.Map;

/**
 * Reads a method's options from names to values given as numbers, booleans or their text (a CLI's typed values, a
 * YAML mapping, a JSON record), with errors that name the option as {@code {name}}.
 */
public record OptionValues(Map<String, ?> values) {
    /** Refuses a name not in {@code names}, naming it and the ones expected. */
    public OptionValues requireKnown(String what, Collection<String> names) {
        for (String k : values.keySet()) {
            if (!names.contains(k)) {
                throw new InvalidInputException("unknown " + what + " option '" + k + "'; expected one of "
                        + String.join(", ", names));
            }
        }
        return this;
    }

    public boolean has(String name) { return values.get(name) != null; }

    public double number(String name, double def) {
        Object v = values.get(name);
        if (v == null) {
            return def;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("{" + name + "} expected a number, got '" + v + "'");
        }
    }

    public long count(String name, long def, long max) {
        double v = number(name, def);
        if (v != Math.rint(v) || Math.abs(v) > max) {
            throw new InvalidInputException("{" + name + "} expected a whole number, got " + values.get(name));
        }
        return (long) v;
    }

    public boolean flag(String name, boolean def) {
        Object v = values.get(name);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInputException("{" + name + "} expected true or false, got '" + v + "'");
        };
    }

    public String text(String name, String def) {
        Object v = values.get(name);
        return v == null ? def : v.toString();
    }
}
