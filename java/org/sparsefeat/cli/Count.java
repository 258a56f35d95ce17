package org.sparsefeat.cli;

import java.math.BigDecimal;
import picocli.CommandLine;

/**
 * Every whole-number option (counts, sizes, steps, seeds) in the notations people write: 1000, 1_000, 1e3,
 * 1.5e3. A value that is not whole (1.5, 1.5e-1) or too large for the option is refused, never rounded.
 */
final class Count {
    private Count() {}

    static long parse(String text, long max) {
        String s = text.trim();
        BigDecimal v;
        try {
            if (s.startsWith("_") || s.endsWith("_") || s.contains("__")) {
                throw new NumberFormatException();
            }
            v = new BigDecimal(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a whole number (e.g. 1000, 1_000 or 1e3)");
        }
        if (v.precision() - v.scale() > 19) {  // more digits than any long: refuse before expanding 1e999999999
            throw tooLarge(text, max);
        }
        try {
            long n = v.toBigIntegerExact().longValueExact();
            if (n > max || n < -max) {
                throw tooLarge(text, max);
            }
            return n;
        } catch (ArithmeticException e) {
            throw v.stripTrailingZeros().scale() > 0
                    ? new CommandLine.TypeConversionException("'" + text + "' is not a whole number")
                    : tooLarge(text, max);
        }
    }

    private static CommandLine.TypeConversionException tooLarge(String text, long max) {
        return new CommandLine.TypeConversionException("'" + text + "' is too large (at most " + max + ")");
    }
}
