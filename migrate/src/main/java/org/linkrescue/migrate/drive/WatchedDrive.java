package org.linkrescue.migrate.drive;

import java.nio.ByteBuffer;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * A drive whose last good read is timed: what ddrescue shows as "time since last successful
 * read", the sign of a drive that has stopped giving anything. Every call goes to the drive
 * beneath; a read or kernel copy that gives bytes stamps the time.
 */
public final class WatchedDrive implements BlockReader {
    private final BlockReader drive;
    private volatile long lastGood = System.nanoTime();

    public WatchedDrive(BlockReader drive) { this.drive = drive; }

    /** System.nanoTime() of the last read that gave bytes (of the start, before any). */
    public long lastGoodRead() { return lastGood; }

    @Override public int open(int dirFd, byte[] name, int flags) throws PosixException { return drive.open(dirFd, name, flags); }

    @Override public Stat fstat(int fd) throws PosixException { return drive.fstat(fd); }

    @Override
    public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        int n = drive.pread(fd, direct, len, off);
        if (n > 0) lastGood = System.nanoTime();
        return n;
    }

    @Override public void close(int fd) { drive.close(fd); }

    @Override
    public long sendfile(int out, int in, long inOff, int len) throws PosixException {
        long n = drive.sendfile(out, in, inOff, len);
        if (n > 0) lastGood = System.nanoTime();
        return n;
    }

    @Override public boolean seekFree(int fd, Stat st) { return drive.seekFree(fd, st); }

    @Override public String unverifiable(int fd) { return drive.unverifiable(fd); }

    @Override public long lostUntil(int fd, long off, long blockEnd) { return drive.lostUntil(fd, off, blockEnd); }
}
