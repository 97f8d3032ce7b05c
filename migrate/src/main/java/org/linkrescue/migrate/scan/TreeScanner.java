package org.linkrescue.migrate.scan;

import java.io.IOException;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Walks a tree depth-first, a directory before its contents, names sorted bytewise within each
 * directory (so two scans of one tree, and archives made from them, come out in one order). It
 * never follows a symlink and never crosses into another filesystem: a mount point is reported
 * and left out. Each directory is opened relative to its parent's descriptor, so paths of any
 * length work. Errors on a path are reported and the walk goes on.
 */
public final class TreeScanner {
    /**
     * Receives every path; may open files below {@link ScannedPath#parentFd()} during the call,
     * or later, until {@link #closing} that descriptor.
     */
    public interface Visitor {
        void visit(ScannedPath p) throws IOException;

        /** Called after a directory's contents (post-order), e.g. to finish per-directory work. */
        default void leave(ScannedPath dir) throws IOException {}

        /**
         * Called before the walk closes a directory's descriptor (the root's too): work still
         * using it as a {@link ScannedPath#parentFd()} must end here.
         */
        default void closing(int dirFd) throws IOException {}
    }

    private final Problems problems;
    private final PathFilter filter;
    private long rootDev;

    public TreeScanner(Problems problems) {
        this(problems, PathFilter.NONE);
    }

    /** A walk that leaves out what filter says (a directory with everything below it). */
    public TreeScanner(Problems problems, PathFilter filter) {
        this.problems = problems;
        this.filter = filter;
    }

    /**
     * Walks the tree at rootPath (followed if it is itself a symlink, as `tar -C` does).
     *
     * @throws PosixException when the root itself cannot be opened: there is nothing to walk
     */
    public void walk(byte[] rootPath, Visitor v) throws IOException {
        int root = Posix.openat(Posix.AT_FDCWD, rootPath, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            Stat st = Posix.fstat(root);
            rootDev = st.devId();
            ScannedPath rp = new ScannedPath(Names.DOT, Names.DOT, root, st, null);
            v.visit(rp);
            walkDir(root, new byte[0], v);
            v.closing(root);
            v.leave(rp);
        } finally {
            Posix.close(root);
        }
    }

    private void walkDir(int dirFd, byte[] dirPath, Visitor v) throws IOException {
        List<byte[]> names;
        try {
            names = Posix.listDir(dirFd);
        } catch (PosixException e) {
            problems.report(Grade.FAILED, dirPath.length == 0 ? Names.DOT : dirPath,
                    "cannot read directory: " + e.reason());
            return;
        }
        names.sort(Names::compare);
        for (byte[] name : names) {
            byte[] path = Names.join(dirPath, name);
            if (filter.excludes(path)) continue;
            Stat st;
            try {
                st = Posix.lstatAt(dirFd, name);
            } catch (PosixException e) {
                problems.report(Grade.FAILED, path, "lstat: " + e.reason());
                continue;
            }
            String leftOut = filter.leaveOut(path, st);
            if (leftOut != null) {
                problems.report(Grade.WARN, path, leftOut);
                continue;
            }
            int type = st.type();
            if (type == Stat.S_IFSOCK) {
                problems.report(Grade.WARN, path, "socket ignored");
                continue;
            }
            byte[] target = null;
            if (type == Stat.S_IFLNK) {
                try {
                    target = Posix.readlinkAt(dirFd, name);
                } catch (PosixException e) {
                    problems.report(Grade.FAILED, path, "readlink: " + e.reason());
                    continue;
                }
            }
            if (type == Stat.S_IFDIR && st.devId() != rootDev) {
                problems.report(Grade.WARN, path, "mount point of another filesystem: not crossed, left out");
                continue;
            }
            ScannedPath sp = new ScannedPath(path, name, dirFd, st, target);
            v.visit(sp);
            if (type == Stat.S_IFDIR) {
                int sub;
                try {
                    sub = Posix.openDir(dirFd, name);
                } catch (PosixException e) {
                    problems.report(Grade.FAILED, path, "cannot open directory: " + e.reason());
                    continue;
                }
                try {
                    walkDir(sub, path, v);
                    v.closing(sub);
                } finally {
                    Posix.close(sub);
                }
                v.leave(sp);
            }
        }
    }
}
