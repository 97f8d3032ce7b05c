package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.report.RunTotals;

class SizeEstimateTest {
    @TempDir Path dir;

    @Test void t01_theFileSystemsCountIsUsedOnlyForItsRoot() {
        assertTrue(SizeEstimate.usedBytes(Names.bytes("/")) > 0, "/ is a file system's root");
        assertEquals(-1, SizeEstimate.usedBytes(Names.bytes(dir.toString())), "a directory below a root: the file system holds more");
        assertEquals(-1, SizeEstimate.usedBytes(Names.bytes(dir.resolve("missing").toString())));
    }

    @Test void t02_theTotalIsTheEstimateWhileTheScanRunsThenTheScansExactSum() {
        RunTotals t = new RunTotals();
        assertEquals(-1, t.expectedBytes(), "nothing known yet");
        t.scanned(300);
        assertEquals(-1, t.expectedBytes(), "the scan's sum so far is no total");
        t.expectBytes(1000);
        assertEquals(1000, t.expectedBytes());
        t.scanned(2000);
        assertEquals(2300, t.expectedBytes(), "never less than the scan has found");
        t.scanEnded();
        t.expectBytes(1000);
        assertEquals(2300, t.expectedBytes(), "exact once the scan has ended");
    }
}
