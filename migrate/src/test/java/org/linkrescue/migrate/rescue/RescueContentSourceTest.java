package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Provenance.Range;

/** Reading through bad blocks and splicing, through the in-process fault seam on real files. */
class RescueContentSourceTest {
    static final int MiB = 1 << 20;

    @TempDir Path tmp;
    final RescueFixture fx = new RescueFixture();
    final FaultyDrive drive = new FaultyDrive();
    final RescueReport report = new RescueReport();
    RescueContentSource source;

    Path src() { return tmp.resolve("src"); }
    Path mirror() { return tmp.resolve("mirror"); }
    Path original() { return tmp.resolve("original"); }

    RescueContentSource source(RescueOptions o) {
        source = new RescueContentSource(o.withSpoolDir(tmp), fx.policy, report, drive);
        return source;
    }

    RescueContentSource source(Alternate... alts) { return source(RescueOptions.defaults().withAlternates(List.of(alts))); }

    Alternate mirrorAlt() { return Alternate.parse("mirror=" + mirror()); }
    Alternate originalAlt() { return Alternate.parse("original=" + original()); }

    @AfterEach void close() {
        drive.release.countDown();
        if (source != null) source.close();
    }

    @Test void t01_undamagedFileIsStreamedAsItIsAndCostsNoRecord() throws Exception {
        byte[] data = bytes(3 * MiB + 17, 1);
        file(src().resolve("2024-01/a"), data);
        Content[] c = new Content[1];
        assertArrayEquals(data, read(source(), src(), "2024-01/a", c));
        assertTrue(c[0].provenance().isClean());
        assertTrue(ProvenancePax.records(c[0]).isEmpty());
        assertEquals(1, report.inodesRead());
        assertTrue(report.records().isEmpty());
        assertEquals(0, report.exitCode());
        assertEquals(List.of(), fx.problems);
    }

    @Test void t02_badRangesAreConfinedToTheFailingBlocks() throws Exception {
        byte[] data = bytes(3 * MiB + 100, 2);
        file(src().resolve("2024-01/a"), data);
        drive.eio("a", MiB + 8192 + 10, MiB + 8192 + 20).eio("a", 2 * MiB + 4096, 2 * MiB + 3 * 4096);
        byte[] got = read(source(), src(), "2024-01/a", null);
        DamagedInodeRecord r = report.records().get(0);
        assertEquals(List.of(new ByteRange(MiB + 8192, 4096), new ByteRange(2 * MiB + 4096, 2 * 4096)), r.badRanges());
        byte[] want = zeroed(zeroed(data, MiB + 8192, MiB + 8192 + 4096), 2 * MiB + 4096, 2 * MiB + 3 * 4096);
        assertArrayEquals(want, got);
        assertEquals(3 * 4096, r.bytesLost());
        assertEquals(3, report.exitCode());
        assertTrue(fx.problems.get(0).startsWith("FAILED 2024-01/a: read: EIO"), fx.problems.toString());
    }

    @Test void t03_shortReadBeforeABadBlockIsNotTakenForTheEnd() throws Exception {
        byte[] data = bytes(600_000, 3);
        file(src().resolve("2024-01/a"), data);
        drive.eio("a", 40960, 45056); // the 1 MiB read returns 40960 bytes, the next fails
        Content[] c = new Content[1];
        byte[] got = read(source(), src(), "2024-01/a", c);
        assertArrayEquals(zeroed(data, 40960, 45056), got);
        assertEquals(List.of(new Range(0, 40960, "source"), new Range(40960, 4096, "zero"),
                new Range(45056, 600_000 - 45056, "source")), c[0].provenance().ranges());
        assertTrue(c[0].provenance().damaged());
    }

    @Test void t04_firstBlockBad() throws Exception {
        byte[] data = bytes(100_000, 4);
        file(src().resolve("2024-01/a"), data);
        drive.eio("a", 0, 1);
        assertArrayEquals(zeroed(data, 0, 4096), read(source(), src(), "2024-01/a", null));
        assertEquals(List.of(new ByteRange(0, 4096)), report.records().get(0).badRanges());
    }

    @Test void t05_eioOnOpenWithoutAlternateLeavesTheFileOutAndRecordsIt() throws Exception {
        file(src().resolve("2024-01/a"), bytes(10_000, 5));
        drive.eioOnOpen("a");
        ContentSource.Reported e = assertThrows(ContentSource.Reported.class, () -> read(source(), src(), "2024-01/a", null));
        assertEquals(5, ((PosixException) e.getCause()).errno(), "said reported: the pipeline adds no second line");
        DamagedInodeRecord r = report.records().get(0);
        assertTrue(r.leftOut());
        assertEquals(List.of("open: EIO (Input/output error)"), r.errors());
        assertEquals(10_000, report.bytesLost());
        assertEquals(3, report.exitCode());
        assertEquals(List.of("FAILED 2024-01/a: open: EIO (Input/output error); no alternate fits (0 candidates rejected); left out"),
                fx.problems);
    }

    @Test void t05b_anOpenFailingForAMachinesLimitStopsTheRunInsteadOfLeavingTheFileOut() throws Exception {
        for (int errno : new int[] {org.linkrescue.migrate.fs.Errno.EMFILE, org.linkrescue.migrate.fs.Errno.ENFILE,
                org.linkrescue.migrate.fs.Errno.ENOMEM}) {
            file(src().resolve("2024-01/a"), bytes(10_000, 5));
            drive.failOpen("a", errno);
            org.linkrescue.migrate.fs.MachineLimitException e = assertThrows(org.linkrescue.migrate.fs.MachineLimitException.class,
                    () -> read(source(), src(), "2024-01/a", null));
            assertTrue(e.getMessage().startsWith("reading the source at '2024-01/a': open: "), e.getMessage());
            assertTrue(e.getMessage().contains("a limit of this machine, not damage of the drive"), e.getMessage());
            assertEquals(List.of(), report.records(), "no damage recorded");
            assertEquals(List.of(), fx.problems);
            source.close();
        }
    }

    @Test void t06_eioOnOpenIsRecoveredWholeFromAMirrorOfTheSameSizeAndMtime() throws Exception {
        byte[] data = bytes(10_000, 6);
        file(src().resolve("2024-01/a"), data);
        file(mirror().resolve("2024-01/a"), data);
        drive.eioOnOpen("a");
        Content[] c = new Content[1];
        assertArrayEquals(data, read(source(mirrorAlt()), src(), "2024-01/a", c));
        assertEquals(List.of(new Range(0, 10_000, "mirror:" + mirror() + "/2024-01/a")), c[0].provenance().ranges());
        assertFalse(c[0].provenance().damaged());
        assertEquals(0, report.exitCode());
        assertEquals(10_000, report.bytesSpliced());
    }

    @Test void t07_aHangingReadIsAbandonedAndTheRunGoesOn() throws Exception {
        byte[] data = bytes(3 * MiB, 7);
        file(src().resolve("2024-01/a"), data);
        byte[] other = bytes(5000, 77);
        file(src().resolve("2024-01/b"), other);
        drive.hang("a", 2 * MiB + 5);
        RescueContentSource s = source(RescueOptions.defaults().withReadTimeout(Duration.ofSeconds(1)));
        long t0 = System.nanoTime();
        byte[] got = read(s, src(), "2024-01/a", null);
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "not abandoned in time");
        assertArrayEquals(zeroed(data, 2 * MiB, 3 * MiB), got);
        DamagedInodeRecord r = report.records().get(0);
        assertEquals(List.of(new ByteRange(2 * MiB, MiB)), r.badRanges());
        assertTrue(r.errors().stream().anyMatch(x -> x.contains("hung")), r.errors().toString());
        assertArrayEquals(other, read(s, src(), "2024-01/b", null));
        assertTrue(report.summary().stream().anyMatch(x -> x.contains("hung")));
    }

    @Test void t07b_anOpenThatHangsIsAbandonedAndAnAlternateStandsIn() throws Exception {
        byte[] data = bytes(9000, 71);
        file(src().resolve("2024-01/a"), data);
        file(mirror().resolve("2024-01/a"), data);
        drive.hangOnOpen("a");
        RescueOptions o = RescueOptions.defaults().withReadTimeout(Duration.ofSeconds(1)).withAlternates(List.of(mirrorAlt()));
        assertArrayEquals(data, read(source(o), src(), "2024-01/a", null));
        DamagedInodeRecord r = report.records().get(0);
        assertEquals(List.of("open: open did not return within 1.0 s"), r.errors());
        assertEquals(0, report.exitCode());
    }

    @Test void t07c_anOpenThatReturnsAfterItWasGivenUpClosesItsDescriptor() throws Exception {
        byte[] data = bytes(9000, 72);
        Path a = src().resolve("2024-01/a");
        file(a, data);
        drive.lateOpen("a");
        RescueOptions o = RescueOptions.defaults().withReadTimeout(Duration.ofSeconds(1));
        RescueContentSource s = source(o);
        // The directory stays open, so the late open does find the file (EBADF would hide a leak).
        int dir = org.linkrescue.migrate.fs.Posix.openat(org.linkrescue.migrate.fs.Posix.AT_FDCWD,
                Names.bytes(a.getParent().toString()), org.linkrescue.migrate.fs.Posix.O_RDONLY | org.linkrescue.migrate.fs.Posix.O_DIRECTORY, 0);
        try {
            assertThrows(ContentSource.Reported.class, () -> s.open(Names.bytes("2024-01/a"), dir, Names.bytes("a"), lstat(a)));
            drive.letGoAndAwaitLostWorkers(); // the hung open now returns a descriptor nobody waits for
        } finally {
            org.linkrescue.migrate.fs.Posix.close(dir);
        }
        assertEquals(1, drive.lateOpened.get(), "the late open happened");
        String real = a.toRealPath().toString();
        long open;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            open = fds.filter(f -> {
                try {
                    return Files.readSymbolicLink(f).toString().equals(real);
                } catch (java.io.IOException gone) {
                    return false;
                }
            }).count();
        }
        assertEquals(0, open, "the late open's descriptor is closed by its worker");
    }

    @Test void t08_aWeakBlockThatReadsOnRetryIsNotLost() throws Exception {
        byte[] data = bytes(50_000, 8);
        file(src().resolve("2024-01/a"), data);
        drive.eio("a", 8192, 8193, 2); // the chunk read and the first block read fail, the retry reads
        byte[] got = read(source(), src(), "2024-01/a", null);
        assertArrayEquals(data, got);
        assertEquals(List.of(), report.records().get(0).badRanges());
        assertEquals(0, report.exitCode());
    }

    @Test void t09_withoutRetriesTheWeakBlockIsLost() throws Exception {
        byte[] data = bytes(50_000, 9);
        file(src().resolve("2024-01/a"), data);
        drive.eio("a", 8192, 8193, 2);
        byte[] got = read(source(RescueOptions.defaults().withRetries(0)), src(), "2024-01/a", null);
        assertArrayEquals(zeroed(data, 8192, 12288), got);
    }

    @Test void t10_wrongSizeIsRejectedAndADifferingReadableByteIsRejectedThenTheNextOneIsUsed() throws Exception {
        byte[] data = bytes(200_000, 10);
        file(src().resolve("2024-02/d/a"), data);
        byte[] differs = data.clone();
        differs[150_001] ^= 1;
        file(mirror().resolve("2024-02/d/a"), bytes(1000, 1));
        file(original().resolve("d/a"), differs);
        Path second = tmp.resolve("original2");
        file(second.resolve("d/a"), data);
        drive.eio("a", 70_000, 70_001);
        Content[] c = new Content[1];
        byte[] got = read(source(mirrorAlt(), originalAlt(), Alternate.parse("original=" + second)), src(), "2024-02/d/a", c);
        assertArrayEquals(data, got);
        List<Verdict> v = report.records().get(0).candidates();
        assertEquals("size 1000 != 200000", v.get(0).reason());
        assertEquals("byte 150001 differs", v.get(1).reason());
        assertTrue(v.get(2).accepted());
        assertEquals(List.of(new Range(0, 69632, "source"), new Range(69632, 4096, "original:" + second + "/d/a"),
                new Range(73728, 200_000 - 73728, "source")), c[0].provenance().ranges());
        assertEquals(0, report.exitCode());
        assertEquals(4096, report.bytesSpliced());
    }

    @Test void t11_aDifferenceBeforeTheFirstBadBlockIsFoundToo() throws Exception {
        byte[] data = bytes(3 * MiB, 11);
        file(src().resolve("2024-02/a"), data);
        byte[] differs = data.clone();
        differs[12345] ^= 1; // delivered before the damage was seen
        file(mirror().resolve("2024-02/a"), differs);
        drive.eio("a", 2 * MiB + 4096, 2 * MiB + 4097);
        byte[] got = read(source(mirrorAlt()), src(), "2024-02/a", null);
        assertArrayEquals(zeroed(data, 2 * MiB + 4096, 2 * MiB + 8192), got);
        assertEquals("byte 12345 differs", report.records().get(0).candidates().get(0).reason());
    }

    @Test void t12_mtimeMismatchIsRejectedUnlessAccepted() throws Exception {
        byte[] data = bytes(20_000, 12);
        file(src().resolve("2024-01/a"), data);
        file(mirror().resolve("2024-01/a"), data, MTIME + 1, NSEC);
        drive.eio("a", 4096, 4097);
        assertArrayEquals(zeroed(data, 4096, 8192), read(source(mirrorAlt()), src(), "2024-01/a", null));
        assertEquals("mtime 1700000001.123456789 != 1700000000.123456789",
                report.records().get(0).candidates().get(0).reason());
    }

    @Test void t13_mtimeMismatchWithEqualBytesIsAcceptedWithTheFlagAndSaidSo() throws Exception {
        byte[] data = bytes(20_000, 13);
        file(src().resolve("2024-01/a"), data);
        file(mirror().resolve("2024-01/a"), data, MTIME + 1, NSEC);
        drive.eio("a", 4096, 4097);
        RescueOptions o = RescueOptions.defaults().withAlternates(List.of(mirrorAlt())).withAcceptMtimeMismatch(true);
        assertArrayEquals(data, read(source(o), src(), "2024-01/a", null));
        Verdict v = report.records().get(0).accepted();
        assertTrue(v.reason().contains("accepted by --accept-mtime-mismatch"), v.reason());
        assertTrue(report.summary().stream().anyMatch(x -> x.contains("--accept-mtime-mismatch")));
        assertTrue(fx.problems.get(0).contains("--accept-mtime-mismatch"), fx.problems.toString());
    }

    @Test void t14_secondsOnlyMtimeOfACoarserFilesystemMatches() throws Exception {
        byte[] data = bytes(20_000, 14);
        file(src().resolve("2024-01/a"), data);
        file(mirror().resolve("2024-01/a"), data, MTIME, 0);
        drive.eio("a", 4096, 4097);
        assertArrayEquals(data, read(source(mirrorAlt()), src(), "2024-01/a", null));
    }

    @Test void t15_aRotatedMirrorNameIsFoundAndVerified() throws Exception {
        byte[] data = bytes(90_000, 15);
        file(src().resolve("daily.0/localhost/etc/f"), data);
        file(mirror().resolve("daily.3/localhost/etc/g"), bytes(5, 5));
        file(mirror().resolve("daily.7/localhost/etc/f"), data);
        drive.eio("f", 65536, 65537);
        RescueOptions o = RescueOptions.defaults().withAlternates(List.of(mirrorAlt())).withSnapshotDepth(2);
        Content[] c = new Content[1];
        assertArrayEquals(data, read(source(o), src(), "daily.0/localhost/etc/f", c));
        List<Verdict> v = report.records().get(0).candidates();
        assertEquals(List.of("open: ENOENT (No such file or directory)", "open: ENOENT (No such file or directory)", ""),
                v.stream().map(Verdict::reason).toList());
        assertEquals("mirror:" + mirror() + "/daily.7/localhost/etc/f", v.get(2).candidate().origin());
    }

    @Test void t16_anOriginalIsUsed() throws Exception {
        byte[] data = bytes(70_000, 16);
        file(src().resolve("2024-03/home/x"), data);
        file(original().resolve("home/x"), data);
        drive.eio("x", 65536, 70_000);
        Content[] c = new Content[1];
        assertArrayEquals(data, read(source(mirrorAlt(), originalAlt()), src(), "2024-03/home/x", c));
        assertEquals("original:" + original() + "/home/x", c[0].provenance().ranges().get(1).origin());
    }

    @Test void t17_symlinksAreNeverFollowedToACandidate() throws Exception {
        byte[] data = bytes(70_000, 17);
        file(src().resolve("2024-01/d/x"), data);
        file(tmp.resolve("elsewhere/d/x"), data);
        Files.createDirectories(mirror().resolve("2024-01"));
        Files.createSymbolicLink(mirror().resolve("2024-01/d"), tmp.resolve("elsewhere/d"));
        Files.createDirectories(original().resolve("d"));
        Files.createSymbolicLink(original().resolve("d/x"), tmp.resolve("elsewhere/d/x"));
        drive.eio("x", 0, 1);
        read(source(mirrorAlt(), originalAlt()), src(), "2024-01/d/x", null);
        List<Verdict> v = report.records().get(0).candidates();
        assertTrue(v.get(0).reason().startsWith("open: ENOTDIR") || v.get(0).reason().startsWith("open: ELOOP"), v.get(0).reason());
        assertEquals("not a regular file (a symlink; not followed)", v.get(1).reason());
        assertEquals(3, report.exitCode());
    }

    @Test void t18_zeroFillWhenNothingFitsAndTheReportNamesEveryPath() throws Exception {
        byte[] data = bytes(70_000, 18);
        Path a = file(src().resolve("2024-01/a"), data);
        Files.createDirectories(src().resolve("2024-02"));
        Files.createLink(src().resolve("2024-02/a"), a);
        drive.eio("a", 8192, 8193);
        Content[] c = new Content[1];
        byte[] got = read(source(mirrorAlt()), src(), "2024-01/a", c);
        assertArrayEquals(zeroed(data, 8192, 12288), got);
        var st = lstat(a);
        assertTrue(report.addPath(st.devId(), st.ino(), Names.bytes("2024-02/a")));
        assertFalse(report.addPath(st.devId(), st.ino() + 1, Names.bytes("other")));
        StringWriter w = new StringWriter();
        report.write(w);
        String json = w.toString();
        assertTrue(json.contains("\"paths\":[\"2024-01/a\",\"2024-02/a\"]"), json);
        assertTrue(json.contains("\"badRanges\":[\"8192-12287\"]"), json);
        assertTrue(json.contains("{\"range\":\"8192-12287\",\"from\":\"zero\"}"), json);
        assertTrue(json.contains("\"bytesLost\":4096"), json);
        assertTrue(json.contains("\"sha256\":\"" + sha256(got) + "\""), json);
        assertTrue(json.contains("\"exitCode\":3"), json);
        Map<String, byte[]> pax = ProvenancePax.records(c[0]);
        assertEquals("1", Names.latin1(pax.get("LINKRESCUE.damaged")));
        assertEquals("0-8191:source,8192-12287:zero,12288-69999:source", Names.latin1(pax.get("LINKRESCUE.ranges")));
        assertEquals(c[0].provenance().withSha256(null), ProvenancePax.parse(pax), "the ranges read back; the SHA-256 is a record of its own");
        assertEquals(sha256(got), Names.latin1(pax.get("LINKRESCUE.sha256")));
        assertTrue(report.summary().get(1).contains("could not be recovered"), report.summary().toString());
    }

    @Test void t19_sha256IsOfTheBytesWrittenWhenSpliced() throws Exception {
        byte[] data = bytes(2 * MiB + 5, 19);
        file(src().resolve("2024-01/a"), data);
        file(mirror().resolve("2024-01/a"), data);
        drive.eio("a", MiB + 4096 * 3, MiB + 4096 * 5);
        Content[] c = new Content[1];
        byte[] got = read(source(mirrorAlt()), src(), "2024-01/a", c);
        assertArrayEquals(data, got);
        assertEquals(sha256(data), c[0].provenance().sha256());
        assertEquals(sha256(data), report.records().get(0).sha256());
    }

    @Test void t20_alternateSpecsAreParsedInOrderAndBadOnesRefused() {
        assertEquals(Alternate.Kind.MIRROR, Alternate.parse("mirror=/m/").kind());
        assertEquals("/m", Names.latin1(Alternate.parse("mirror=/m/").dir()));
        assertEquals(Alternate.Kind.ORIGINAL, Alternate.parse("original=/o").kind());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Alternate.parse("copy=/x"));
        assertEquals("--alternate wants mirror=DIR or original=DIR, not 'copy=/x'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Alternate.parse("mirror="));
    }

    @Test void t21_badRangesMergeAndStaySorted() {
        BadRanges b = new BadRanges();
        b.add(8192, 12288);
        b.add(0, 4096);
        b.add(4096, 8192);
        b.add(20000, 20001);
        assertEquals(List.of(new ByteRange(0, 12288), new ByteRange(20000, 1)), b.list());
        assertEquals(12289, b.bytes());
    }

    @Test void t22_provenancePaxIsEmptyForCleanContent() {
        assertTrue(ProvenancePax.records(Provenance.CLEAN).isEmpty());
    }

    @Test void t23_provenancePaxKeepsOddOriginsAndCommasInPaths() {
        String odd = "mirror:/m/2024,1-2/\u00e9\n,x";
        Provenance p = new Provenance(List.of(new Range(0, 4096, odd), new Range(4096, 10, "source")), false);
        Map<String, byte[]> m = ProvenancePax.records(p);
        assertNull(m.get(ProvenancePax.DAMAGED));
        assertEquals(p, ProvenancePax.parse(m));
    }
}
