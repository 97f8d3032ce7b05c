package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance.Range;
import org.linkrescue.testdata.FailingDrive;

/**
 * The rescue reader on a REAL failing drive: a btrfs image on a loop device with blocks changed
 * under their checksums, so the kernel itself answers EIO. Root only; skipped with a message
 * elsewhere (CI fails on any skip of a FailingDrive test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailingDriveRescueTest {
    static final int A_SIZE = 300_000, FIRST_SIZE = 100_000, LOST_SIZE = 200_000;

    Path work;
    FailingDrive drive;
    byte[] a, first, lost;
    final List<Long> aBad = new ArrayList<>();

    @BeforeAll void buildTheDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-failing-");
        drive = FailingDrive.create(work);
        Path snap = drive.root().resolve("2024-01/docs");
        Files.createDirectories(snap);
        a = FailingDrive.pattern("a.bin", A_SIZE);
        first = FailingDrive.pattern("first.bin", FIRST_SIZE);
        lost = FailingDrive.pattern("lost.bin", LOST_SIZE);
        file(snap.resolve("a.bin"), a);
        file(snap.resolve("first.bin"), first);
        file(snap.resolve("lost.bin"), lost);
        file(work.resolve("mirror/2024-01/docs/a.bin"), a);
        file(work.resolve("mirror/2024-01/docs/lost.bin"), FailingDrive.pattern("another lost.bin", LOST_SIZE));
        aBad.add(drive.corruptBlock(snap.resolve("a.bin"), 8192 + 17));
        aBad.add(drive.corruptBlock(snap.resolve("a.bin"), 200_000));
        drive.corruptBlock(snap.resolve("first.bin"), 0);
        drive.corruptBlock(snap.resolve("lost.bin"), 70_000);
        drive.breakBlocks();
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) org.linkrescue.testdata.FailingDriveFiles.deleteTree(work);
    }

    RescueFixture fx;
    RescueReport report;

    /** Each case starts from a cold cache and its own report (one drive serves the class). */
    @BeforeEach void coldCache() throws Exception {
        FailingDrive.dropCaches();
        fx = new RescueFixture();
        report = new RescueReport();
    }

    RescueContentSource source(Alternate... alts) {
        return new RescueContentSource(RescueOptions.defaults().withAlternates(List.of(alts)).withSpoolDir(work), fx.policy, report);
    }

    @Test void theKernelFailsExactlyTheCorruptedBlocks() throws Exception {
        // the oracle, without our reader: pread every 4 KiB block of a.bin
        Path p = drive.root().resolve("2024-01/docs/a.bin");
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(p.toString()), Posix.O_RDONLY, 0);
        List<Long> failing = new ArrayList<>();
        try {
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            for (long off = 0; off < A_SIZE; off += 4096) {
                try {
                    Posix.pread(fd, b, 4096, off);
                } catch (PosixException e) {
                    assertEquals(Errno.EIO, e.errno());
                    failing.add(off);
                }
            }
        } finally {
            Posix.close(fd);
        }
        assertEquals(aBad, failing);
    }

    @Test void badRangesAreExactlyTheCorruptedBlocksAndTheRestIsTheDrivesOwn() throws Exception {
        try (RescueContentSource s = source()) {
            byte[] got = read(s, drive.root(), "2024-01/docs/a.bin", null);
            DamagedInodeRecord r = report.records().get(0);
            assertEquals(List.of(new ByteRange(aBad.get(0), 4096), new ByteRange(aBad.get(1), 4096)), r.badRanges());
            byte[] want = zeroed(zeroed(a, aBad.get(0), aBad.get(0) + 4096), aBad.get(1), aBad.get(1) + 4096);
            assertArrayEquals(want, got);
            assertEquals(2 * 4096, report.bytesLost());
        }
    }

    @Test void firstBlockBad() throws Exception {
        try (RescueContentSource s = source()) {
            byte[] got = read(s, drive.root(), "2024-01/docs/first.bin", null);
            assertEquals(List.of(new ByteRange(0, 4096)), report.records().get(0).badRanges());
            assertArrayEquals(zeroed(first, 0, 4096), got);
        }
    }

    @Test void aCandidateFromTheMirrorIsVerifiedAndSpliced() throws Exception {
        Alternate m = Alternate.parse("mirror=" + work.resolve("mirror"));
        try (RescueContentSource s = source(m)) {
            Content[] c = new Content[1];
            byte[] got = read(s, drive.root(), "2024-01/docs/a.bin", c);
            assertArrayEquals(a, got);
            String origin = "mirror:" + work.resolve("mirror") + "/2024-01/docs/a.bin";
            long b0 = aBad.get(0), b1 = aBad.get(1);
            assertEquals(List.of(new Range(0, b0, "source"), new Range(b0, 4096, origin),
                    new Range(b0 + 4096, b1 - b0 - 4096, "source"), new Range(b1, 4096, origin),
                    new Range(b1 + 4096, A_SIZE - b1 - 4096, "source")), c[0].provenance().ranges());
            assertEquals(0, report.exitCode());
            assertEquals(sha256(a), report.records().get(0).sha256());
        }
    }

    @Test void zeroFillWhenTheOnlyCandidateDisagrees() throws Exception {
        Alternate m = Alternate.parse("mirror=" + work.resolve("mirror"));
        try (RescueContentSource s = source(m)) {
            byte[] got = read(s, drive.root(), "2024-01/docs/lost.bin", null);
            long b = 70_000 / 4096 * 4096;
            assertArrayEquals(zeroed(lost, b, b + 4096), got);
            DamagedInodeRecord r = report.records().get(0);
            assertEquals("byte 6 differs", r.candidates().get(0).reason());
            assertEquals(3, report.exitCode());
            assertTrue(r.provenance().damaged());
        }
    }
}
