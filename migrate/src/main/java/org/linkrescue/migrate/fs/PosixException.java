package org.linkrescue.migrate.fs;

import java.io.IOException;
import org.linkrescue.archive.Names;

/** A failed system call: which call, on which path (raw bytes, may be null), and errno. */
public final class PosixException extends IOException {
    private final int errno;
    private final String call;
    private final transient byte[] path;
    private final String why;

    public PosixException(String call, byte[] path, int errno) {
        this(call, path, errno, null);
    }

    /**
     * An error with its own explanation in place of strerror's: "EIO (not rescued by ddrescue:
     * '-' bad sector)" says why a read that the kernel would serve is refused.
     */
    public PosixException(String call, byte[] path, int errno, String why) {
        super(call + (path == null ? "" : " " + Names.display(path)) + ": "
                + Errno.name(errno) + " (" + (why != null ? why : Posix.strerror(errno)) + ")");
        this.call = call;
        this.path = path;
        this.errno = errno;
        this.why = why;
    }

    public int errno() { return errno; }
    public String call() { return call; }
    public byte[] path() { return path; }

    /** "EIO (Input/output error)": for reports that name the path themselves. */
    public String reason() { return Errno.name(errno) + " (" + (why != null ? why : Posix.strerror(errno)) + ")"; }
}
