package org.linkrescue.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.FsSpace;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Every path an option names is checked before the drive is read: a report that cannot be
 * written, a mirror that is a file or a spool directory that is missing is found in the first
 * millisecond, not after hours of reading. Each failure is a usage error (exit 2) on one line
 * that names the option, the path and what is wrong with it.
 */
final class Preflight {
    private Preflight() {}

    /**
     * A file the run will write at its end (--report, --json): it can be created or written
     * now. Nothing is left behind by the check: a file it had to create is removed again, and
     * an existing one is not truncated.
     */
    static void outputFile(String option, String path) {
        if (path == null || Args.isStdio(path)) return;
        byte[] p = Args.bytes(path);
        boolean existed = exists(p);
        int fd;
        try {
            fd = Posix.openat(Posix.AT_FDCWD, p, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_NONBLOCK | Posix.O_NOCTTY, 0644);
        } catch (PosixException e) {
            throw wrong(option, path, "cannot be written: " + e.reason());
        }
        Posix.close(fd);
        if (!existed) {
            try {
                Posix.unlinkAt(Posix.AT_FDCWD, p, 0);
            } catch (PosixException ignored) {
                // made by this check a moment ago; if it cannot go, the run overwrites it
            }
        }
    }

    /** A file the run reads (--rescue-report, --from-scan, --exclude-from): readable, and not a directory. */
    static void inputFile(String option, String path) {
        if (path == null) return;
        Stat st = stat(option, path);
        if (st.isDir()) throw wrong(option, path, "is a directory, not a file");
        try {
            Posix.close(Posix.openat(Posix.AT_FDCWD, Args.bytes(path), Posix.O_RDONLY | Posix.O_NONBLOCK | Posix.O_NOCTTY, 0));
        } catch (PosixException e) {
            throw wrong(option, path, "cannot be read: " + e.reason());
        }
    }

    /** A directory the run reads from (--alternate mirror=DIR). */
    static Stat directory(String option, String path) {
        Stat st = stat(option, path);
        if (!st.isDir()) throw wrong(option, path, "is not a directory");
        try {
            Posix.close(Posix.openat(Posix.AT_FDCWD, Args.bytes(path), Posix.O_RDONLY | Posix.O_DIRECTORY, 0));
        } catch (PosixException e) {
            throw wrong(option, path, "cannot be read: " + e.reason());
        }
        return st;
    }

    /** A directory the run writes files into (--spool-dir): a file can be made there now. */
    static void writableDirectory(String option, String path) {
        directory(option, path);
        try {
            Files.delete(Files.createTempFile(Path.of(path), ".linkrescue-check", ""));
        } catch (IOException e) {
            throw wrong(option, path, "no file can be made in it: " + Args.why(e));
        }
    }

    /** The file system holding dir takes writes (repair changes SOURCE in place). */
    static void writableMount(String what, String path) {
        try {
            int fd = Posix.openat(Posix.AT_FDCWD, Args.bytes(path), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            try {
                FsSpace fs = Posix.fsSpace(fd);
                if (fs.readOnly())
                    throw new ExitCodes.UsageException(what + " '" + Args.display(path)
                            + "' is on a read-only mount; remount it read-write (mount -o remount,rw) to repair in place");
            } finally {
                Posix.close(fd);
            }
        } catch (PosixException e) {
            // a SOURCE that cannot be opened is reported by the source check, with its own words
        }
    }

    private static Stat stat(String option, String path) {
        try {
            return Posix.statAt(Posix.AT_FDCWD, Args.bytes(path));
        } catch (PosixException e) {
            throw wrong(option, path, e.errno() == Errno.ENOENT ? "no such file or directory" : "cannot be looked at: " + e.reason());
        }
    }

    private static boolean exists(byte[] p) {
        try {
            Posix.lstatAt(Posix.AT_FDCWD, p);
            return true;
        } catch (PosixException e) {
            return false;
        }
    }

    private static ExitCodes.UsageException wrong(String option, String path, String what) {
        return new ExitCodes.UsageException(option + " '" + Args.display(path) + "': " + what);
    }
}
