package org.linkrescue.migrate.repair;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Real files with one bad range per inode, behaving as btrfs does on a checksum failure: a read
 * that starts before the range returns short, ending where it starts; one that starts inside
 * fails with EIO. Keyed by inode, so every path of a hard-linked inode is damaged alike.
 */
final class EioDrive implements BlockReader {
    private final Map<Long, long[]> bad = new ConcurrentHashMap<>();
    private final Map<Integer, Long> inoOf = new ConcurrentHashMap<>();

    EioDrive eio(long ino, long from, long to) { bad.put(ino, new long[] {from, to}); return this; }

    @Override public int open(int dirFd, byte[] name, int flags) throws PosixException {
        int fd = REAL.open(dirFd, name, flags);
        inoOf.put(fd, REAL.fstat(fd).ino());
        return fd;
    }

    @Override public Stat fstat(int fd) throws PosixException { return REAL.fstat(fd); }

    @Override public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        long[] b = bad.get(inoOf.getOrDefault(fd, -1L));
        int limit = len;
        if (b != null && b[0] < off + len && off < b[1]) {
            if (b[0] <= off) throw new PosixException("read", null, Errno.EIO);
            limit = (int) (b[0] - off);
        }
        return REAL.pread(fd, direct, limit, off);
    }

    @Override public void close(int fd) {
        inoOf.remove(fd);
        REAL.close(fd);
    }
}
