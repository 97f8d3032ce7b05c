package org.linkrescue.migrate.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Finds an archive entry's path in a tree the safe way: component by component from the root's
 * descriptor, each directory opened with O_NOFOLLOW, so no symlink in the tree is ever followed
 * and an entry's ".." or absolute path never looks outside. Archive entries come in tree order,
 * so the directories of the last lookup are kept open and the shared prefix is reused.
 */
final class TreeLookup implements AutoCloseable {
    private final int root;
    private final List<byte[]> names = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();

    /** A path found in the tree: its lstat and the open directory holding it (valid until the next lookup). */
    record Found(Stat stat, int parentFd, byte[] name) {}

    TreeLookup(int root) { this.root = root; }

    /** True when path is a plain relative path: no leading '/', no "." or ".." components. */
    static boolean plain(byte[] path) {
        if (path.length == 0 || path[0] == '/') return false;
        for (byte[] c : Names.split(path)) {
            if (Arrays.equals(c, Names.DOT) || (c.length == 2 && c[0] == '.' && c[1] == '.')) return false;
        }
        return true;
    }

    /**
     * lstat of path (relative to the root, plain), or null when the tree has no such path (a
     * component missing, or one that is not a directory or is a symlink).
     *
     * @throws PosixException for any other failure (EIO, EACCES, ...)
     */
    Found lookup(byte[] path) throws PosixException {
        byte[][] parts = Names.split(path);
        int depth = parts.length - 1;
        int keep = 0;
        while (keep < names.size() && keep < depth && Arrays.equals(names.get(keep), parts[keep])) keep++;
        while (names.size() > keep) {
            names.remove(names.size() - 1);
            Posix.close(fds.remove(fds.size() - 1));
        }
        for (int k = keep; k < depth; k++) {
            int fd;
            try {
                fd = Posix.openDir(top(), parts[k]);
            } catch (PosixException e) {
                if (absent(e)) return null;
                throw e;
            }
            names.add(parts[k]);
            fds.add(fd);
        }
        try {
            return new Found(Posix.lstatAt(top(), parts[depth]), top(), parts[depth]);
        } catch (PosixException e) {
            if (absent(e)) return null;
            throw e;
        }
    }

    private int top() { return fds.isEmpty() ? root : fds.get(fds.size() - 1); }

    private static boolean absent(PosixException e) {
        return e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR || e.errno() == Errno.ELOOP;
    }

    @Override
    public void close() {
        for (int fd : fds) Posix.close(fd);
        fds.clear();
        names.clear();
    }
}
