package org.sparsefeat.util;

import java.util.Locale;

/** Durations as the progress lines, estimates and ETAs print them. */
public final class Durations {
    private Durations() {}

    /** Seconds as "42s", "3m05s" or "2h07m" ("?" when not a number). */
    public static String format(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(Math.max(seconds, 0));
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** An estimate in words: "about 3m05s", or "under a second" where {@link #format} would round it to "0s". */
    public static String about(double seconds) {
        return Double.isFinite(seconds) && Math.round(Math.max(seconds, 0)) == 0 ? "under a second" : "about " + format(seconds);
    }
}
