package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPartsTest {
    private static StatusParts line() {
        return new StatusParts().add(1, "58%").add(0, "12,345 of ~212,407 paths").add(3, "1.20 GiB of ~2.30 GiB")
                .add(4, "45.0 MiB/s").add(5, "0 errors").add(2, "ETA 0:01:23");
    }

    @Test void t01_aWideTerminalShowsEveryPartInOrder() {
        assertEquals("58%  12,345 of ~212,407 paths  1.20 GiB of ~2.30 GiB  45.0 MiB/s  0 errors  ETA 0:01:23", line().fit(120));
    }

    @Test void t02_aNarrowOneDropsTheLeastNeededFirst_andNeverReachesTheLastColumn() {
        assertEquals("58%  12,345 of ~212,407 paths  ETA 0:01:23", line().fit(50));
        for (int w = 10; w <= 120; w++) assertTrue(line().fit(w).length() <= w - 1, "width " + w);
    }

    @Test void t03_aLongSummaryIsBrokenAtCommasForTheTerminal_neverReachingTheLastColumn() {
        String summary = "linkrescue: migrate done in 5.2 s: 212,407 paths (19,407 inodes, 193,000 hard links): 16,500 files,"
                + " 2,900 directories, 4 symlinks, 3 special files, 2.28 GiB; 1 FAILED; 1 damaged file (bytes zero-filled); 2 warnings";
        for (int w : new int[] {50, 80, 120}) {
            String wrapped = TerminalLine.wrap(summary, w);
            List<String> words = new ArrayList<>();
            for (String l : wrapped.split("\n")) {
                assertTrue(l.length() <= w - 1, w + ": " + l);
                words.addAll(List.of(l.strip().split(" +")));
            }
            assertEquals(List.of(summary.split(" ")), words, "nothing lost at width " + w);
        }
        assertEquals(summary.substring(0, 10), TerminalLine.wrap(summary, 400).substring(0, 10));
        assertFalse(TerminalLine.wrap(summary, 400).contains("\n"));
    }

    @Test void t04_theLineFollowsTheTerminalsWidthAtEveryRedraw() throws Exception {
        java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
        int[] widths = {120, 50, 200, 30};
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        org.linkrescue.migrate.report.ProblemLog problems = new org.linkrescue.migrate.report.ProblemLog(
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
        java.util.concurrent.CountDownLatch drawn = new java.util.concurrent.CountDownLatch(widths.length);
        TerminalLine t = new TerminalLine(new java.io.PrintStream(screen, true), problems, w -> {
            drawn.countDown();
            return line().fit(w);
        }, () -> widths[Math.min(asked.getAndIncrement(), widths.length - 1)]); // a window resized between redraws
        assertTrue(drawn.await(10, java.util.concurrent.TimeUnit.SECONDS));
        Thread.sleep(100);
        t.close();
        List<String> redraws = new ArrayList<>(List.of(screen.toString().split("\r\033\\[K")));
        redraws.removeIf(String::isEmpty);
        for (int i = 0; i < widths.length; i++) assertEquals(line().fit(widths[i]), redraws.get(i), "redraw " + i + " at width " + widths[i]);
    }
}
