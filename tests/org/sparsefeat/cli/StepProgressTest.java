package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The steps' progress, on a clock of the test's own: a bar of fixed width, plain lines off a terminal. */
class StepProgressTest {
    private long now;
    private final StringWriter text = new StringWriter();

    private StepProgress progress(StepProgress.Mode mode) {
        return new StepProgress("images classify: feature net", "feature net", 10_000, mode, new PrintWriter(text),
                () -> now, 10_000_000_000L, 100);
    }

    @Test
    void theBarKeepsItsWidthAndCompletesWhenTheWorkStopsEarly() {
        StepProgress p = progress(StepProgress.Mode.BAR);
        String[] details = {"loss 1.0e+06", "loss 9.876543e+05, margins met 12.3% (stop > 99.0%) and more words here"
                + " than the line holds", "x"};
        for (int k = 0; k < 30; k++) {
            now += 300_000_000L;
            p.update(100L * k, details[k % 3]);
        }
        p.finish(2900, "stopped: all margins met");
        p.update(3000, "after the end");
        String out = text.toString();
        assertTrue(out.endsWith("\n") && !out.contains("after the end"), out);
        String[] frames = out.substring(1, out.length() - 1).split("\r");
        assertEquals(31, frames.length, out);
        Pattern bar = Pattern.compile("feature net +\\d+% \\[[= ]{" + StepProgress.BAR_WIDTH + "}\\] .*");
        int previous = 0;
        for (String f : frames) {
            assertTrue(bar.matcher(f).matches(), "'" + f + "'");
            assertTrue(f.length() < 100, "cut at the terminal's width: " + f);
            assertTrue(f.length() >= previous, "pads over a longer line: '" + f + "'");
            previous = f.stripTrailing().length();
        }
        assertTrue(frames[1].startsWith("feature net   1% [                    ] 100/10000 "), frames[1]);
        // the numbers set apart from each other and from the detail (not "ETA 5h00m loss 1.0e+06")
        assertTrue(frames[1].matches(".*\\] 100/10000 \\S+ elapsed, ETA \\S+, loss 9\\.876543e\\+05, .*"), frames[1]);
        assertTrue(frames[30].startsWith("feature net 100% [====================] 2900 steps, 9s, stopped: all margins"
                + " met"), "full once the flow stopped, short of --max-steps: " + frames[30]);
    }

    @Test
    void offATerminalALineEvery10sWithAnEtaFromThisRunsSteps() {
        StepProgress p = progress(StepProgress.Mode.LINES);
        p.update(1000, "loss 1");  // a resumed run starts at step 1000: not done in no time
        now += 5_000_000_000L;
        p.update(1500, "loss 2");
        assertEquals("", text.toString(), "nothing before 10 s");
        now += 5_000_000_000L;
        p.update(2000, "loss 3");
        assertEquals("images classify: feature net: 2000 of at most 10000 steps (20%), loss 3, 10s elapsed, ETA 1m20s"
                + " at this rate to the limit\n", text.toString());
        p.finish(2500, "stopped: all margins met");
        assertTrue(text.toString().endsWith("images classify: feature net: stopped: all margins met after 2500 steps,"
                + " 10s\n"), text.toString());
    }

    @Test
    void aMessageDuringTheBarStartsOnALineOfItsOwn() {
        StepProgress p = progress(StepProgress.Mode.BAR);
        p.update(10, "loss 1");
        p.say("images classify: flow saved to r.json.flow");
        p.close();
        p.close();
        String out = text.toString();
        assertTrue(out.startsWith("\rfeature net   0% [") && out.endsWith(" loss 1\nimages classify: flow saved to"
                + " r.json.flow\n"), out);
        StepProgress none = progress(StepProgress.Mode.NONE);
        int before = text.toString().length();
        none.update(10, "loss 1");
        none.finish(10, "stopped");
        assertEquals(before, text.toString().length(), "--progress none shows nothing");
    }
}
