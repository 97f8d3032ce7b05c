package org.linkrescue.migrate.fs;

/** An open file descriptor that closes itself; for try-with-resources. */
public final class Fd implements AutoCloseable {
    private int fd;

    public Fd(int fd) { this.fd = fd; }

    public int fd() {
        if (fd < 0) throw new IllegalStateException("descriptor already closed");
        return fd;
    }

    /** Hands the descriptor over to the caller, who must close it. */
    public int release() { int f = fd; fd = -1; return f; }

    @Override public void close() { Posix.close(fd); fd = -1; }
}
