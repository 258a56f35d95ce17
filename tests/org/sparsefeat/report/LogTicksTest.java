package org.sparsefeat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogTicksTest {
    private static List<String> labels(double lo, double hi) {
        return LogTicks.ticks(lo, hi).stream().filter(t -> !t.label().isEmpty()).map(LogTicks.Tick::label).toList();
    }

    @Test
    void aRangeOverSeveralDecadesLabelsExactlyEachDecade() {
        assertEquals(List.of("10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"), labels(3e-5, 2e-1));
        assertEquals(List.of("10⁰", "10¹", "10²", "10³", "10⁴"), labels(0.9, 6e4));
    }

    @Test
    void theMultiplesBetweenDecadesAreUnlabelledMinorTicks() {
        List<LogTicks.Tick> ticks = LogTicks.ticks(3e-5, 2e-1);
        List<LogTicks.Tick> minor = ticks.stream().filter(t -> !t.major()).toList();
        assertTrue(minor.stream().allMatch(t -> t.label().isEmpty()));
        // 3e-5..9e-5, 2e-4..9e-4, 2e-3..9e-3, 2e-2..9e-2, 2e-1: 7 + 8 + 8 + 8 + 1
        assertEquals(32, minor.size());
        assertEquals(3e-5, minor.getFirst().value(), 1e-18);
        assertEquals(2e-1, minor.getLast().value(), 1e-15);
        for (int i = 1; i < ticks.size(); i++) {
            assertTrue(ticks.get(i).value() > ticks.get(i - 1).value(), "increasing");
        }
    }

    @Test
    void lessThanADecadeStillShowsTwoLabelledTicks() {
        assertEquals(List.of("2×10⁻³", "5×10⁻³"), labels(1.5e-3, 8e-3));
        // R_f between 0.2 and 0.8: plain decimals, since the whole axis lies within 0.01..10 000
        assertEquals(List.of("0.2", "0.5"), labels(0.15, 0.8));
        // narrower than 1, 2, 5 can serve: every multiple labelled
        assertEquals(List.of("3×10⁻⁵", "4×10⁻⁵", "5×10⁻⁵", "6×10⁻⁵"), labels(2.5e-5, 6.5e-5));
        // narrower still (test errors between 0.11 and 0.17): 1.2 and 1.5 too, not just the two ends
        assertEquals(List.of("0.12", "0.15"), labels(0.107, 0.175));
        assertEquals(List.of("1.2×10⁻⁵", "1.5×10⁻⁵"), labels(1.07e-5, 1.75e-5));
    }

    @Test
    void anAxisOfSmallCountsReadsInPlainNumbers() {
        assertEquals(List.of("20", "50", "100", "200"), labels(14, 300));
        assertEquals(List.of("0.01", "0.1", "1"), labels(0.01, 3));
    }

    /** As the README says of the plots: an axis holding fewer than three decades also labels 2 and 5 times them. */
    @Test
    void anAxisOfTwoDecadesAlsoLabelsTwoAndFive() {
        double[] n = LogTicks.range(16, 1024);  // the demo's n
        assertEquals(List.of("20", "50", "100", "200", "500", "1000"), labels(n[0], n[1]));
        assertEquals(List.of("2×10⁻⁴", "5×10⁻⁴", "10⁻³", "2×10⁻³", "5×10⁻³", "10⁻²"), labels(1.5e-4, 1.2e-2));
        // three decades are labelled alone
        assertEquals(List.of("1", "10", "100"), labels(0.9, 150));
    }

    @Test
    void theRangeOfAFlatSeriesHoldsTwoLabels() {
        for (double v : new double[] {3.3e-3, 0.5, 7, 123.4, 1e-7, 9.99e5}) {
            double[] r = LogTicks.range(v, v);
            assertTrue(r[0] < v && v < r[1], "range around " + v);
            assertTrue(labels(r[0], r[1]).size() >= 2, "two labels for a flat series at " + v + ": " + labels(r[0], r[1]));
        }
        double[] r = LogTicks.range(3.1e-3, 3.2e-3);
        assertTrue(labels(r[0], r[1]).size() >= 2, labels(r[0], r[1]).toString());
    }

    @Test
    void theRangeLeavesAMarginBeyondTheData() {
        double[] r = LogTicks.range(1e-4, 1e-1);
        assertTrue(r[0] < 1e-4 && r[0] > 5e-5, "lower " + r[0]);
        assertTrue(r[1] > 1e-1 && r[1] < 2e-1, "upper " + r[1]);
        assertThrows(IllegalArgumentException.class, () -> LogTicks.range(0, 1));
    }

    @Test
    void aVeryWideAxisThinsItsLabelsAndDropsMinorTicks() {
        List<String> l = labels(1e-30, 1);
        assertFalse(l.isEmpty());
        assertTrue(l.size() <= LogTicks.MAX_LABELS, l.toString());
        assertTrue(l.contains("10⁰") && l.contains("10⁻³⁰"), l.toString());
        assertTrue(LogTicks.ticks(1e-30, 1).stream().allMatch(LogTicks.Tick::major), "no minor ticks over 30 decades");
        assertEquals(31, LogTicks.ticks(1e-30, 1).size(), "still a (grid) tick at every decade");
    }

    @Test
    void superscriptsCoverEveryDigitAndTheMinus() {
        assertEquals("⁻¹²³⁴⁵⁶⁷⁸⁹⁰", LogTicks.superscript(-1234567890));
        assertEquals("10¹⁰", LogTicks.label(10, 10));
        assertEquals("1.5×10⁻⁷", LogTicks.label(15, -7));
        assertEquals("0.002", LogTicks.plain(20, -3));
        assertEquals("5000", LogTicks.plain(50, 3));
    }
}
