package org.linkrescue.migrate.repair;

import java.util.Arrays;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * The directory holding a path below SOURCE, opened component by component without following
 * a symlink (a directory swapped for a symlink since the scan is refused, never followed), and
 * the path's last name in it.
 */
record ParentDir(int fd, byte[] name) implements AutoCloseable {
    static ParentDir open(int rootFd, byte[] relPath) throws PosixException {
        byte[][] parts = Names.split(relPath);
        if (parts.length == 0) throw new PosixException("open", relPath, Errno.EINVAL);
        int fd = Posix.openDir(rootFd, Names.DOT);
        try {
            for (int i = 0; i < parts.length - 1; i++) {
                int next = Posix.openDir(fd, parts[i]);
                Posix.close(fd);
                fd = next;
            }
        } catch (PosixException e) {
            Posix.close(fd);
            throw e;
        }
        return new ParentDir(fd, parts[parts.length - 1]);
    }

    /** The directory part of a relative path ("" for a name at the top). */
    static byte[] dirOf(byte[] relPath) {
        for (int i = relPath.length - 1; i >= 0; i--) {
            if (relPath[i] == '/') return Arrays.copyOf(relPath, i);
        }
        return new byte[0];
    }

    /** Opens a directory given as a relative path ("" is SOURCE itself). */
    static int openDirPath(int rootFd, byte[] relDir) throws PosixException {
        int fd = Posix.openDir(rootFd, Names.DOT);
        try {
            for (byte[] part : Names.split(relDir)) {
                int next = Posix.openDir(fd, part);
                Posix.close(fd);
                fd = next;
            }
        } catch (PosixException e) {
            Posix.close(fd);
            throw e;
        }
        return fd;
    }

    @Override public void close() { Posix.close(fd); }
}
