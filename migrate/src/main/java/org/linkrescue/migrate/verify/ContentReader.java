package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * Reads file content for a comparison: SOURCE through {@link ReadThrough} (its unreadable
 * bytes become zeros and are recorded), TARGET plainly (an error there is an error, not
 * damage). Every read feeds a SHA-256, so an inode read once can be compared again later, by
 * hash, with another inode (the other side of a broken or merged link).
 *
 * <p>"Masked" hashes zero the bytes SOURCE could not read, on the TARGET side too, so the two
 * hashes agree exactly when every readable byte does.
 */
final class ContentReader {
    private final byte[] a = new byte[ReadThrough.CHUNK];
    private final byte[] b = new byte[ReadThrough.CHUNK];
    private final Tally tally;
    private final TimedReads reads; // null: SOURCE read plainly

    ContentReader(Tally tally, TimedReads reads) {
        this.tally = tally;
        this.reads = reads;
    }

    /**
     * Opens a SOURCE file (no follow), on a timed worker when there are timed reads: a dying
     * drive can hang on an inode as on its data.
     *
     * @throws PosixException the open failed
     * @throws IOException    it hung past the timeout (or was interrupted): nothing to read
     */
    int openSource(int dirFd, byte[] name) throws IOException {
        int flags = Posix.O_RDONLY | Posix.O_NOFOLLOW;
        return reads == null ? Posix.openat(dirFd, name, flags, 0) : reads.opens().open(dirFd, name, flags).fd();
    }

    /** The hang timeout for SOURCE's reads, for whoever reads SOURCE beside this reader. */
    TimedReads reads() { return reads; }

    /** SOURCE's content: its masked hash and what could not be read. */
    record Source(byte[] hash, BadRanges bad, String error) {}

    /** Both sides read side by side. firstMismatch is -1 when every readable byte agrees. */
    record Lockstep(Source source, byte[] targetRaw, byte[] targetMasked, long firstMismatch) {}

    /** TARGET's content: raw and with SOURCE's bad ranges zeroed (the same array when there are none). */
    record Target(byte[] raw, byte[] masked) {}

    Lockstep lockstep(int srcFd, int tgtFd, long size) throws PosixException {
        ReadThrough src = new ReadThrough(srcFd, size, reads);
        MessageDigest hs = Digests.sha256(), hr = Digests.sha256(), hm = null;
        long off = 0, mismatch = -1;
        boolean masked = false;
        while (off < size) {
            int n = src.readFully(a);
            readTarget(tgtFd, b, n, off);
            hs.update(a, 0, n);
            if (!masked && !src.bad().isEmpty()) {
                // the masked hash so far equals the raw one: fork it before this chunk
                hm = clone(hr);
            }
            hr.update(b, 0, n);
            BadRanges bad = src.bad();
            if (!bad.isEmpty()) {
                masked = true;
                zero(b, off, n, bad);
                hm.update(b, 0, n);
            }
            if (mismatch < 0 && !Arrays.equals(a, 0, n, b, 0, n)) {
                int i = Arrays.mismatch(a, 0, n, b, 0, n);
                mismatch = off + i;
            }
            off += n;
            tally.bytes(2L * n);
        }
        byte[] raw = hr.digest();
        byte[] hm2 = masked ? hm.digest() : raw;
        return new Lockstep(new Source(hs.digest(), src.bad(), src.firstError()), raw, hm2, mismatch);
    }

    Source source(int srcFd, long size) {
        ReadThrough src = new ReadThrough(srcFd, size, reads);
        MessageDigest h = Digests.sha256();
        long off = 0;
        while (off < size) {
            int n = src.readFully(a);
            h.update(a, 0, n);
            off += n;
            tally.bytes(n);
        }
        return new Source(h.digest(), src.bad(), src.firstError());
    }

    Target target(int tgtFd, long size, BadRanges mask) throws PosixException {
        MessageDigest hr = Digests.sha256(), hm = Digests.sha256();
        boolean masking = mask != null && !mask.isEmpty();
        long off = 0;
        while (off < size) {
            int n = (int) Math.min(b.length, size - off);
            readTarget(tgtFd, b, n, off);
            hr.update(b, 0, n);
            if (masking) {
                zero(b, off, n, mask);
                hm.update(b, 0, n);
            }
            off += n;
            tally.bytes(n);
        }
        byte[] raw = hr.digest();
        return new Target(raw, masking ? hm.digest() : raw);
    }

    /** Reads exactly n bytes at off; a file shorter than its lstat size is an error here. */
    static void readTarget(int fd, byte[] buf, int n, long off) throws PosixException {
        int got = 0;
        byte[] tmp = buf;
        while (got < n) {
            if (got > 0 && tmp == buf) tmp = new byte[n];
            int k = Posix.pread(fd, tmp, n - got, off + got);
            if (k == 0) throw new PosixException("read (file shrank at byte " + (off + got) + ")", null, Errno.EIO);
            if (tmp != buf) System.arraycopy(tmp, 0, buf, got, k);
            got += k;
        }
    }

    private static MessageDigest clone(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }

    private static void zero(byte[] buf, long off, int n, BadRanges bad) {
        for (ByteRange r : bad.list()) {
            long s = Math.max(off, r.offset()), e = Math.min(off + n, r.end());
            if (s < e) Arrays.fill(buf, (int) (s - off), (int) (e - off), (byte) 0);
        }
    }
}
