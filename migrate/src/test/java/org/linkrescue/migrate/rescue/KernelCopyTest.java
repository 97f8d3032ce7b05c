package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.Errno;

/**
 * migrate moves a large file off the drive chunk by chunk inside the kernel (sendfile), each
 * chunk timed like a read. Whatever is not plain (a
 * bad block, an error, a kernel that cannot) goes on through reads and writes from where the
 * kernel copy stopped. A chunk given up for hanging may still write when the kernel lets it go:
 * the file it wrote into is let go, a fresh inode takes its name, and the late write changes
 * nothing anyone sees: not a byte, not the mtime, not a link. Through the fault seam, on real
 * files; read-ahead limit 64 KiB, so every file here is a large one.
 */
class KernelCopyTest {
    static final int MiB = 1 << 20;

    @TempDir Path tmp;
    final FaultyMigration m = new FaultyMigration();
    byte[] a;

    @AfterEach void close() throws InterruptedException { m.close(); }

    Path src() { return tmp.resolve("src"); }
    Path target() { return tmp.resolve("target"); }

    /** a (4 MiB) in one snapshot, linked again in the next. */
    void tree() throws IOException {
        a = bytes(4 * MiB + 3, 1);
        file(src().resolve("2024-01/a"), a);
        Files.createDirectories(src().resolve("2024-02"));
        Files.createLink(src().resolve("2024-02/a"), src().resolve("2024-01/a"));
    }

    RescueContentSource migrate(Duration timeout) throws IOException {
        return m.run(src(), target(), tmp, RescueOptions.defaults().withReadTimeout(timeout));
    }

    byte[] copied() throws IOException { return Files.readAllBytes(target().resolve("2024-01/a")); }

    Object ino(String rel) throws IOException { return Files.getAttribute(target().resolve(rel), "unix:ino"); }

    /** The names in the copy's first snapshot: only the archive's, no temporary left behind. */
    List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(target().resolve("2024-01"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    FileTime mtime() throws IOException { return Files.getLastModifiedTime(target().resolve("2024-01/a")); }

    static final FileTime SOURCE_MTIME = FileTime.from(MTIME * 1_000_000_000L + NSEC, TimeUnit.NANOSECONDS);

    @Test void c01_anUndamagedLargeFileIsCopiedInsideTheKernelWhole() throws Exception {
        tree();
        migrate(Duration.ofSeconds(60));
        assertTrue(m.drive.kernelCopies.get() >= 5, "4 MiB in 1 MiB kernel copies: " + m.drive.kernelCopies.get());
        assertArrayEquals(a, copied());
        assertEquals(ino("2024-01/a"), ino("2024-02/a"));
        assertEquals(SOURCE_MTIME, mtime());
        assertEquals(0, m.totals.damagedInodes());
        assertEquals(List.of(), m.fx.problems);
    }

    @Test void c02_aBadBlockStopsTheKernelCopyThereAndIsMetAsARead() throws Exception {
        tree();
        m.drive.eio("a", 2 * MiB + 100, 2 * MiB + 101);
        migrate(Duration.ofSeconds(60));
        long bad = (2 * MiB + 100) / 4096 * 4096;
        assertArrayEquals(zeroed(a, bad, bad + 4096), copied(), "every other byte the drive's");
        assertEquals(List.of(new ByteRange(bad, 4096)), m.report.records().get(0).badRanges());
        assertEquals(1, m.totals.damagedInodes());
        assertEquals(ino("2024-01/a"), ino("2024-02/a"));
    }

    @Test void c03_aKernelThatCannotCopyBetweenTheTwoLeavesItToReadsAndWrites() throws Exception {
        tree();
        m.drive.noKernelCopies(Errno.EINVAL);
        RescueContentSource s = migrate(Duration.ofSeconds(60));
        assertFalse(s.kernelCopies().on(), "refused: not asked again");
        assertEquals(1, m.drive.kernelCopies.get(), "asked once");
        assertArrayEquals(a, copied());
        assertEquals(0, m.totals.damagedInodes());
    }

    @Test void c04_aStallThatPassesCostsAFreshInodeAndNoByte_andTheLateWriteChangesNothing() throws Exception {
        tree();
        m.drive.hangOnceThenRead("a", 2 * MiB + 5); // the kernel copy stalls; the read after it does not
        migrate(Duration.ofSeconds(1));
        assertArrayEquals(a, copied(), "read again after the stall: the drive's own bytes");
        assertEquals(0, m.totals.damagedInodes(), "a stall is not damage");
        assertEquals(1, m.report.abandonedReads(), "the hung kernel copy counts as an abandoned read");
        Object ino = ino("2024-01/a");
        m.drive.letGoAndAwaitLostWorkers(); // the stalled copy goes through now, into the file let go
        assertArrayEquals(a, copied());
        assertEquals(SOURCE_MTIME, mtime(), "the late write did not touch the file with the name");
        assertEquals(ino, ino("2024-01/a"));
        assertEquals(ino, ino("2024-02/a"), "the link is to the fresh inode");
        assertEquals(List.of("a"), names(), "no temporary left");
    }

    @Test void c05_aDriveThatHangsAgainIsHung_andItsLateBytesLandNowhere() throws Exception {
        tree();
        m.drive.hangThenRead("a", 2 * MiB + 5); // every read over it stalls until let go, then goes through
        migrate(Duration.ofSeconds(1));
        byte[] rescued = zeroed(a, 2 * MiB, a.length); // a hung file is not read again: the rest is the rescue's
        assertArrayEquals(rescued, copied());
        assertEquals(1, m.totals.damagedInodes());
        assertEquals(2, m.report.abandonedReads(), "the hung kernel copy and the read that hung after it");
        m.drive.letGoAndAwaitLostWorkers();
        assertArrayEquals(rescued, copied(), "the late kernel copy wrote into the inode let go");
        assertEquals(SOURCE_MTIME, mtime());
        assertEquals(ino("2024-01/a"), ino("2024-02/a"));
        assertEquals(List.of("a"), names());
    }
}
