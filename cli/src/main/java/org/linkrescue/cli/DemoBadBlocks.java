package org.linkrescue.cli;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * The demo's failing drive: real files, with one bad 4 KiB block in chosen inodes, behaving as
 * btrfs does on a checksum failure (a read that reaches the block returns short where it
 * starts; a read that starts inside it fails with EIO). Keyed by inode, so every snapshot's
 * path to a damaged inode sees the same damage, as on a real drive. No root needed.
 */
final class DemoBadBlocks implements BlockReader {
    private final Map<Long, Long> badBlockAt = new ConcurrentHashMap<>();
    private final Map<Integer, Long> inodeOf = new ConcurrentHashMap<>();

    DemoBadBlocks bad(long ino, long blockOffset) {
        badBlockAt.put(ino, blockOffset / 4096 * 4096);
        return this;
    }

    @Override
    public int open(int dirFd, byte[] name, int flags) throws PosixException {
        int fd = REAL.open(dirFd, name, flags);
        inodeOf.put(fd, REAL.fstat(fd).ino());
        return fd;
    }

    @Override public Stat fstat(int fd) throws PosixException { return REAL.fstat(fd); }

    @Override
    public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        Long ino = inodeOf.get(fd);
        Long bad = ino == null ? null : badBlockAt.get(ino);
        if (bad != null && off < bad + 4096 && bad < off + len) {
            if (off >= bad) throw new PosixException("read", null, Errno.EIO);
            len = (int) (bad - off);
        }
        return REAL.pread(fd, direct, len, off);
    }

    @Override
    public void close(int fd) {
        inodeOf.remove(fd);
        REAL.close(fd);
    }
}
