package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.verify.Tally;

/** verify's and scan's progress lines say what they do, and how far where a total is known. */
class WalkProgressTest {
    final ProblemLog problems = new ProblemLog(new PrintStream(new ByteArrayOutputStream()));
    static final long S = 1_000_000_000L;

    @Test void t01_aScanOfMetadataSaysSo_andShowsNoBytesItDoesNotRead() {
        Tally t = new Tally();
        for (int i = 0; i < 1234; i++) t.path();
        String line = WalkProgress.line(WalkProgress.Plan.of("scan", "listing the tree (no data read)", false), t, problems, 0, 3 * S, new Eta(), 100);
        assertEquals("scan:  listing the tree (no data read)  1,234 paths  0 errors", line);
    }

    @Test void t02_verifyAgainstACountedTargetShowsHowFarAndHowLong() {
        Tally t = new Tally();
        Eta eta = new Eta();
        WalkProgress.Plan plan = WalkProgress.Plan.of("verify", "comparing every path, link and byte", true).measuredBy(() -> 1000, () -> 2_000_000);
        for (int s = 0; s <= 6; s++) { // 50 paths and 100 KB a second
            eta.observe(s * S, s * 50L, s * 100_000L);
        }
        for (int i = 0; i < 300; i++) t.path();
        t.bytes(600_000);
        String line = WalkProgress.line(plan, t, problems, 0, 6 * S, eta, 200);
        assertTrue(line.matches("verify:  comparing every path, link and byte  30%  300 of ~1,000 paths  586 KiB read  .*/s  0 errors  ETA 0:00:1[3-5]"), line);
        String narrow = WalkProgress.line(plan, t, problems, 0, 6 * S, eta, 60);
        assertTrue(narrow.length() <= 59 && narrow.contains("30%") && narrow.contains("ETA"), narrow);
    }
}
