package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/** Reading SOURCE for a comparison through a drive whose read hangs. */
class ReadThroughTest {
    static final int MiB = 1 << 20;
    @TempDir Path tmp;

    /** The real file, except that a read covering byte hangAt does not return until released. */
    static final class HangingDrive implements BlockReader {
        final long hangAt;
        final CountDownLatch release = new CountDownLatch(1);

        HangingDrive(long hangAt) { this.hangAt = hangAt; }

        @Override public int open(int dirFd, byte[] name, int flags) throws PosixException { return REAL.open(dirFd, name, flags); }
        @Override public Stat fstat(int fd) throws PosixException { return REAL.fstat(fd); }
        @Override public void close(int fd) { REAL.close(fd); }

        @Override
        public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
            if (off <= hangAt && hangAt < off + len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return REAL.pread(fd, direct, len, off);
        }
    }

    @Test
    void aReadThatHangsIsGivenUpAndTheRestOfTheFileIsUnverifiableNotWaitedFor() throws Exception {
        byte[] data = new byte[3 * MiB + 100];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 1);
        Path f = tmp.resolve("f");
        Files.write(f, data);
        HangingDrive drive = new HangingDrive(MiB + 10);
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
        try (TimedReads reads = new TimedReads(drive, Duration.ofSeconds(1), ReadThrough.CHUNK)) {
            ReadThrough r = new ReadThrough(fd, data.length, reads);
            byte[] got = new byte[data.length];
            byte[] chunk = new byte[ReadThrough.CHUNK];
            long t0 = System.nanoTime();
            int at = 0, n;
            while ((n = r.readFully(chunk)) > 0) {
                System.arraycopy(chunk, 0, got, at, n);
                at += n;
            }
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "given up after the timeout, not waited for");
            assertEquals(data.length, at);
            assertArrayEquals(Arrays.copyOf(data, MiB), Arrays.copyOf(got, MiB), "what was read before the hang");
            assertArrayEquals(new byte[data.length - MiB], Arrays.copyOfRange(got, MiB, data.length), "the rest is zeros");
            assertEquals(List.of(new ByteRange(MiB, data.length - MiB)), r.bad().list());
            assertTrue(r.firstError().contains("hung"), r.firstError());
            drive.release.countDown();
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    void withoutTimedReadsAFileIsReadPlainly() throws Exception {
        byte[] data = new byte[MiB + 5];
        Arrays.fill(data, (byte) 3);
        Path f = tmp.resolve("g");
        Files.write(f, data);
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
        try {
            ReadThrough r = new ReadThrough(fd, data.length);
            byte[] chunk = new byte[2 * MiB];
            assertEquals(data.length, r.readFully(chunk));
            assertArrayEquals(data, Arrays.copyOf(chunk, data.length));
            assertTrue(r.bad().isEmpty());
            assertNull(r.firstError());
        } finally {
            Posix.close(fd);
        }
    }
}
