package org.linkrescue.migrate.fs;

import java.util.Arrays;
import org.linkrescue.archive.Names;

/**
 * Whether one directory lies inside another, judged by device and inode along the chain of
 * '..' from the inner one up to '/', never by the text of the paths: a symlink, a bind mount or a
 * '..' in a path cannot hide that a copy would land in its own source (cp refuses the same).
 */
public final class Nesting {
    private static final byte[] DOTDOT = {'.', '.'};

    private Nesting() {}

    /**
     * Whether path is the directory outer or lies below it. A path that does not exist yet is
     * judged by the nearest directory above it that does (where it would be created); a path
     * that cannot be opened as a directory at all lies nowhere (its own use will fail and say why).
     */
    public static boolean within(byte[] path, Stat outer) {
        int fd = openNearest(path);
        if (fd < 0) return false;
        try {
            while (true) {
                Stat st = Posix.fstat(fd);
                if (st.devId() == outer.devId() && st.ino() == outer.ino()) return true;
                int parent = Posix.openat(fd, DOTDOT, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
                Stat ps = Posix.fstat(parent);
                Posix.close(fd);
                fd = parent;
                if (ps.devId() == st.devId() && ps.ino() == st.ino()) return false; // '/': its own parent
            }
        } catch (PosixException e) {
            return false; // a directory above that cannot be opened: nothing more to compare
        } finally {
            Posix.close(fd);
        }
    }

    /** The directory at path, or at the nearest existing one above it; -1 when there is none to open. */
    private static int openNearest(byte[] path) {
        byte[] p = path;
        while (true) {
            try {
                return Posix.openat(Posix.AT_FDCWD, p, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            } catch (PosixException e) {
                if (e.errno() != Errno.ENOENT) return -1;
                byte[] up = parent(p);
                if (up == null) return -1;
                p = up;
            }
        }
    }

    /** path without its last component ("." for a single relative one), or null at the top. */
    static byte[] parent(byte[] path) {
        int end = path.length;
        while (end > 1 && path[end - 1] == '/') end--;
        int slash = end - 1;
        while (slash >= 0 && path[slash] != '/') slash--;
        if (slash < 0) return end == 1 && path[0] == '.' ? null : Names.DOT;
        if (slash == 0) return end == 1 ? null : new byte[] {'/'};
        return Arrays.copyOf(path, slash);
    }
}
