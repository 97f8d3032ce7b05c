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
        assertTrue(SizeEstimate.ofMountRoot(Names.bytes("/")).usedBytes() > 0, "/ is a file system's root");
        assertNull(SizeEstimate.ofMountRoot(Names.bytes(dir.toString())), "a directory below a root: the file system holds more");
        assertNull(SizeEstimate.ofMountRoot(Names.bytes(dir.resolve("missing").toString())));
    }

    @Test void t02_theTotalIsTheEstimateWhileTheScanRunsThenTheScansExactSum() {
        RunTotals t = new RunTotals();
        assertEquals(-1, t.expectedBytes(), "nothing known yet");
        t.scannedPath();
        t.scannedInode(300);
        assertEquals(-1, t.expectedBytes(), "the scan's sum so far is no total");
        t.expectFromFileSystem(1000, 10);
        assertEquals(1000, t.expectedBytes());
        t.scannedPath();
        t.scannedInode(2000);
        assertEquals(2300, t.expectedBytes(), "never less than the scan has found");
        t.scanEnded();
        t.expectFromFileSystem(1000, 10);
        assertEquals(2300, t.expectedBytes(), "exact once the scan has ended");
    }

    @Test void t03_thePathsAreTheFileSystemsInodesTimesThePathsPerInodeSeenSoFar() {
        RunTotals t = new RunTotals();
        assertEquals(-1, t.expectedPaths(), "nothing known yet");
        t.expectFromFileSystem(1 << 20, 100);
        assertEquals(100, t.expectedPaths(), "every inode has a path at least");
        for (int i = 0; i < 10; i++) {
            t.scannedPath();
            t.scannedInode(10);
        }
        for (int i = 0; i < 30; i++) t.scannedPath(); // hard links: paths without new inodes
        assertEquals(400, t.expectedPaths(), "4 paths per inode so far, 100 inodes");
        t.scanEnded();
        assertEquals(40, t.expectedPaths(), "exact once the scan has ended");
    }
}
