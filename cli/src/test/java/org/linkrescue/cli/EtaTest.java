package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class EtaTest {
    static final long TICK = 500_000_000L; // the progress line's redraw

    @Test void t01_aTailOfHardLinksIsTimedByItsPaths_notCalledOneSecondAway() {
        // A snapshot's new files (2,000 paths/s, 100 MB/s) for 20 s, then later snapshots' hard
        // links only (10,000 paths/s) for 5.5 s: the run the issue measured said "ETA 0:00:01".
        Eta eta = new Eta();
        long t = 0, paths = 0, bytes = 0;
        long totalPaths = 20 * 2_000 + 55_000, totalBytes = 20 * 100_000_000L;
        for (int i = 0; i <= 40; i++, t += TICK, paths += 1_000, bytes += 50_000_000) eta.observe(t, paths, bytes);
        paths -= 1_000;
        bytes -= 50_000_000;
        for (int i = 0; i < 2; i++) { // one second into the tail
            t += TICK;
            paths += 5_000;
            eta.observe(t, paths, bytes);
        }
        long left = eta.secondsLeft(totalPaths - paths, totalBytes - bytes);
        assertTrue(left >= 3 && left <= 7, "4.5 s of links to go, said " + left);
    }

    @Test void t02_bytesStillCountWhileFilesAreRead() {
        Eta eta = new Eta();
        long t = 0;
        for (int i = 0; i <= 10; i++, t += TICK) eta.observe(t, i * 100L, i * 50_000_000L); // 100 MB/s, 200 paths/s
        long left = eta.secondsLeft(2_000, 1_000_000_000L); // 10 s more of the same
        assertTrue(left >= 8 && left <= 12, "10 s to go, said " + left);
    }

    @Test void t03_noEstimateBeforeTwoSecondsOfTheRun() {
        Eta eta = new Eta();
        eta.observe(0, 0, 0);
        eta.observe(TICK, 100, 1_000_000);
        assertEquals(-1, eta.secondsLeft(100, 1_000_000));
    }
}
