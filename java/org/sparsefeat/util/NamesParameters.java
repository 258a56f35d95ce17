package org.sparsefeat.util;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error whose message names parameters neutrally, as {@code {name}} in snake_case ({@code {lr}},
 * {@code {n_test}}), because the code that detects it does not know how the user wrote them: the CLI renders
 * them as its flags ({@code --lr}), the sweep-spec parser as its keys ({@code methods[0].lr}), and
 * {@code getMessage()} shows the bare names.
 */
public interface NamesParameters {
    Pattern NAME = Pattern.compile("\\{([a-z][a-z0-9_]*)}");

    /** The message with its parameters written {@code {name}}. */
    String template();

    /** The message with each parameter {@code {name}} written as {@code spelling.apply(name)}. */
    default String render(UnaryOperator<String> spelling) { return render(template(), spelling); }

    /** Whether the message names a parameter. */
    default boolean namesParameter() { return NAME.matcher(template()).find(); }

    static String render(String template, UnaryOperator<String> spelling) {
        Matcher m = NAME.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(spelling.apply(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
