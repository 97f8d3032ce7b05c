package org.linkrescue.migrate.rescue;

import java.io.IOException;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * A candidate's file, reached the safe way: each directory below the alternate's own opened
 * without following a symlink, the file lstat'ed (a regular file only) and opened without
 * following, then checked to be the inode that was lstat'ed. What the rescue verifies and what
 * a cross-check compares come through here alike.
 */
public final class CandidateFile implements AutoCloseable {
    private static final int FLAGS = Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_NOCTTY;

    private final int dirFd;
    private final byte[] name;
    private final Stat stat;
    private int fd = -1;

    /** Why a candidate cannot be used, in a verdict's words ("not a regular file", "open: ENOENT ..."). */
    public static final class Unusable extends IOException {
        Unusable(String why) { super(why, null); }
    }

    private CandidateFile(int dirFd, byte[] name, Stat stat) {
        this.dirFd = dirFd;
        this.name = name;
        this.stat = stat;
    }

    /** Finds c's file and lstats it; it is not opened yet. */
    public static CandidateFile find(Candidate c) throws Unusable {
        byte[][] parts = Names.split(c.relPath());
        if (parts.length == 0) throw new Unusable("not a regular file (the alternate's directory itself)");
        int dirFd = -1;
        try {
            dirFd = Posix.openat(Posix.AT_FDCWD, c.alternate().dir(), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            for (int i = 0; i < parts.length - 1; i++) {
                int next = Posix.openDir(dirFd, parts[i]);
                Posix.close(dirFd);
                dirFd = next;
            }
        } catch (PosixException e) {
            Posix.close(dirFd);
            if (e.errno() == Errno.ELOOP || e.errno() == Errno.ENOTDIR)
                throw new Unusable("open: " + e.reason() + " (a symlink or file on the way; not followed)");
            throw new Unusable("open: " + e.reason());
        }
        byte[] name = parts[parts.length - 1];
        Stat st;
        try {
            st = Posix.lstatAt(dirFd, name);
        } catch (PosixException e) {
            Posix.close(dirFd);
            throw new Unusable("open: " + e.reason());
        }
        if (!st.isRegular()) {
            Posix.close(dirFd);
            throw new Unusable("not a regular file" + (st.isSymlink() ? " (a symlink; not followed)" : ""));
        }
        return new CandidateFile(dirFd, name, st);
    }

    /** What lstat said. */
    public Stat stat() { return stat; }

    /** Opens the file (without following; O_NOATIME where allowed), checked to be the inode lstat saw. */
    public int open() throws Unusable {
        try {
            try {
                fd = Posix.openat(dirFd, name, FLAGS | Posix.O_NOATIME, 0);
            } catch (PosixException e) {
                if (e.errno() != Errno.EPERM) throw e;
                fd = Posix.openat(dirFd, name, FLAGS, 0);
            }
            Stat now = Posix.fstat(fd);
            if (now.ino() != stat.ino() || now.devId() != stat.devId() || now.size() != stat.size())
                throw new Unusable("changed while being checked");
            return fd;
        } catch (PosixException e) {
            throw new Unusable("open: " + e.reason());
        }
    }

    /**
     * Whether a candidate's mtime is the inode's: to the nanosecond, or to the second when the
     * candidate has no sub-second part (its file system keeps less).
     */
    public static boolean mtimeMatches(Stat cand, Stat inode) {
        if (cand.mtimeSec() != inode.mtimeSec()) return false;
        return cand.mtimeNsec() == inode.mtimeNsec() || cand.mtimeNsec() == 0;
    }

    @Override
    public void close() {
        Posix.close(fd);
        Posix.close(dirFd);
        fd = -1;
    }
}
