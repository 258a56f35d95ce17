package org.sparsefeat.util;

import java.util.function.UnaryOperator;

/**
 * Invalid input from the user (an option, a sweep-spec key, a data file, a directory): the CLI reports it in one
 * line with exit code 2. Anything else that escapes a command is a bug in sparsefeat and is reported as one, with
 * its stack trace; so throw this, not a plain {@link IllegalArgumentException}, exactly where the user can fix
 * the problem.
 *
 * <p>Domain code does not know how the user spelled a parameter: its message names one as {@code {name}}, a
 * neutral snake_case name such as {@code {lr}} or {@code {n_test}}. The CLI renders it as its flag ({@code --lr}),
 * the sweep-spec parser as its key path ({@code methods[0].lr}); {@link #getMessage()} shows the bare name.
 */
public class InvalidInputException extends IllegalArgumentException implements NamesParameters {
    private static final long serialVersionUID = 1L;

    private final String template;

    /** {@code template}: the message, with parameters written {@code {name}}. */
    public InvalidInputException(String template) {
        this(template, null);
    }

    public InvalidInputException(String template, Throwable cause) {
        super(NamesParameters.render(template, UnaryOperator.identity()), cause);
        this.template = template;
    }

    @Override
    public String template() { return template; }

    /** The same error with parameter {@code from} named {@code to}: for a caller that passed its value under another name. */
    public InvalidInputException renamed(String from, String to) {
        return new InvalidInputException(template.replace("{" + from + "}", "{" + to + "}"), getCause());
    }
}
