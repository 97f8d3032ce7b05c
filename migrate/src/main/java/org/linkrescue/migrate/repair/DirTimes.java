package org.linkrescue.migrate.repair;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * A directory's atime and mtime before the repair touched it. Renaming over a name and creating
 * or removing a temp name move a directory's mtime; the repair puts it back, so a directory
 * differs afterwards only in its ctime (which no call can set).
 *
 * @param dir relative to SOURCE ("" is SOURCE itself)
 */
record DirTimes(byte[] dir, long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec) {
    static DirTimes of(int rootFd, byte[] dir) throws PosixException {
        int fd = ParentDir.openDirPath(rootFd, dir);
        try {
            Stat st = Posix.fstat(fd);
            return new DirTimes(dir, st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec());
        } finally {
            Posix.close(fd);
        }
    }

    /** The distinct directories of the paths, plus tempDir. */
    static List<DirTimes> ofAll(int rootFd, byte[] tempDir, List<byte[]> paths) throws PosixException {
        List<byte[]> dirs = new ArrayList<>();
        dirs.add(tempDir);
        for (byte[] p : paths) {
            byte[] d = ParentDir.dirOf(p);
            if (dirs.stream().noneMatch(x -> Arrays.equals(x, d))) dirs.add(d);
        }
        List<DirTimes> out = new ArrayList<>();
        for (byte[] d : dirs) out.add(of(rootFd, d));
        return out;
    }

    /** Puts the times back; returns null, or why it could not (the directory is then only newer). */
    String restore(int rootFd) {
        try {
            int fd = ParentDir.openDirPath(rootFd, dir);
            try {
                Posix.futimens(fd, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
            } finally {
                Posix.close(fd);
            }
            return null;
        } catch (PosixException e) {
            return "directory times not restored: " + e.call() + " " + e.reason();
        }
    }
}
