package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Stop;

/**
 * Decides whether a candidate may stand in for a damaged inode's bad ranges. Accepted only when
 * it is a regular file (reached without following any symlink below the alternate's directory)
 * of exactly the inode's size, every byte the failing drive could read is equal at the same
 * offset, and its mtime equals the inode's to the nanosecond, or to the second when the
 * candidate has no sub-second part (its filesystem keeps less). A different mtime with equal
 * readable bytes passes only with acceptMtimeMismatch, and the verdict says so.
 *
 * While comparing, the candidate's bytes for the bad ranges are kept ({@link DamagedBytes#fill}),
 * so the splice needs no second read of the candidate. A rejected candidate may leave bytes
 * there; the next one overwrites them, and the splice never reads bad ranges that no candidate
 * filled.
 *
 * <p>A stop requested while a candidate is compared comes at its next 1 MiB chunk, and is no
 * verdict: the candidate is neither accepted nor rejected, and a resumed run compares it again.
 */
final class CandidateVerifier {
    private static final int CHUNK = 1 << 20;

    private final boolean acceptMtimeMismatch;
    private final StopCheck stop;

    /** @param stop looked at before each chunk of a comparison (a large candidate does not hold a stopping run) */
    CandidateVerifier(boolean acceptMtimeMismatch, StopCheck stop) {
        this.acceptMtimeMismatch = acceptMtimeMismatch;
        this.stop = stop;
    }

    /**
     * @param inode       the damaged inode as scanned (size and mtime are the contract)
     * @param spool       its readable bytes at their offsets
     * @param bad         ranges the drive could not read (to be filled from the candidate)
     * @param notCompared ranges that were delivered from the drive but could not be read again
     *                    for the comparison (neither compared nor filled)
     * @throws Stop.Stopped the run is stopping: no verdict (never a rejection, which a map would keep)
     */
    Verdict verify(Candidate c, Stat inode, DamagedBytes spool, BadRanges bad, BadRanges notCompared) throws Stop.Stopped {
        try (CandidateFile f = CandidateFile.find(c)) {
            Stat st = f.stat();
            if (st.size() != inode.size()) return reject(c, "size " + st.size() + " != " + inode.size());
            String mtimeNote = "";
            if (!CandidateFile.mtimeMatches(st, inode)) {
                String m = "mtime " + mtime(st.mtimeSec(), st.mtimeNsec()) + " != " + mtime(inode.mtimeSec(), inode.mtimeNsec());
                if (!acceptMtimeMismatch) return reject(c, m);
                mtimeNote = m + "; accepted by --accept-mtime-mismatch";
            }
            String diff = compare(f.open(), inode.size(), spool, bad, notCompared);
            if (diff != null) return reject(c, diff);
            return new Verdict(c, true, mtimeNote);
        } catch (Stop.Stopped e) {
            throw e;
        } catch (IOException e) {
            return reject(c, e.getMessage());
        }
    }

    private static String mtime(long sec, int nsec) { return sec + "." + String.format("%09d", nsec); }

    /** Returns null when every compared byte is equal, else the reason; fills bad ranges into the spool. */
    private String compare(int fd, long size, DamagedBytes spool, BadRanges bad, BadRanges notCompared) throws IOException {
        ByteBuffer direct = ByteBuffer.allocateDirect(CHUNK);
        byte[] cand = new byte[CHUNK], mine = new byte[CHUNK];
        List<ByteRange> badList = bad.list(), skipList = notCompared.list();
        for (long off = 0; off < size; ) {
            stop.check();
            int want = (int) Math.min(CHUNK, size - off);
            int n = 0;
            while (n < want) {
                int r;
                try {
                    direct.clear();
                    r = Posix.pread(fd, direct.slice(n, want - n), want - n, off + n);
                } catch (PosixException e) {
                    return "read: " + e.reason() + " at byte " + (off + n);
                }
                if (r == 0) return "read: ended at byte " + (off + n) + " of " + size;
                n += r;
            }
            direct.get(0, cand, 0, n);
            spool.read(off, mine, 0, n);
            long end = off + n;
            for (long p = off; p < end; ) {
                ByteRange b = firstFrom(badList, p), s = firstFrom(skipList, p);
                long segEnd = end;
                if (b != null && b.offset() <= p) { // a bad range: take the candidate's bytes
                    segEnd = Math.min(end, b.end());
                    spool.fill(p, cand, (int) (p - off), (int) (segEnd - p));
                } else if (s != null && s.offset() <= p) {
                    segEnd = Math.min(end, s.end());
                } else {
                    if (b != null) segEnd = Math.min(segEnd, b.offset());
                    if (s != null) segEnd = Math.min(segEnd, s.offset());
                    int from = (int) (p - off), to = (int) (segEnd - off);
                    int m = Arrays.mismatch(cand, from, to, mine, from, to);
                    if (m >= 0) return "byte " + (p + m) + " differs";
                }
                p = segEnd;
            }
            off = end;
        }
        return null;
    }

    /** The first range that ends after p (ranges are few: a linear walk is enough). */
    private static ByteRange firstFrom(List<ByteRange> ranges, long p) {
        for (ByteRange r : ranges) if (r.end() > p) return r;
        return null;
    }

    private static Verdict reject(Candidate c, String why) { return new Verdict(c, false, why); }
}
