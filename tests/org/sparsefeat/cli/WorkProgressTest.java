package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** krr's progress: nothing with --progress none, and a resumed run's progress starts at the share already done. */
class WorkProgressTest {
    private static ProgressOption option(String value) {
        ProgressOption o = new ProgressOption();
        o.progress = value;
        return o;
    }

    /** Drives a monitor as a factorisation resumed at 60% would, lines at every report. */
    private static String resumed(String progress) {
        StringWriter out = new StringWriter();
        try (WorkProgress p = new WorkProgress("krr", option(progress), new PrintWriter(out), () -> false, 0)) {
            p.expect(100);  // the plan's seconds for the rest
            p.start(600, 1000);
            for (int done = 650; done < 1000; done += 50) {
                p.progress("cholesky", done, 1000);
            }
        }
        return out.toString();
    }

    @Test
    void noneShowsNoProgressAtAll() {
        assertEquals("", resumed("none"));
    }

    @Test
    void aResumedRunsLinesStartAtItsShareDoneAndItsEtaCountsTheRest() {
        String lines = resumed("auto");  // no terminal in a test: lines
        String first = lines.lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("krr: 65.0% of the Gram and factorisation (cholesky)"), lines);
        // too early to measure a rate: the plan's 100 s for the rest (400), 350 of it left
        assertTrue(first.endsWith("ETA 1m28s"), first);
    }

    /** Each frame of the bar: share, bar, elapsed, ETA, then the phase set apart (not "16.9/scholesky"). */
    @Test
    void theBarsPhaseStandsApartFromItsNumbers() {
        String[] frames = resumed("bar").split("[\r\n]+");
        int checked = 0;
        for (String frame : frames) {
            if (!frame.isBlank()) {
                assertTrue(frame.strip().matches("krr +\\d+% \\[[= ]+\\] \\S+ elapsed, ETA \\S+(, cholesky)?"), frame);
                checked++;
            }
        }
        assertTrue(checked > 1, String.join("|", frames));
        assertTrue(String.join("", frames).contains(", cholesky"), "the phase is named: " + String.join("|", frames));
    }

    /** Closed (Ctrl-C's message printed below it), the bar shows nothing more of a fit still reporting. */
    @Test
    void aClosedBarDrawsNothingMore() {
        StringWriter out = new StringWriter();
        WorkProgress p = new WorkProgress("krr", option("bar"), new PrintWriter(out), () -> false, 0);
        p.start(0, 1000);
        p.close();
        String closed = out.toString();
        assertTrue(closed.endsWith("\n"), closed);
        p.start(0, 1000);
        p.progress("cholesky", 900, 1000);
        p.close();
        assertEquals(closed, out.toString());
    }

    @Test
    void aResumedRunsBarStartsAtItsShareDone() {
        String bar = resumed("bar");
        Matcher m = Pattern.compile("krr +(\\d+)%").matcher(bar);
        assertTrue(m.find(), bar);
        assertTrue(Integer.parseInt(m.group(1)) >= 60, "the bar's first percentage: " + bar);
        assertTrue(bar.endsWith("\n"), "the bar's line ends before anything after it: " + bar.replace("\r", "<CR>").replace("\n", "<LF>"));
    }
}
