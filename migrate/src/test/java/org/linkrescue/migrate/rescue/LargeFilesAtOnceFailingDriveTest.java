package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.SeekFreeReads;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.testdata.FailingDrive;

/**
 * Large files copied two at a time off a REAL failing drive that says it does not rotate (a
 * btrfs image on a loop device marked solid state, blocks changed under their checksums): the
 * seek-free check finds the loop device through the mount table and /sys/fs/btrfs, the files
 * go to the disk sink's data threads, and what comes out is exactly what one-at-a-time copying
 * gives: the bad block spliced from the mirror, every link, every path of the damaged inode in
 * the report. Root only; CI fails on any skip of a FailingDrive test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeFilesAtOnceFailingDriveTest {
    static final int SIZE = (20 << 20) + 321; // above the 16 MiB read-ahead: read as it is written

    Path work, target;
    FailingDrive drive;
    byte[] a, b;
    long aBad;
    final RescueFixture fx = new RescueFixture();
    final RescueReport report = new RescueReport();
    final RunTotals totals = new RunTotals();
    boolean seekFree;
    boolean kernelCopy;

    @BeforeAll void migrateOffTheDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-large-failing-");
        drive = FailingDrive.create(work);
        drive.solidState();
        Path s1 = Files.createDirectories(drive.root().resolve("2024-01"));
        Path s2 = Files.createDirectories(drive.root().resolve("2024-02"));
        a = FailingDrive.pattern("large a.bin", SIZE);
        b = FailingDrive.pattern("large b.bin", SIZE);
        file(s1.resolve("a.bin"), a);
        file(s1.resolve("b.bin"), b);
        Files.createLink(s2.resolve("a.bin"), s1.resolve("a.bin"));
        Files.createLink(s2.resolve("b.bin"), s1.resolve("b.bin"));
        file(work.resolve("mirror/2024-01/a.bin"), a);
        aBad = drive.corruptBlock(s1.resolve("a.bin"), (9L << 20) + 5000);
        drive.breakBlocks();
        FailingDrive.dropCaches();

        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(s1.resolve("b.bin").toString()), Posix.O_RDONLY, 0);
        try {
            seekFree = new SeekFreeReads().test(fd, Posix.fstat(fd));
        } finally {
            Posix.close(fd);
        }
        FailingDrive.dropCaches();

        target = work.resolve("target");
        RescueContentSource source = new RescueContentSource(RescueOptions.defaults().withSpoolDir(work)
                .withAlternates(List.of(Alternate.parse("mirror=" + work.resolve("mirror")))), fx.policy, report);
        try (source) {
            DiskSink sink = DiskSink.open(Names.bytes(target.toString()), new DiskSink.Options(false, Posix.isRoot(), 32, 2), fx.policy);
            new Evacuation(source, fx.policy, totals, Evacuation.Tuning.DEFAULT).onLaterPath(report::addPath)
                    .run(Names.bytes(drive.root().toString()), sink, Evacuation.SinkKind.CONSUMES_BYTES);
            kernelCopy = source.kernelCopies().on();
        }
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) org.linkrescue.testdata.FailingDriveFiles.deleteTree(work);
    }

    @Test void theDriveIsFoundSeekFreeThroughTheMountTable() {
        assertTrue(seekFree, "a btrfs on a loop device marked non-rotational, its file not cached");
    }

    @Test void theBytesWereCopiedInsideTheKernel_sendfileNeverRefusedBetweenTheTwoFileSystems() {
        assertTrue(kernelCopy, "sendfile from btrfs to the target's file system, EIO and all");
    }

    @Test void theBadBlockComesFromTheMirrorAndEveryOtherByteFromTheDrive() throws Exception {
        assertArrayEquals(a, Files.readAllBytes(target.resolve("2024-01/a.bin")));
        assertArrayEquals(b, Files.readAllBytes(target.resolve("2024-01/b.bin")));
        DamagedInodeRecord r = report.records().get(0);
        assertEquals(1, report.records().size());
        assertEquals(List.of(new ByteRange(aBad, 4096)), r.badRanges());
        assertEquals(sha256(a), r.sha256());
        assertEquals(4096, report.bytesSpliced());
        assertEquals(0, report.bytesLost());
    }

    @Test void everyPathOfTheDamagedInodeIsInTheReport_andEveryLinkIsKept() throws Exception {
        assertEquals(List.of("2024-01/a.bin", "2024-02/a.bin"),
                report.records().get(0).paths().stream().map(Names::latin1).toList());
        for (String n : List.of("a.bin", "b.bin"))
            assertEquals(Files.getAttribute(target.resolve("2024-01/" + n), "unix:ino"),
                    Files.getAttribute(target.resolve("2024-02/" + n), "unix:ino"), n);
    }

    @Test void bothFilesCountOnceWritten_andNeitherAsDamaged() {
        assertEquals(2, totals.inodesRead());
        assertEquals(2L * SIZE, totals.bytes());
        assertEquals(0, totals.damagedInodes(), "every unreadable byte was filled from a verified copy");
        assertTrue(fx.problems.stream().allMatch(p -> p.contains("a.bin")), fx.problems.toString());
    }
}
