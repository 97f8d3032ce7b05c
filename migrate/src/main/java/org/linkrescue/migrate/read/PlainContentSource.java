package org.linkrescue.migrate.read;

import java.io.IOException;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Opens source files as they are. The descriptor is opened below the scan's directory
 * descriptor without following a symlink, and must be the very inode the scan saw: a path that
 * now names another inode is not read at all, because its data would not belong to the entry
 * (and to the hard links) the scan already decided on.
 */
public final class PlainContentSource implements ContentSource {
    /** O_NONBLOCK: a FIFO swapped in since the scan must not hang the open. */
    private static final int FLAGS = Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_NOCTTY;

    private final Problems problems;

    public PlainContentSource(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Content open(byte[] path, int parentFd, byte[] name, Stat scanned) throws IOException {
        int fd = openNoAtime(parentFd, name);
        try {
            Stat now = Posix.fstat(fd);
            if (now.ino() != scanned.ino() || now.devId() != scanned.devId() || !now.isRegular())
                throw new SourceChangedException("changed during scan: the path now names another "
                        + (now.isRegular() ? "file" : "kind of file") + " (inode " + scanned.ino()
                        + " became " + now.ino() + "); not read");
            boolean asScanned = now.size() == scanned.size();
            if (!asScanned) {
                problems.report(Grade.WARN, path, "changed during scan: size " + scanned.size()
                        + " became " + now.size() + "; archived with the scanned size");
            }
            if (scanned.size() > 0) Posix.fadvise(fd, 0, 0, Posix.POSIX_FADV_SEQUENTIAL);
            return new PlainContent(fd, path, scanned.size(), asScanned, problems);
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * O_NOATIME keeps a rescue from writing to the failing drive, but only the owner (or root)
     * may ask for it: EPERM means "ask without it", not "cannot open".
     */
    private static int openNoAtime(int parentFd, byte[] name) throws PosixException {
        try {
            return Posix.openat(parentFd, name, FLAGS | Posix.O_NOATIME, 0);
        } catch (PosixException e) {
            if (e.errno() != Errno.EPERM) throw e;
            return Posix.openat(parentFd, name, FLAGS, 0);
        }
    }

    /** The path no longer names the inode the scan saw. */
    public static final class SourceChangedException extends IOException {
        public SourceChangedException(String message) { super(message); }
    }
}
