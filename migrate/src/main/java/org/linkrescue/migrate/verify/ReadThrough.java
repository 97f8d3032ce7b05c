package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * Reads one open file of a possibly failing drive from start to its lstat size, through read
 * errors: large reads while they work; where one fails, the failing block alone is read again
 * and, if it still fails, recorded as bad and handed out as zeros; then large reads resume. A
 * short read is never taken for the end of the file (on a failing drive it ends where a bad
 * block starts); only a read that returns 0 before the size is, and the missing tail is then
 * recorded as bad too ("file shrank").
 *
 * <p>With {@link TimedReads}, a read that hangs past their timeout is abandoned on its worker:
 * the rest of the file is recorded as bad ("hung") and handed out as zeros, and the file is not
 * read again. Not done here (the rescue reader's business): retries beyond one re-read of the
 * failing block.
 */
public final class ReadThrough {
    public static final int CHUNK = 1 << 20;
    public static final int BLOCK = 4096;

    private final int fd;
    private final long size;
    private final TimedReads reads; // null: plain reads, no timeout
    private final byte[] scratch = new byte[CHUNK];
    private boolean hung;
    private final BadRanges bad = new BadRanges();
    private long off;
    private String firstError;

    public ReadThrough(int fd, long size) {
        this(fd, size, null);
    }

    /** @param reads runs each read on a worker and gives up one that hangs (null: read plainly) */
    public ReadThrough(int fd, long size, TimedReads reads) {
        this.fd = fd;
        this.size = size;
        this.reads = reads;
    }

    /**
     * Fills b[0..n) with the file's next n = min(b.length, bytes left) bytes, zeros where the
     * drive failed; returns n, 0 at the end.
     */
    public int readFully(byte[] b) {
        return readFully(b, b.length);
    }

    /** As {@link #readFully(byte[])}, at most max bytes. */
    public int readFully(byte[] b, int max) {
        int want = (int) Math.min(max, size - off);
        int filled = 0;
        while (filled < want) {
            int len = Math.min(want - filled, CHUNK);
            int n;
            try {
                n = pread(len);
            } catch (ReadTimeoutException e) {
                hungAt(e);
                Arrays.fill(b, filled, want, (byte) 0);
                off += want - filled;
                return want;
            } catch (PosixException e) {
                n = readFailingBlock(len, e);
            }
            if (n == 0) { // the file ended before its lstat size
                note("file shrank while read: " + off + " of " + size + " bytes");
                bad.add(off, off + (want - filled));
                Arrays.fill(b, filled, want, (byte) 0);
                off += want - filled;
                return want;
            }
            if (n > 0) System.arraycopy(scratch, 0, b, filled, n);
            else { // -n bad bytes, zeros
                n = -n;
                Arrays.fill(b, filled, filled + n, (byte) 0);
            }
            filled += n;
            off += n;
        }
        return want;
    }

    /** One read at off into scratch; a hung file reads as nothing more (the caller zeroes it). */
    private int pread(int len) throws PosixException, ReadTimeoutException {
        if (hung) throw new ReadTimeoutException("read", off, Duration.ZERO);
        if (reads == null) return Posix.pread(fd, scratch, len, off);
        try {
            return reads.pread(fd, scratch, 0, len, off);
        } catch (PosixException | ReadTimeoutException e) {
            throw e;
        } catch (IOException e) { // interrupted: taken as a hang, the worker is gone
            throw new ReadTimeoutException("read", off, Duration.ZERO);
        }
    }

    /** A read hung and was abandoned: the rest of the file is bad and not read again. */
    private void hungAt(ReadTimeoutException e) {
        if (!hung) {
            note("read at " + off + " hung: " + e.getMessage() + "; the rest not read");
            bad.add(off, size);
            hung = true;
        }
    }

    /** Re-reads the block at off alone: its byte count into scratch, or minus the bytes marked bad. */
    private int readFailingBlock(int len, PosixException first) {
        long blockEnd = Math.min(size, (off / BLOCK + 1) * BLOCK);
        if (reads != null) blockEnd = reads.reader().lostUntil(fd, off, blockEnd); // a mapped image knows to the byte
        int blen = (int) Math.min(len, blockEnd - off);
        try {
            int n = pread(blen);
            if (n > 0) return n;
        } catch (ReadTimeoutException e) {
            hungAt(e);
            return -blen;
        } catch (PosixException e) {
            first = e;
        }
        note("read at " + off + ": " + Errno.name(first.errno()));
        bad.add(off, off + blen);
        return -blen;
    }

    /**
     * Passes over the next n bytes without reading them: a hole, whose zeros the caller knows
     * (a hole is never a bad block).
     */
    public void skip(long n) { off += n; }

    private void note(String s) { if (firstError == null) firstError = s; }

    public BadRanges bad() { return bad; }

    /** What went wrong first, for reports; null when every byte was read. */
    public String firstError() { return firstError; }
}
