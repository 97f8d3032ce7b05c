package org.linkrescue.migrate.drive;

import java.nio.ByteBuffer;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/** The real drive: every call is the system call. */
final class PosixBlockReader implements BlockReader {
    private final SeekFreeReads seekFree = new SeekFreeReads();

    @Override public int open(int dirFd, byte[] name, int flags) throws PosixException {
        return Posix.openat(dirFd, name, flags, 0);
    }

    @Override public Stat fstat(int fd) throws PosixException { return Posix.fstat(fd); }

    @Override public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        return Posix.pread(fd, direct, len, off);
    }

    @Override public void close(int fd) { Posix.close(fd); }

    @Override public boolean seekFree(int fd, Stat st) { return seekFree.test(fd, st); }
}
