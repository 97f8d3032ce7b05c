package org.linkrescue.migrate.fs;

import java.io.IOException;
import org.linkrescue.archive.Names;

/** A failed system call: which call, on which path (raw bytes, may be null), and errno. */
public final class PosixException extends IOException {
    private final int errno;
    private final String call;
    private final transient byte[] path;

    public PosixException(String call, byte[] path, int errno) {
        super(call + (path == null ? "" : " " + Names.display(path)) + ": "
                + Errno.name(errno) + " (" + Posix.strerror(errno) + ")");
        this.call = call;
        this.path = path;
        this.errno = errno;
    }

    public int errno() { return errno; }
    public String call() { return call; }
    public byte[] path() { return path; }

    /** "EIO (Input/output error)": for reports that name the path themselves. */
    public String reason() { return Errno.name(errno) + " (" + Posix.strerror(errno) + ")"; }
}
