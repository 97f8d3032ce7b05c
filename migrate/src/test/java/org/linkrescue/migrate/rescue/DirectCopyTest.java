package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.DirectCopy;

/**
 * The straight path of a rescue read (each chunk read into the read worker's own direct buffer,
 * written to the target from there): as far as the drive reads cleanly the bytes never pass
 * through the Java heap; where it fails or hangs, the rescue takes over from that very byte,
 * exactly as when every byte is fed.
 */
class DirectCopyTest {
    static final int MiB = 1 << 20;

    @TempDir Path tmp;
    final RescueFixture fx = new RescueFixture();
    final FaultyDrive drive = new FaultyDrive();
    final RescueReport report = new RescueReport();
    RescueContentSource source;

    @AfterEach void close() {
        drive.release.countDown();
        if (source != null) source.close();
    }

    RescueContentSource source(RescueOptions o) {
        source = new RescueContentSource(o.withSpoolDir(tmp), fx.policy, report, drive);
        return source;
    }

    /** What a disk sink does: copyPrefix into a new file, the rest fed; returns the file's bytes and where the straight copy stopped. */
    record Copied(byte[] bytes, long kernelBytes, Content content) {}

    Copied copy(RescueContentSource s, String rel, DirectCopy.DirectTarget target) throws IOException {
        return copy(s, rel, tmp.resolve("out-" + System.nanoTime()),
                fd -> target != null ? target : b -> Posix.writeFully(fd, b, b.remaining()), fd -> { });
    }

    /**
     * Opens rel, copies its prefix into a new file out through the target made for out's
     * descriptor, checks what afterPrefix checks, then feeds the rest from where the prefix
     * ended (the disk sink seeks there: a target that writes at offsets leaves the position).
     */
    Copied copy(RescueContentSource s, String rel, Path out, java.util.function.IntFunction<DirectCopy.DirectTarget> targetFor,
                IntCheck afterPrefix) throws IOException {
        Path p = tmp.resolve("src").resolve(rel);
        int dir = Posix.openat(Posix.AT_FDCWD, Names.bytes(p.getParent().toString()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(out.toString()), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0600);
        try (Content c = s.open(Names.bytes(rel), dir, Names.bytes(p.getFileName().toString()), lstat(p))) {
            long from = c.as(DirectCopy.class).copyPrefix(targetFor.apply(fd));
            afterPrefix.check(fd);
            if (from < c.size()) {
                Posix.lseek(fd, from, Posix.SEEK_SET);
                c.as(DirectCopy.class).feedFrom(from, (b, off, len) -> Posix.writeFully(fd, b, off, len));
            }
            return new Copied(Files.readAllBytes(out), from, c);
        } finally {
            Posix.close(fd);
            Posix.close(dir);
        }
    }

    @FunctionalInterface
    interface IntCheck {
        void check(int fd) throws IOException;
    }

    @Test void k01_anUndamagedFileGoesWhollyStraight() throws Exception {
        byte[] data = bytes(3 * MiB + 17, 1);
        file(tmp.resolve("src/2024-01/a"), data);
        Copied c = copy(source(RescueOptions.defaults()), "2024-01/a", null);
        assertArrayEquals(data, c.bytes());
        assertEquals(data.length, c.kernelBytes());
        assertTrue(c.content().provenance().isClean());
        assertEquals(1, report.inodesRead());
        assertTrue(report.records().isEmpty());
        assertEquals(List.of(), fx.problems);
        assertThrows(IllegalStateException.class, () -> c.content().feed((b, o, l) -> { }), "all delivered: no second feed");
    }

    @Test void k02_aBadBlockStopsTheCopyThereAndTheRescueTakesOverFromThatByte() throws Exception {
        byte[] data = bytes(3 * MiB + 100, 2);
        file(tmp.resolve("src/2024-01/a"), data);
        drive.eio("a", MiB + 8192 + 10, MiB + 8192 + 20).eio("a", 2 * MiB + 4096, 2 * MiB + 3 * 4096);
        Copied c = copy(source(RescueOptions.defaults()), "2024-01/a", null);
        assertEquals(MiB + 8192, c.kernelBytes(), "the straight read came back short where the bad block starts");
        byte[] want = zeroed(zeroed(data, MiB + 8192, MiB + 8192 + 4096), 2 * MiB + 4096, 2 * MiB + 3 * 4096);
        assertArrayEquals(want, c.bytes());
        DamagedInodeRecord r = report.records().get(0);
        assertEquals(List.of(new ByteRange(MiB + 8192, 4096), new ByteRange(2 * MiB + 4096, 2 * 4096)), r.badRanges());
        assertEquals(sha256(want), r.sha256(), "the hash covers the bytes copied kernel-side too (read again into the spool)");
        assertTrue(fx.problems.get(0).startsWith("FAILED 2024-01/a: read: EIO"), fx.problems.toString());
    }

    @Test void k03_aHangingReadIsAbandonedAndTheFileIsNotReadAgain() throws Exception {
        byte[] data = bytes(3 * MiB, 7);
        file(tmp.resolve("src/2024-01/a"), data);
        byte[] other = bytes(5 * MiB, 77);
        file(tmp.resolve("src/2024-01/b"), other);
        drive.hang("a", 2 * MiB + 5);
        RescueContentSource s = source(RescueOptions.defaults().withReadTimeout(Duration.ofSeconds(1)));
        long t0 = System.nanoTime();
        Copied c = copy(s, "2024-01/a", null);
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "not abandoned in time");
        assertEquals(2 * MiB, c.kernelBytes());
        assertArrayEquals(zeroed(data, 2 * MiB, 3 * MiB), c.bytes());
        DamagedInodeRecord r = report.records().get(0);
        assertEquals(List.of(new ByteRange(2 * MiB, MiB)), r.badRanges());
        assertTrue(r.errors().stream().anyMatch(x -> x.contains("hung")), r.errors().toString());
        long readsAfterHang = drive.reads.stream().filter(x -> x.startsWith("a@") && Long.parseLong(x.substring(2, x.indexOf('+'))) >= 2 * MiB).count();
        assertEquals(1, readsAfterHang, "only the read that hung: " + drive.reads);
        // The next file goes through a fresh worker and buffer: nothing of the lost one reaches it.
        drive.release.countDown();
        assertArrayEquals(other, copy(s, "2024-01/b", null).bytes());
    }

    @Test void k04_aTargetThatFailsMidCopyLeavesTheNextFileWhole() throws Exception {
        byte[] data = bytes(3 * MiB, 8);
        byte[] next = bytes(2 * MiB + 3, 9);
        file(tmp.resolve("src/2024-01/a"), data);
        file(tmp.resolve("src/2024-01/b"), next);
        RescueContentSource s = source(RescueOptions.defaults());
        int[] calls = {0};
        PosixException e = assertThrows(PosixException.class, () -> copy(s, "2024-01/a", b -> {
            if (++calls[0] == 2) throw new PosixException("write", null, Errno.ENOSPC);
        }));
        assertEquals(Errno.ENOSPC, e.errno());
        Copied c = copy(s, "2024-01/b", null);
        assertArrayEquals(next, c.bytes());
        assertEquals(next.length, c.kernelBytes());
    }

    @Test void k05_theBytesReachTheTargetFromNativeMemory() throws Exception {
        byte[] data = bytes(2 * MiB + 5, 10);
        file(tmp.resolve("src/2024-01/a"), data);
        java.util.List<Boolean> direct = new java.util.ArrayList<>();
        Path out = tmp.resolve("k05");
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(out.toString()), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0600);
        try {
            Copied c = copy(source(RescueOptions.defaults()), "2024-01/a", b -> {
                direct.add(b.isDirect());
                Posix.writeFully(fd, b, b.remaining());
            });
            assertEquals(data.length, c.kernelBytes());
        } finally {
            Posix.close(fd);
        }
        assertEquals(List.of(true, true, true), direct, "three chunks of at most 1 MiB, each in a direct buffer");
        assertArrayEquals(data, Files.readAllBytes(out));
    }

    /** What the disk sink does with a large file: the read workers write straight into the target at their offsets. */
    Copied copyByWorkers(RescueContentSource s, String rel, Path out) throws IOException {
        return copy(s, rel, out, fd -> new DirectCopy.DirectTarget() {
            @Override public void fromBuffer(java.nio.ByteBuffer b) { fail("handed a buffer although it may write the file"); }
            @Override public int descriptor() { return fd; }
        }, fd -> assertEquals(0, Posix.lseek(fd, 0, Posix.SEEK_CUR), "the workers write at offsets: the position stays"));
    }

    @Test void k06_aLargeFileIsWrittenByTheReadWorkersWhole() throws Exception {
        byte[] data = bytes(7 * MiB + 333, 11);
        file(tmp.resolve("src/2024-01/a"), data);
        Copied c = copyByWorkers(source(RescueOptions.defaults()), "2024-01/a", tmp.resolve("k06"));
        assertArrayEquals(data, c.bytes());
        assertEquals(data.length, c.kernelBytes());
        assertTrue(c.content().provenance().isClean());
        assertTrue(report.records().isEmpty());
    }

    @Test void k07_aBadBlockWithTheNextChunkInFlightStopsThereAndTheRescueRewritesTheRest() throws Exception {
        byte[] data = bytes(5 * MiB + 100, 12);
        file(tmp.resolve("src/2024-01/a"), data);
        drive.eio("a", 2 * MiB + 4096 + 1, 2 * MiB + 4096 + 2);
        Copied c = copyByWorkers(source(RescueOptions.defaults()), "2024-01/a", tmp.resolve("k07"));
        assertEquals(2 * MiB + 4096, c.kernelBytes(), "the copy stops where the bad block starts");
        assertArrayEquals(zeroed(data, 2 * MiB + 4096, 2 * MiB + 8192), c.bytes(),
                "the chunk after it, written by the other worker, is written again by the rescue");
        assertEquals(List.of(new ByteRange(2 * MiB + 4096, 4096)), report.records().get(0).badRanges());
    }

    @Test void k08_aHungChunkIsGivenUpAndWritesNothingWhenTheDriveLetsItGo() throws Exception {
        byte[] data = bytes(4 * MiB, 13);
        file(tmp.resolve("src/2024-01/a"), data);
        drive.hang("a", 2 * MiB + 5);
        RescueContentSource s = source(RescueOptions.defaults().withReadTimeout(Duration.ofSeconds(1)));
        Path out = tmp.resolve("k08");
        Copied c = copyByWorkers(s, "2024-01/a", out);
        assertEquals(2 * MiB, c.kernelBytes());
        byte[] rescued = zeroed(data, 2 * MiB, 4 * MiB); // a hung file is not read again: the rest is the rescue's
        assertArrayEquals(rescued, c.bytes());
        drive.letGoAndAwaitLostWorkers(); // the hung read returns now: its worker must not write
        assertArrayEquals(rescued, Files.readAllBytes(out), "nothing written after the worker was given up");
    }

    @Test void k09_aTargetThatRefusesAChunkFailsAsTheTarget() throws Exception {
        byte[] data = bytes(3 * MiB, 14);
        file(tmp.resolve("src/2024-01/a"), data);
        Path p = tmp.resolve("src/2024-01/a");
        RescueContentSource s = source(RescueOptions.defaults());
        int dir = Posix.openat(Posix.AT_FDCWD, Names.bytes(p.getParent().toString()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        int readOnly = Posix.openat(Posix.AT_FDCWD, Names.bytes(p.toString()), Posix.O_RDONLY, 0); // EBADF on write
        try (Content c = s.open(Names.bytes("2024-01/a"), dir, Names.bytes("a"), lstat(p))) {
            PosixException[] told = new PosixException[1];
            PosixException e = assertThrows(PosixException.class, () -> c.as(DirectCopy.class).copyPrefix(new DirectCopy.DirectTarget() {
                @Override public void fromBuffer(java.nio.ByteBuffer b) { fail("no buffers"); }
                @Override public int descriptor() { return readOnly; }
                @Override public void writeFailed(PosixException x) throws PosixException {
                    told[0] = x;
                    throw x;
                }
            }));
            assertEquals(Errno.EBADF, e.errno());
            assertSame(e, told[0], "the target's failure goes through the target");
        } finally {
            Posix.close(readOnly);
            Posix.close(dir);
        }
        assertArrayEquals(data, Files.readAllBytes(p), "the source untouched");
        assertTrue(report.records().isEmpty(), "not the drive's damage");
    }

    /** Opens rel with the open reading up to readUpTo bytes too, as the scan does for small files. */
    Content openReading(RescueContentSource s, String rel, long readUpTo) throws IOException {
        Path p = tmp.resolve("src").resolve(rel);
        int dir = Posix.openat(Posix.AT_FDCWD, Names.bytes(p.getParent().toString()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            return s.startOpen(Names.bytes(rel), dir, Names.bytes(p.getFileName().toString()), lstat(p), readUpTo).finish();
        } finally {
            Posix.close(dir);
        }
    }

    static byte[] straight(Content c) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long n = c.as(DirectCopy.class).copyPrefix(b -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a);
        });
        if (n < c.size()) c.as(DirectCopy.class).feedFrom(n, out::write);
        return out.toByteArray();
    }

    @Test void k10_aSmallFileReadByItsOpenIsInHandOnTheOpeningThreadOnly() throws Exception {
        byte[] data = bytes(200_000, 15);
        file(tmp.resolve("src/2024-01/a"), data);
        file(tmp.resolve("src/2024-01/b"), bytes(10, 16));
        RescueContentSource s = source(RescueOptions.defaults());
        try (Content c = openReading(s, "2024-01/a", 1 << 20)) {
            assertTrue(c.as(DirectCopy.class).readAlready());
            boolean[] elsewhere = new boolean[1];
            Thread t = new Thread(() -> elsewhere[0] = c.as(DirectCopy.class).readAlready());
            t.start();
            t.join();
            assertFalse(elsewhere[0], "another thread must not take bytes from this thread's worker");
            assertArrayEquals(data, straight(c));
        }
        try (Content c = openReading(s, "2024-01/a", 1 << 20)) {
            openReading(s, "2024-01/b", 0).close(); // the worker's next call: its buffer is not this file's any more
            assertFalse(c.as(DirectCopy.class).readAlready());
            assertArrayEquals(data, straight(c), "read again the usual way");
        }
        try (Content c = openReading(s, "2024-01/a", 100_000)) {
            assertFalse(c.as(DirectCopy.class).readAlready(), "larger than asked: only opened");
            assertArrayEquals(data, straight(c));
        }
        assertTrue(report.records().isEmpty());
    }

    @Test void k11_aBadBlockMetByTheOpensReadIsLeftToTheRescue() throws Exception {
        byte[] data = bytes(300_000, 17);
        file(tmp.resolve("src/2024-01/a"), data);
        drive.eio("a", 8192 + 1, 8192 + 2);
        RescueContentSource s = source(RescueOptions.defaults());
        try (Content c = openReading(s, "2024-01/a", 1 << 20)) {
            assertFalse(c.as(DirectCopy.class).readAlready());
            assertArrayEquals(zeroed(data, 8192, 12288), straight(c));
            assertEquals(List.of(new ByteRange(8192, 4096)), report.records().get(0).badRanges());
        }
    }
}
