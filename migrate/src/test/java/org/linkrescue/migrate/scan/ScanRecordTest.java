package org.linkrescue.migrate.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.TimedCalls;
import org.linkrescue.migrate.drive.TimedReads;

/**
 * The room check's walk keeps what it found for the copy's scan: the copy walks the same tree
 * the same way without asking the drive for one listing or lookup again.
 */
class ScanRecordTest {
    @TempDir Path dir;
    private TimedReads reads;

    @BeforeEach void reads() { reads = new TimedReads(BlockReader.REAL, Duration.ofSeconds(30), 64 * 1024); }

    @AfterEach void close() { reads.close(); }

    private Path tree() throws IOException {
        Path root = Files.createDirectories(dir.resolve("src"));
        for (int s = 0; s < 3; s++) {
            for (int d = 0; d < 6; d++) {
                Path sub = Files.createDirectories(root.resolve("s" + s + "/d" + d + "/x"));
                for (int f = 0; f < 4; f++) Files.writeString(sub.resolve("f" + f + (f == 3 ? ".tmp" : "")), s + "/" + d + "/" + f);
            }
            Files.createSymbolicLink(root.resolve("s" + s + "/l"), Path.of("d1"));
        }
        return root;
    }

    private static List<String> walk(Path root, ScanCalls calls, PathFilter filter) throws IOException {
        List<String> seen = new ArrayList<>();
        new TreeScanner((g, p, w) -> seen.add("problem " + Names.latin1(p) + ": " + w), filter, calls)
                .walk(Names.bytes(root.toString()), new TreeScanner.Visitor() {
                    @Override public void visit(ScannedPath p) {
                        seen.add(Names.latin1(p.path()) + " " + p.stat().ino() + " " + p.stat().mode() + " "
                                + (p.linkTarget() == null ? "" : Names.latin1(p.linkTarget())) + " " + (p.xattrs() != null));
                    }

                    @Override public void leave(ScannedPath d) { seen.add("leave " + Names.latin1(d.path())); }
                });
        return seen;
    }

    /** Counts the listings asked of the drive. */
    private static class Counting implements ScanCalls {
        final ScanCalls calls;
        final AtomicInteger listings = new AtomicInteger();

        Counting(ScanCalls calls) { this.calls = calls; }

        @Override public List<byte[]> list(int dirFd) throws IOException { return calls.list(dirFd); }

        @Override public Looked[] look(int dirFd, List<byte[]> names) throws IOException { return calls.look(dirFd, names); }

        @Override public Listing listAndLook(int dirFd, Predicate<byte[]> keep) throws IOException {
            listings.incrementAndGet();
            return calls.listAndLook(dirFd, keep);
        }

        @Override public Ahead ahead(int dirFd, byte[] name, Predicate<byte[]> keep) {
            Ahead a = calls.ahead(dirFd, name, keep);
            if (a != null) listings.incrementAndGet();
            return a;
        }

        @Override public int openDir(int dirFd, byte[] name) throws IOException { return calls.openDir(dirFd, name); }

        @Override public <T> T call(String what, TimedCalls.Call<T> call) throws IOException { return calls.call(what, call); }
    }

    @Test
    void t01_theCopysWalkTakesEveryDirectoryFromTheRecord_andIsTheWalkItWouldHaveMade() throws IOException {
        Path root = tree();
        List<String> expected = walk(root, new TimedScanCalls(reads), PathFilter.NONE);
        ScanRecord record = new ScanRecord(1 << 20);
        assertEquals(expected, walk(root, record.recording(new TimedScanCalls(reads)), PathFilter.NONE));
        assertEquals(1 + 3 * (1 + 6 * 2), record.directories(), "the root, and each snapshot with its d and x directories");
        Counting drive = new Counting(new TimedScanCalls(reads));
        assertEquals(expected, walk(root, record.replaying(drive), PathFilter.NONE));
        assertEquals(0, drive.listings.get(), "no directory listed again");
        assertEquals(0, record.directories(), "each given out once, then forgotten");
    }

    @Test
    void t02_theCopysOwnFilterAppliesToWhatTheRecordHolds() throws IOException {
        Path root = tree();
        PathFilter noTmp = new PathFilter() {
            @Override public boolean excludes(byte[] path) { return Names.latin1(path).endsWith(".tmp"); }
        };
        ScanRecord record = new ScanRecord(1 << 20);
        walk(root, record.recording(new TimedScanCalls(reads)), PathFilter.NONE);
        List<String> filtered = walk(root, record.replaying(new TimedScanCalls(reads)), noTmp);
        assertEquals(walk(root, ScanCalls.DIRECT, noTmp).size(), filtered.size());
        assertTrue(filtered.stream().noneMatch(l -> l.contains(".tmp")), filtered.toString());
    }

    @Test
    void t03_pastItsBoundTheRecordKeepsNothingMore_andTheCopyAsksTheDriveForTheRest() throws IOException {
        Path root = tree();
        List<String> expected = walk(root, new TimedScanCalls(reads), PathFilter.NONE);
        ScanRecord record = new ScanRecord(20);
        walk(root, record.recording(new TimedScanCalls(reads)), PathFilter.NONE);
        int kept = record.directories();
        assertTrue(kept > 0 && kept < 1 + 3 * 13, kept + " directories kept");
        Counting drive = new Counting(new TimedScanCalls(reads));
        assertEquals(expected, walk(root, record.replaying(drive), PathFilter.NONE));
        assertEquals(1 + 3 * 13 - kept, drive.listings.get(), "only what was not kept is listed again");
    }

    @Test
    void t04_aListingThatStalledInTheWalkIsAStallInTheCopy_withoutCostingTheTimeoutAgain() throws IOException {
        Path root = tree();
        ReadTimeoutException stall = new ReadTimeoutException("getdents", 0, Duration.ofSeconds(30));
        ScanCalls stallingX = new Counting(new TimedScanCalls(reads)) {
            @Override public Listing listAndLook(int dirFd, Predicate<byte[]> keep) throws IOException {
                if (org.linkrescue.migrate.fs.Posix.fstat(dirFd).ino() == (long) Files.getAttribute(root.resolve("s1/d2/x"), "unix:ino")) {
                    throw stall;
                }
                return super.listAndLook(dirFd, keep);
            }

            @Override public Ahead ahead(int dirFd, byte[] name, Predicate<byte[]> keep) { return null; }
        };
        ScanRecord record = new ScanRecord(1 << 20);
        List<String> walked = walk(root, record.recording(stallingX), PathFilter.NONE);
        assertTrue(walked.contains("problem s1/d2/x: cannot read directory: getdents did not return within 30.0 s"), walked.toString());
        Counting drive = new Counting(new TimedScanCalls(reads));
        assertEquals(walked, walk(root, record.replaying(drive), PathFilter.NONE), "the same walk, the stall included");
        assertEquals(0, drive.listings.get());
    }
}
