package org.linkrescue.migrate.drive;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/** Finding a source file's holes: by lseek, and never for longer than the read timeout. */
class HolesTest {
    @TempDir Path tmp;
    final CountDownLatch release = new CountDownLatch(1);
    final TimedCalls calls = new TimedCalls(Duration.ofMillis(300));

    @AfterEach
    void letGo() {
        release.countDown();
        calls.close();
    }

    /** 1 MiB of hole, 64 KiB of data, 1 MiB of hole, 64 KiB of data, a hole to 4 MiB. */
    private int sparseFile() throws Exception {
        Path f = tmp.resolve("sparse");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(4 << 20);
            raf.seek(1 << 20);
            raf.write(new byte[64 << 10]);
            raf.seek((2 << 20) + (64 << 10));
            raf.write(new byte[64 << 10]);
        }
        return Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
    }

    @Test
    void theDataRunsOfASparseFileAreFoundOnATimedWorker() throws Exception {
        int fd = sparseFile();
        try {
            Stat st = Posix.fstat(fd);
            long[] runs = Holes.of(fd, st, calls);
            assertNotNull(runs, "tmpfs reports holes");
            assertEquals(128 << 10, Holes.dataBytes(runs));
            assertArrayEquals(new long[] {1 << 20, 64 << 10, (2 << 20) + (64 << 10), 64 << 10}, runs);
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    void aSeekThatStallsCostsTheTimeoutAndTheFileIsReadWhole() throws Exception {
        int fd = sparseFile();
        try {
            Stat st = Posix.fstat(fd);
            Holes.Seeks stalls = new Holes.Seeks() {
                @Override public long nextData(int f, long from) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return from;
                }

                @Override public long nextHole(int f, long from) throws PosixException { return Posix.nextHole(f, from); }
            };
            long t0 = System.nanoTime();
            assertNull(Holes.of(fd, st, calls, stalls), "no runs: read whole, under timed reads");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 250 && ms < 5000, ms + " ms");
            assertEquals(1, calls.lostWorkers(), "the stalled worker is given up");
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    void aDenseFileCostsNoCall() throws Exception {
        Holes.Seeks never = new Holes.Seeks() {
            @Override public long nextData(int f, long from) { throw new AssertionError("called"); }
            @Override public long nextHole(int f, long from) { throw new AssertionError("called"); }
        };
        Path f = tmp.resolve("dense");
        Files.write(f, new byte[200 << 10]);
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
        try {
            assertNull(Holes.of(fd, Posix.fstat(fd), calls, never));
        } finally {
            Posix.close(fd);
        }
    }
}
