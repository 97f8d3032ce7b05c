package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.fs.XattrsAt;
import org.linkrescue.migrate.pipeline.Evacuation;

/**
 * A rescue in passes, as GNU ddrescue does it: good data first, bad areas last. Through the fault
 * seam on real files (a read that reaches a bad block comes back short where it starts, one that
 * starts in it fails with EIO), into the real disk sink, with the seam's log of every read: pass
 * 1 touches no bad block twice before every healthy file is read; the later passes confine the
 * damage to the blocks that fail, retry them, and splice them from a copy found through any path
 * of the inode, in place, so every hard link sees it and the file keeps its mtime.
 */
class RescueInPassesTest {
    static final int KiB = 1024, MiB = 1 << 20;

    @TempDir Path tmp;
    final FaultyMigration m = new FaultyMigration();

    @AfterEach void close() throws InterruptedException { m.close(); }

    Path src() { return tmp.resolve("src"); }
    Path mirror() { return tmp.resolve("mirror"); }
    Path target() { return tmp.resolve("target"); }

    RescueOptions withMirror() { return RescueOptions.defaults().withAlternates(List.of(Alternate.parse("mirror=" + mirror()))); }

    RescueContentSource migrate(RescueOptions o, Set<Pass> plan, Evacuation.Tuning tuning) throws IOException {
        return m.run(src(), target(), tmp, o, plan, tuning);
    }

    byte[] copied(String rel) throws IOException { return Files.readAllBytes(target().resolve(rel)); }

    ReadLog reads() { return ReadLog.of(m.drive); }

    void noBadBlockTwiceBeforeTheHealthyFilesAreOut(String file, long... badBlocks) {
        reads().noBadBlockTwiceBeforeTheHealthyFilesAreOut(file, badBlocks);
    }

    /** Healthy files h1..h6 around a damaged one, each linked from a second snapshot. */
    void treeAround(String damaged, byte[] data, int healthySize) throws IOException {
        for (int i = 1; i <= 6; i++) file(src().resolve("2024-01/" + (i <= 3 ? "a" : "z") + "/h" + i), bytes(healthySize, 10 + i));
        file(src().resolve("2024-01/m/" + damaged), data);
        file(mirror().resolve("2024-01/m/" + damaged), data);
        for (String rel : List.of("a/h1", "a/h2", "a/h3", "m/" + damaged, "z/h4", "z/h5", "z/h6")) {
            Files.createDirectories(src().resolve("2024-02/" + rel).getParent());
            Files.createLink(src().resolve("2024-02/" + rel), src().resolve("2024-01/" + rel));
        }
    }

    @Test void t01_passOneTouchesNoBadBlockTwiceBeforeTheHealthyFilesAreOut() throws Exception {
        byte[] d = bytes(600 * KiB, 1);
        treeAround("d", d, 200 * KiB);
        m.drive.eio("d", 100 * KiB, 100 * KiB + 1).eio("d", 300 * KiB, 300 * KiB + 1);
        migrate(withMirror(), Pass.ALL, Evacuation.Tuning.DEFAULT);
        noBadBlockTwiceBeforeTheHealthyFilesAreOut("d", 100 * KiB, 300 * KiB);
        assertArrayEquals(d, copied("2024-01/m/d"));
        DamagedInodeRecord r = m.report.records().get(0);
        assertEquals(List.of(new ByteRange(100 * KiB, 4096), new ByteRange(300 * KiB, 4096)), r.badRanges());
        assertEquals(0, r.bytesLost());
        assertTrue(r.accepted().candidate().toString().endsWith("2024-01/m/d"), r.accepted().toString());
        assertEquals(2, r.paths().size(), "both snapshots' paths");
        assertEquals(Files.getAttribute(target().resolve("2024-01/m/d"), "unix:ino"), Files.getAttribute(target().resolve("2024-02/m/d"), "unix:ino"));
        assertEquals(0, m.report.exitCode());
        assertTrue(m.report.pendingInodes().isEmpty());
    }

    @Test void t02_largeFilesCopiedByTheWorkersTouchNoBadBlockTwiceEither() throws Exception {
        // Every file is a large one (read-ahead up to 64 KiB): copied chunk by chunk into the target,
        // two chunks in flight, so the chunk after a failing one is read before the failure is known.
        byte[] d = bytes(5 * MiB + 100, 2);
        treeAround("d", d, 300 * KiB);
        m.drive.eio("d", MiB + 8192, MiB + 8193).eio("d", 2 * MiB + 4096, 2 * MiB + 4097).eio("d", 4 * MiB, 4 * MiB + 1);
        migrate(withMirror(), Pass.ALL, FaultyMigration.LARGE_ABOVE_64_KIB);
        noBadBlockTwiceBeforeTheHealthyFilesAreOut("d", MiB + 8192, 2 * MiB + 4096, 4 * MiB);
        assertArrayEquals(d, copied("2024-01/m/d"));
        assertArrayEquals(d, copied("2024-02/m/d"));
        assertEquals(List.of(new ByteRange(MiB + 8192, 4096), new ByteRange(2 * MiB + 4096, 4096), new ByteRange(4 * MiB, 4096)),
                m.report.records().get(0).badRanges());
    }

    @Test void t03_aLongBadZoneCostsPassOneFewReads() throws Exception {
        byte[] d = bytes(24 * MiB, 3);
        file(src().resolve("2024-01/d"), d);
        file(src().resolve("2024-01/h1"), bytes(10 * KiB, 4));
        m.drive.eio("d", 2 * MiB + 4096, 18 * MiB); // 16 MiB, every block bad
        migrate(RescueOptions.defaults(), EnumSet.of(Pass.COPY), Evacuation.Tuning.DEFAULT);
        long inZone = reads().touching("d", 2 * MiB + 4096, 18 * MiB);
        // A chunk per MiB would be 16 reads; the skip doubles at each failure in a row.
        assertTrue(inZone <= 8, inZone + " reads in the bad zone: " + reads());
        byte[] got = copied("2024-01/d");
        assertArrayEquals(java.util.Arrays.copyOfRange(d, 0, 2 * MiB + 4096), java.util.Arrays.copyOfRange(got, 0, 2 * MiB + 4096));
        assertArrayEquals(java.util.Arrays.copyOfRange(d, 20 * MiB, 24 * MiB), java.util.Arrays.copyOfRange(got, 20 * MiB, 24 * MiB),
                "the data past the zone is read in pass 1");
    }

    @Test void t04_scrapeConfinesTheDamageToTheBlocksThatFail() throws Exception {
        byte[] d = bytes(3 * MiB, 5);
        file(src().resolve("2024-01/d"), d);
        m.drive.eio("d", 500 * KiB, 500 * KiB + 1).eio("d", 510 * KiB, 518 * KiB).eio("d", 2 * MiB + 12 * KiB, 2 * MiB + 12 * KiB + 1);
        migrate(RescueOptions.defaults(), EnumSet.of(Pass.COPY, Pass.SCRAPE, Pass.RETRY), Evacuation.Tuning.DEFAULT);
        DamagedInodeRecord r = m.report.records().get(0);
        assertEquals(List.of(new ByteRange(500 * KiB, 4096), new ByteRange(508 * KiB, 12 * KiB), new ByteRange(2 * MiB + 12 * KiB, 4096)),
                r.badRanges());
        byte[] want = zeroed(zeroed(zeroed(d, 500 * KiB, 504 * KiB), 508 * KiB, 520 * KiB), 2 * MiB + 12 * KiB, 2 * MiB + 16 * KiB);
        assertArrayEquals(want, copied("2024-01/d"));
        assertEquals(List.of(), r.untried());
        assertEquals(3, m.report.exitCode());
    }

    @Test void t05_theRetryPassReadsAWeakBlockThatFailedTwice() throws Exception {
        byte[] d = bytes(700 * KiB, 6);
        file(src().resolve("2024-01/d"), d);
        // Pass 1's read comes back short before it (as btrfs does); the block fails when trimmed and
        // on the first retry (forwards), and reads on the second (backwards).
        m.drive.eio("d", 200 * KiB, 200 * KiB + 1, 2);
        migrate(RescueOptions.defaults().withRetries(2), Pass.ALL, Evacuation.Tuning.DEFAULT);
        assertArrayEquals(d, copied("2024-01/d"));
        DamagedInodeRecord r = m.report.records().get(0);
        assertEquals(List.of(), r.badRanges(), "nothing lost in the end");
        assertEquals(0, m.report.exitCode());
    }

    @Test void t06_aLaterPathRenamedInALaterSnapshotOffersItsMirrorCopy() throws Exception {
        byte[] d = bytes(300 * KiB, 7);
        file(src().resolve("2024-01/old-name"), d);
        Files.createDirectories(src().resolve("2024-02"));
        Files.createLink(src().resolve("2024-02/new-name"), src().resolve("2024-01/old-name"));
        file(mirror().resolve("2024-02/new-name"), d); // the mirror has it under its later name only
        Files.createDirectories(mirror().resolve("2024-01"));
        m.drive.eio("old-name", 64 * KiB, 64 * KiB + 1);
        migrate(withMirror(), Pass.ALL, Evacuation.Tuning.DEFAULT);
        assertArrayEquals(d, copied("2024-01/old-name"));
        assertArrayEquals(d, copied("2024-02/new-name"));
        DamagedInodeRecord r = m.report.records().get(0);
        assertEquals(0, r.bytesLost());
        assertTrue(r.accepted().candidate().toString().endsWith("mirror/2024-02/new-name"), r.candidates().toString());
        assertEquals(List.of("2024-01/old-name", "2024-02/new-name"), r.paths().stream().map(Names::latin1).toList());
    }

    @Test void t07_copyAloneLeavesZerosWhereItSkippedAndSaysSo() throws Exception {
        byte[] d = bytes(2 * MiB, 8);
        file(src().resolve("2024-01/d"), d);
        file(mirror().resolve("2024-01/d"), d);
        m.drive.eio("d", MiB + 4096, MiB + 4097);
        migrate(withMirror(), EnumSet.of(Pass.COPY), Evacuation.Tuning.DEFAULT);
        DamagedInodeRecord r = m.report.records().get(0);
        assertFalse(r.untried().isEmpty());
        assertEquals(r.badRanges(), r.untried(), "never read again, never spliced");
        assertTrue(r.candidates().isEmpty());
        byte[] got = copied("2024-01/d");
        for (ByteRange u : r.untried()) for (long p = u.offset(); p < u.end(); p++) assertEquals(0, got[(int) p]);
        assertArrayEquals(java.util.Arrays.copyOf(d, MiB + 4096), java.util.Arrays.copyOf(got, MiB + 4096));
        assertEquals(3, m.report.exitCode());
        assertTrue(m.fx.problems.get(0).contains("never read again"), m.fx.problems.toString());
    }

    @Test void t08_theFilePatchedInPlaceKeepsItsInodeMtimeModeAndCapabilities() throws Exception {
        byte[] d = bytes(400 * KiB, 9);
        Path f = file(src().resolve("2024-01/d"), d);
        file(mirror().resolve("2024-01/d"), d);
        Files.createDirectories(src().resolve("2024-02"));
        Files.createLink(src().resolve("2024-02/d"), f);
        Posix.fchmodAtNoFollow(Posix.AT_FDCWD, Names.bytes(f.toString()), 04755);
        boolean caps = capability(f);
        m.drive.eio("d", 12 * KiB, 12 * KiB + 1);
        migrate(withMirror(), Pass.ALL, Evacuation.Tuning.DEFAULT);
        Path t = target().resolve("2024-02/d");
        assertArrayEquals(d, Files.readAllBytes(t));
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(t.toString()));
        assertEquals(MTIME, st.mtimeSec());
        assertEquals(NSEC, st.mtimeNsec());
        assertEquals(04755, st.perm());
        assertEquals(2, st.nlink());
        if (caps) assertNotNull(XattrsAt.get(Posix.AT_FDCWD, Names.bytes(t.toString()), Names.bytes("security.capability")),
                "a write removes file capabilities: they are put back");
    }

    @Test void t09_eachPassTellsTheStatesItLeavesSoARescueMapCanKeepThem() throws Exception {
        byte[] d = bytes(3 * MiB, 10);
        file(src().resolve("2024-01/d"), d);
        file(mirror().resolve("2024-01/d"), d);
        m.drive.eio("d", MiB + 8192, MiB + 8193);
        List<String> told = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        PassListener l = new PassListener() {
            @Override public void pass(Pass p) { told.add(p.word); }
            @Override public void states(PendingInode p) { told.add(p.states().spans().toString()); }
            @Override public void finished() { told.add("finished"); }
        };
        RescueContentSource s = new RescueContentSource(withMirror().withSpoolDir(tmp), m.fx.policy, m.report, m.drive).inPasses(Pass.ALL);
        s.passes().listener(l);
        new Evacuation(s, m.fx.policy, m.totals, Evacuation.Tuning.DEFAULT).onLaterPath(m.report::addPath).run(Names.bytes(src().toString()),
                org.linkrescue.migrate.sink.DiskSink.open(Names.bytes(target().toString()),
                        org.linkrescue.migrate.sink.DiskSink.Options.defaults(), m.fx.policy), Evacuation.SinkKind.CONSUMES_BYTES);
        s.close();
        long bad = MiB + 8192;
        assertEquals(List.of(
                "[0+" + bad + ":+, " + bad + "+" + (2 * MiB - bad) + ":*, " + 2 * MiB + "+65536:?, " + (2 * MiB + 65536) + "+" + (MiB - 65536) + ":+]",
                "[0+" + bad + ":+, " + bad + "+" + (2 * MiB - bad) + ":*, " + 2 * MiB + "+65536:?, " + (2 * MiB + 65536) + "+" + (MiB - 65536) + ":+]",
                "scrape",
                "[0+" + bad + ":+, " + bad + "+4096:-, " + (bad + 4096) + "+" + (3 * MiB - bad - 4096) + ":+]",
                "retry",
                "[0+" + bad + ":+, " + bad + "+4096:-, " + (bad + 4096) + "+" + (3 * MiB - bad - 4096) + ":+]",
                "splice", "finished"), told);
        assertArrayEquals(d, copied("2024-01/d"));
    }

    @Test void t10_aRescueStoppedAfterPassOneGoesOnFromTheStatesItKept() throws Exception {
        byte[] d = bytes(3 * MiB, 11);
        file(src().resolve("2024-01/d"), d);
        Files.createDirectories(src().resolve("2024-02"));
        Files.createLink(src().resolve("2024-02/renamed"), src().resolve("2024-01/d"));
        file(mirror().resolve("2024-02/renamed"), d); // found through its later path only
        m.drive.eio("d", MiB + 8192, MiB + 8193).eio("d", 2 * MiB + 40960, 2 * MiB + 40961);
        List<byte[]> kept = new java.util.ArrayList<>();
        RescueContentSource first = new RescueContentSource(withMirror().withSpoolDir(tmp), m.fx.policy, m.report, m.drive).inPasses(EnumSet.of(Pass.COPY));
        first.passes().listener(new PassListener() {
            @Override public synchronized void states(PendingInode p) { kept.add(p.encode()); } // what a rescue map keeps
        });
        new Evacuation(first, m.fx.policy, m.totals, Evacuation.Tuning.DEFAULT).onLaterPath(m.report::addPath).run(Names.bytes(src().toString()),
                org.linkrescue.migrate.sink.DiskSink.open(Names.bytes(target().toString()),
                        org.linkrescue.migrate.sink.DiskSink.Options.defaults(), m.fx.policy), Evacuation.SinkKind.CONSUMES_BYTES);
        first.close();
        assertEquals(2, kept.size(), "told once in pass 1, once more with every path when the stream ended");
        assertFalse(java.util.Arrays.equals(d, copied("2024-01/d")), "pass 1 alone left zeros");
        int readsOfPassOne = m.drive.reads.size();

        PendingInode stopped = PendingInode.decode(kept.get(1));
        RescueReport report = new RescueReport();
        try (RescueContentSource again = new RescueContentSource(withMirror().withSpoolDir(tmp), m.fx.policy, report, m.drive)
                .inPasses(Pass.ALL).resumePending(List.of(stopped), Pass.SCRAPE)) {
            again.settlePending(Names.bytes(src().toString()), new FilesInPlace(target()));
        }
        assertArrayEquals(d, copied("2024-01/d"), "scraped, then spliced from the mirror's later path");
        DamagedInodeRecord r = report.records().get(0);
        assertEquals(List.of(new ByteRange(MiB + 8192, 4096), new ByteRange(2 * MiB + 40960, 4096)), r.badRanges());
        assertEquals(0, r.bytesLost());
        assertTrue(r.accepted().candidate().toString().endsWith("mirror/2024-02/renamed"), r.candidates().toString());
        List<String> later = m.drive.reads.subList(readsOfPassOne, m.drive.reads.size());
        for (String read : later) {
            ReadLog.Read x = ReadLog.Read.of(read);
            assertFalse(x.off() < MiB + 8192 && x.name().equals("d"), "what pass 1 read is not read again: " + later);
        }
    }

    /** TARGET's files as a later run finds them, late bytes written in place (as a resumed disk sink writes the files the map says it made). */
    record FilesInPlace(Path root) implements org.linkrescue.migrate.stream.EntrySink, org.linkrescue.migrate.stream.PendingFiles {
        @Override public void accept(org.linkrescue.archive.Entry e, org.linkrescue.migrate.stream.Content c) { throw new AssertionError("no entries"); }
        @Override public void finish() {}
        @Override public void close() {}

        @Override
        public PendingFile reopen(byte[] path, org.linkrescue.migrate.fs.Stat scanned) throws IOException {
            java.io.RandomAccessFile f = new java.io.RandomAccessFile(root.resolve(Names.latin1(path)).toFile(), "rw");
            return new PendingFile() {
                @Override public void read(long off, byte[] b, int from, int len) throws IOException { f.seek(off); f.readFully(b, from, len); }
                @Override public void write(long off, byte[] b, int from, int len) throws IOException { f.seek(off); f.write(b, from, len); }
                @Override public void complete(org.linkrescue.migrate.stream.Provenance p) {}
                @Override public void close() throws IOException { f.close(); }
            };
        }
    }

    /** Gives f a file capability (cap_net_bind_service); false where the file system or process cannot. */
    static boolean capability(Path f) {
        byte[] v2 = {0, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}; // VFS_CAP_REVISION_2, permitted bit 10
        try {
            XattrsAt.set(Posix.AT_FDCWD, Names.bytes(f.toString()), Names.bytes("security.capability"), v2);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
