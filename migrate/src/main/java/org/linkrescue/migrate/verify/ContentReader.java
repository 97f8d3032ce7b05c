package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.util.Arrays;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.Holes;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Reads file content for a comparison: SOURCE through {@link ReadThrough} (its unreadable
 * bytes become zeros and are recorded), TARGET plainly (an error there is an error, not
 * damage). Every read feeds a {@link ContentHash}, so an inode read once can be compared again
 * later, by hash, with another inode (the other side of a broken or merged link).
 *
 * <p>Holes are not read. Where each side's data lies is asked first (lseek SEEK_DATA/SEEK_HOLE,
 * {@link Holes}; only of a file holding fewer blocks than its size): a stretch that is a hole
 * on both sides is equal zeros and costs nothing; where one side has a hole, the other's data
 * is read and compared with zeros. So a hole in SOURCE and written zeros in TARGET are equal
 * content (whether a copy kept its holes is {@link HoleCheck}'s question), and a 20 GiB file
 * with 200 MiB of data reads 200 MiB per side.
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

    /**
     * SOURCE's content: its masked hash ({@link ContentHash}) and what could not be read.
     */
    record Source(byte[] hash, BadRanges bad, String error) {}

    /**
     * Both sides read side by side. firstMismatch is -1 when every readable byte agrees;
     * targetSha256 is TARGET's plain SHA-256, or null when not asked for.
     */
    record Lockstep(Source source, byte[] targetRaw, byte[] targetMasked, byte[] targetSha256, long firstMismatch) {}

    /**
     * TARGET's content: raw and with SOURCE's bad ranges zeroed (the same array when there are
     * none), and its plain SHA-256 when asked for (else null).
     */
    record Target(byte[] raw, byte[] masked, byte[] sha256) {}

    /**
     * Where SOURCE's data lies; null: read it whole. On the timed worker when reads are timed:
     * the file's extent tree lies on the failing drive as its data does.
     */
    private long[] sourceRuns(int fd, Stat st) {
        return reads == null ? Holes.of(fd, st) : Holes.of(fd, st, reads.calls());
    }

    /** @param sha256 also take TARGET's plain SHA-256 (every zero of its holes fed) */
    Lockstep lockstep(int srcFd, Stat ss, int tgtFd, Stat ts, boolean sha256) throws PosixException {
        long size = ss.size();
        ReadThrough src = new ReadThrough(srcFd, size, reads);
        DataRuns sd = new DataRuns(sourceRuns(srcFd, ss), size), td = new DataRuns(Holes.of(tgtFd, ts), size);
        ContentHash hs = new ContentHash(false), hr = new ContentHash(sha256), hm = null;
        long off = 0, mismatch = -1;
        while (off < size) {
            long end = Math.min(sd.stretchEnd(off), td.stretchEnd(off));
            boolean sData = sd.dataAt(off), tData = td.dataAt(off);
            if (!sData && !tData) { // a hole on both sides: equal zeros, read on neither
                long n = end - off;
                src.skip(n);
                hs.zeros(n);
                hr.zeros(n);
                if (hm != null) hm.zeros(n);
                off = end;
                tally.bytes(2 * n);
                continue;
            }
            int n = (int) Math.min(a.length, end - off);
            if (sData) {
                src.readFully(a, n);
            } else {
                src.skip(n);
                Arrays.fill(a, 0, n, (byte) 0);
            }
            if (tData) readTarget(tgtFd, b, n, off);
            else Arrays.fill(b, 0, n, (byte) 0);
            hs.update(a, 0, n);
            BadRanges bad = src.bad();
            // the masked hash so far equals the raw one: fork it before this chunk
            if (hm == null && !bad.isEmpty()) hm = hr.fork();
            hr.update(b, 0, n);
            if (hm != null) {
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
        byte[] masked = hm == null ? raw : hm.digest();
        return new Lockstep(new Source(hs.digest(), src.bad(), src.firstError()), raw, masked, hr.plainDigest(), mismatch);
    }

    Source source(int srcFd, Stat ss) {
        long size = ss.size();
        ReadThrough src = new ReadThrough(srcFd, size, reads);
        DataRuns sd = new DataRuns(sourceRuns(srcFd, ss), size);
        ContentHash h = new ContentHash(false);
        long off = 0;
        while (off < size) {
            long end = sd.stretchEnd(off);
            long n;
            if (sd.dataAt(off)) {
                n = src.readFully(a, (int) Math.min(a.length, end - off));
                h.update(a, 0, (int) n);
            } else {
                n = end - off;
                src.skip(n);
                h.zeros(n);
            }
            off += n;
            tally.bytes(n);
        }
        return new Source(h.digest(), src.bad(), src.firstError());
    }

    /**
     * @param mask   SOURCE's unreadable ranges, zeroed for the masked hash (null: none)
     * @param sha256 also take the plain SHA-256
     */
    Target target(int tgtFd, Stat ts, BadRanges mask, boolean sha256) throws PosixException {
        long size = ts.size();
        DataRuns td = new DataRuns(Holes.of(tgtFd, ts), size);
        boolean masking = mask != null && !mask.isEmpty();
        ContentHash hr = new ContentHash(sha256), hm = masking ? new ContentHash(false) : null;
        long off = 0;
        while (off < size) {
            long end = td.stretchEnd(off);
            if (!td.dataAt(off)) { // a hole: zeros, masked or not
                long n = end - off;
                hr.zeros(n);
                if (masking) hm.zeros(n);
                off = end;
                tally.bytes(n);
                continue;
            }
            int n = (int) Math.min(b.length, end - off);
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
        return new Target(raw, masking ? hm.digest() : raw, hr.plainDigest());
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

    private static void zero(byte[] buf, long off, int n, BadRanges bad) {
        for (ByteRange r : bad.list()) {
            long s = Math.max(off, r.offset()), e = Math.min(off + n, r.end());
            if (s < e) Arrays.fill(buf, (int) (s - off), (int) (e - off), (byte) 0);
        }
    }
}
