package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/** verify over a SOURCE whose drive hangs on one file: that file is unverifiable, the rest verified, nothing waits. */
class VerifyHangTest {
    @TempDir Path dir;

    /** Opening a file of this name does not return until released. */
    static final class HangingOpen implements BlockReader {
        final String name;
        final CountDownLatch release = new CountDownLatch(1);

        HangingOpen(String name) { this.name = name; }

        @Override
        public int open(int dirFd, byte[] n, int flags) throws PosixException {
            if (Names.latin1(n).equals(name)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return REAL.open(dirFd, n, flags);
        }

        @Override public Stat fstat(int fd) throws PosixException { return REAL.fstat(fd); }
        @Override public int pread(int fd, ByteBuffer d, int len, long off) throws PosixException { return REAL.pread(fd, d, len, off); }
        @Override public void close(int fd) { REAL.close(fd); }
    }

    @Test
    void aSourceFileWhoseOpenHangsIsUnverifiableForAllItsPathsAndTheRestIsVerified() throws Exception {
        Path src = TestTrees.snapshots(dir.resolve("src"));
        Path dst = TestTrees.copy(src, dir.resolve("dst"));
        HangingOpen drive = new HangingOpen("big.bin"); // linked into all three snapshots
        TestTrees.Result r = new TestTrees.Result();
        long t0 = System.nanoTime();
        try (TimedReads reads = new TimedReads(drive, Duration.ofSeconds(1), ReadThrough.CHUNK)) {
            TreeVerifier v = new TreeVerifier(r, r.problems(), null, r.tally, reads);
            v.verify(Names.bytes(src.toString()), Names.bytes(dst.toString()));
        } finally {
            drive.release.countDown();
        }
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "each hung open given up after the timeout");
        assertEquals(List.of(), r.lines(), "no difference invented");
        assertEquals(3, r.unverifiable.size(), r.unverifiable.toString());
        assertTrue(r.unverifiable.stream().allMatch(u -> u.contains("big.bin")), r.unverifiable.toString());
        assertEquals(List.of(), r.problems);
    }
}
