package org.sparsefeat.util;

import java.util.Locale;

/** Sizes in bytes as people write them: "8g", "512m", "1.5GiB" in, "12.3 GiB" out (powers of 1024 both ways). */
public final class Bytes {
    private Bytes() {}

    /** "12.3 GiB", "512 MiB", "900 B". */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    /**
     * Parses a size: a number with an optional unit k, m, g, t (powers of 1024; "KiB", "MB", "gb" are read alike)
     * or none (bytes).
     *
     * @param name the option, for the message
     */
    public static long parse(String text, String name) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        String number = s.replaceAll("[a-z]+$", "");
        String unit = s.substring(number.length()).replaceAll("i?b$", "");
        int shift = switch (unit) {
            case "" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> -1;
        };
        double v;
        try {
            v = shift < 0 ? Double.NaN : Double.parseDouble(number);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || Double.isInfinite(v) || v * Math.pow(2, shift) >= Long.MAX_VALUE) {
            throw new InvalidInputException(name + " '" + text + "' is not a size; expected a positive number with an"
                    + " optional unit k, m, g or t, e.g. 8g");
        }
        if (v * Math.pow(2, shift) < 1) {
            throw new InvalidInputException(name + " '" + text + "' is less than one byte; expected a size such as 512m"
                    + " or 8g");
        }
        return (long) (v * Math.pow(2, shift));
    }
}
