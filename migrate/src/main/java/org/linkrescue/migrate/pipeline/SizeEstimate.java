package org.linkrescue.migrate.pipeline;

import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.FsSpace;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * How many paths and bytes a run will read, for the progress line's totals and ETA, from what
 * costs the failing drive nothing: the file system's own counters (statfs: blocks and inodes in
 * use) while the scan is under way, then the scan's exact counts once it has ended ({@link
 * org.linkrescue.migrate.report.RunTotals#expectedBytes}, {@link
 * org.linkrescue.migrate.report.RunTotals#expectedPaths}). A second walk of the tree beside the
 * scan would double the drive's metadata reads and seeks, on a drive that may not have many
 * left.
 *
 * <p>The file system's count fits only when SOURCE is its root (a backup drive's mount point):
 * below it, the file system holds more than the run reads, and no total is shown until the scan
 * ends. Blocks in use also count metadata and sparse files' holes not at all: the total is
 * shown as approximate.
 */
public final class SizeEstimate {
    private SizeEstimate() {}

    /** The file system whose root is root, or null when root is not a file system's root (or cannot be asked). */
    public static FsSpace ofMountRoot(byte[] root) {
        int fd;
        try {
            fd = Posix.openat(Posix.AT_FDCWD, root, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        } catch (PosixException e) {
            return null;
        }
        try {
            return isMountRoot(fd) ? Posix.fsSpace(fd) : null;
        } catch (PosixException e) {
            return null;
        } finally {
            Posix.close(fd);
        }
    }

    /** Whether the directory at fd is the root of a mount: its parent is on another mount (or it is /). */
    static boolean isMountRoot(int fd) throws PosixException {
        int parent = Posix.openat(fd, Names.bytes(".."), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            Stat self = Posix.fstat(fd), up = Posix.fstat(parent);
            if (self.devId() != up.devId() || self.ino() == up.ino()) return true;
            long mine = Posix.mountId(fd);
            return mine >= 0 && mine != Posix.mountId(parent);
        } finally {
            Posix.close(parent);
        }
    }
}
