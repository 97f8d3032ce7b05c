package org.linkrescue.migrate.pipeline;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.TarReader;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * An uncompressed tar archive in a regular file (opened by name, or standard input redirected
 * from one), read by offset: the tar reader reads headers through {@link #stream()} and seeks
 * over the data, which the disk sink copies kernel-side from {@link #fd()} at the entry's
 * offset. Nothing here moves the descriptor's own file position, so the sink thread's copies
 * and the reader never disturb each other.
 *
 * <p>The file's size is taken once, at open: an entry whose data would pass it is read
 * through the stream like a pipe, so a truncated archive fails with the reader's usual message.
 */
public final class ArchiveFile implements Closeable {
    private final int fd;
    private final long start;
    private final long end;
    private final boolean owned;
    private boolean closed;

    private ArchiveFile(int fd, long start, long end, boolean owned) {
        this.fd = fd;
        this.start = start;
        this.end = end;
        this.owned = owned;
    }

    /**
     * The file at path, if it is a regular file holding an uncompressed archive; null otherwise
     * (cannot be opened, not a regular file, compressed): the caller then reads it as a stream,
     * which reports its errors as it always did.
     */
    public static ArchiveFile openIfPlain(byte[] path) {
        int fd;
        try {
            // Looked at before opening: opening a FIFO would wait for (and then cheat) its writer.
            if (!Posix.statAt(Posix.AT_FDCWD, path).isRegular()) return null;
            fd = Posix.openat(Posix.AT_FDCWD, path, Posix.O_RDONLY, 0);
        } catch (PosixException e) {
            return null;
        }
        ArchiveFile f = plainOrNull(fd, 0, true);
        if (f == null) Posix.close(fd);
        return f;
    }

    /**
     * Standard input (descriptor 0, left open) if it is redirected from a regular file holding
     * an uncompressed archive, read from its current position on; null otherwise (a pipe, a
     * terminal, compressed). Only for a process whose System.in nobody has read yet.
     */
    public static ArchiveFile stdinIfPlain() {
        return fromPosition(0);
    }

    /** Descriptor fd (left open) from its current position, as {@link #stdinIfPlain} takes descriptor 0. */
    static ArchiveFile fromPosition(int fd) {
        long at;
        try {
            at = Posix.lseek(fd, 0, Posix.SEEK_CUR);
        } catch (PosixException e) {
            return null; // a pipe or a terminal
        }
        return plainOrNull(fd, at, false);
    }

    private static ArchiveFile plainOrNull(int fd, long start, boolean owned) {
        try {
            Stat st = Posix.fstat(fd);
            if (!st.isRegular()) return null;
            byte[] head = new byte[6];
            int n = Posix.pread(fd, head, head.length, start);
            if (Compression.detect(new ByteArrayInputStream(head, 0, n)) != Compression.NONE) return null;
            return new ArchiveFile(fd, start, Math.max(start, st.size()), owned);
        } catch (IOException e) {
            return null; // the stream path meets the same error and reports it
        }
    }

    /** The archive's descriptor (kernel-side copies read it at an offset, never by position). */
    int fd() { return fd; }

    /** File offset of stream offset 0 (where standard input stood when the run began). */
    long start() { return start; }

    /** Whether bytes [streamOffset, streamOffset + n) lie inside the file as it was at open. */
    boolean holds(long streamOffset, long n) {
        return streamOffset >= 0 && n >= 0 && start + streamOffset <= end - n;
    }

    /** A fresh stream over the archive from its start, for the tar reader; it seeks. */
    InputStream stream() { return new Stream(); }

    /** Closes the file (standard input stays open); a second call does nothing. */
    @Override
    public void close() {
        if (owned && !closed) Posix.close(fd);
        closed = true;
    }

    /** Reads with pread from its own offset; skipping moves the offset only. */
    private final class Stream extends InputStream implements TarReader.Seekable {
        private long at = start;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            int n;
            if (off == 0) {
                n = Posix.pread(fd, b, len, at);
            } else {
                byte[] tmp = new byte[len];
                n = Posix.pread(fd, tmp, len, at);
                System.arraycopy(tmp, 0, b, off, n);
            }
            if (n == 0) return -1;
            at += n;
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override public long remaining() { return Math.max(0, end - at); }

        @Override
        public void skipExactly(long n) {
            if (n < 0 || n > remaining()) throw new IllegalArgumentException("skip of " + n + " bytes past the end");
            at += n;
        }
    }
}
