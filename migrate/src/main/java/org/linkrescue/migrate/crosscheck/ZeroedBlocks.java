package org.linkrescue.migrate.crosscheck;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * migrate --cross-check: the blocks where SOURCE holds nothing but zeros and a copy does not
 * (a ddrescue hole, a zeroed sector) read as a failing drive's bad blocks, so the rescue
 * splices them from a copy that agrees with every other byte, or reports them lost. Each inode
 * is looked up by its number when opened; every other call goes to the drive beneath.
 */
public final class ZeroedBlocks implements BlockReader {
    private final BlockReader drive;
    /** "devId:ino" -> the inode's zeroed ranges, in order. */
    private final Map<String, List<ByteRange>> zeroed;
    private final Map<Integer, List<ByteRange>> open = new ConcurrentHashMap<>();

    public ZeroedBlocks(BlockReader drive, Map<String, List<ByteRange>> zeroed) {
        this.drive = drive;
        this.zeroed = Map.copyOf(zeroed);
    }

    @Override
    public int open(int dirFd, byte[] name, int flags) throws PosixException {
        int fd = drive.open(dirFd, name, flags);
        try {
            Stat st = drive.fstat(fd);
            List<ByteRange> r = zeroed.get(st.devId() + ":" + st.ino());
            if (r != null) open.put(fd, r);
            else open.remove(fd);
        } catch (PosixException | RuntimeException e) {
            drive.close(fd);
            throw e;
        }
        return fd;
    }

    @Override public Stat fstat(int fd) throws PosixException { return drive.fstat(fd); }

    @Override
    public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        return drive.pread(fd, direct, allowed(fd, off, len, "read"), off);
    }

    @Override
    public long sendfile(int out, int in, long inOff, int len) throws PosixException {
        return drive.sendfile(out, in, inOff, allowed(in, inOff, len, "sendfile"));
    }

    private int allowed(int fd, long off, int len, String call) throws PosixException {
        List<ByteRange> rs = open.get(fd);
        if (rs == null) return len;
        for (ByteRange r : rs) {
            if (r.end() <= off) continue;
            if (r.offset() >= off + len) break;
            if (r.offset() <= off)
                throw new PosixException(call, null, Errno.EIO, "cross-check: SOURCE holds zeros in bytes " + r + ", a copy does not");
            return (int) (r.offset() - off);
        }
        return len;
    }

    @Override
    public long lostUntil(int fd, long off, long blockEnd) {
        List<ByteRange> rs = open.get(fd);
        if (rs != null) for (ByteRange r : rs) if (r.offset() <= off && off < r.end()) return Math.min(blockEnd, r.end());
        return drive.lostUntil(fd, off, blockEnd);
    }

    @Override
    public void close(int fd) {
        open.remove(fd);
        drive.close(fd);
    }

    @Override public boolean seekFree(int fd, Stat st) { return drive.seekFree(fd, st); }

    @Override public String unverifiable(int fd) { return drive.unverifiable(fd); }
}
