package org.linkrescue.migrate.verify;

import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.rescue.BadRanges;

/**
 * Reads one open file of a possibly failing drive from start to its lstat size, through read
 * errors: large reads while they work; where one fails, the failing block alone is read again
 * and, if it still fails, recorded as bad and handed out as zeros; then large reads resume. A
 * short read is never taken for the end of the file (on a failing drive it ends where a bad
 * block starts); only a read that returns 0 before the size is, and the missing tail is then
 * recorded as bad too ("file shrank").
 *
 * <p>Not done here (the rescue reader's business): retries beyond one re-read of the failing
 * block, and timeouts for reads that hang.
 */
public final class ReadThrough {
    public static final int CHUNK = 1 << 20;
    public static final int BLOCK = 4096;

    private final int fd;
    private final long size;
    private final byte[] scratch = new byte[CHUNK];
    private final BadRanges bad = new BadRanges();
    private long off;
    private String firstError;

    public ReadThrough(int fd, long size) {
        this.fd = fd;
        this.size = size;
    }

    /**
     * Fills b[0..n) with the file's next n = min(b.length, bytes left) bytes, zeros where the
     * drive failed; returns n, 0 at the end.
     */
    public int readFully(byte[] b) {
        int want = (int) Math.min(b.length, size - off);
        int filled = 0;
        while (filled < want) {
            int len = Math.min(want - filled, CHUNK);
            int n;
            try {
                n = Posix.pread(fd, scratch, len, off);
            } catch (PosixException e) {
                n = readFailingBlock(len, e);
            }
            if (n == 0) { // the file ended before its lstat size
                note("file shrank while read: " + off + " of " + size + " bytes");
                bad.add(off, off + (want - filled));
                java.util.Arrays.fill(b, filled, want, (byte) 0);
                off += want - filled;
                return want;
            }
            if (n > 0) System.arraycopy(scratch, 0, b, filled, n);
            else { // -n bad bytes, zeros
                n = -n;
                java.util.Arrays.fill(b, filled, filled + n, (byte) 0);
            }
            filled += n;
            off += n;
        }
        return want;
    }

    /** Re-reads the block at off alone: its byte count into scratch, or minus the bytes marked bad. */
    private int readFailingBlock(int len, PosixException first) {
        long blockEnd = Math.min(size, (off / BLOCK + 1) * BLOCK);
        int blen = (int) Math.min(len, blockEnd - off);
        try {
            int n = Posix.pread(fd, scratch, blen, off);
            if (n > 0) return n;
        } catch (PosixException e) {
            first = e;
        }
        note("read at " + off + ": " + Errno.name(first.errno()));
        bad.add(off, off + blen);
        return -blen;
    }

    private void note(String s) { if (firstError == null) firstError = s; }

    public BadRanges bad() { return bad; }

    /** What went wrong first, for reports; null when every byte was read. */
    public String firstError() { return firstError; }
}
