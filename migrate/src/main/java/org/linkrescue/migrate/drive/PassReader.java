package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.linkrescue.migrate.fs.PosixException;

/**
 * Reads one damaged file pass by pass, the way GNU ddrescue reads a drive: good data first, bad
 * areas last, each bad block touched as few times as the passes allow. What it reads goes to a
 * {@link ByteStore} at its offset (the target's file), and every byte's standing to the file's
 * {@link RangeStates}.
 * <ol>
 *   <li>{@link #copy}: large reads; at a read that fails or comes back short, the rest of that
 *       read is non-trimmed and the reading skips ahead (a growing skip: it doubles at each
 *       failure in a row and starts again at the first good read, so a long bad zone costs few
 *       reads), then goes on to the end of the file. No byte is read twice.</li>
 *   <li>{@link #trimAndScrape}: what pass 1 skipped is read in large reads for the first time;
 *       then each non-trimmed range block by block from its leading edge until a block fails,
 *       and from its trailing edge back until one fails (an edge next to a bad block counts as
 *       trimmed already); then what lies between, block by block.</li>
 *   <li>{@link #retry}: each bad block read once more, alone.</li>
 * </ol>
 * A read that hangs past the timeout ends every pass for the file: the rest of what is not
 * finished is bad, and never read again (one more read could hang just the same, and each costs
 * a worker). A file that ends before its scanned size (0 bytes read twice) is bad from there.
 *
 * <p>Not thread-safe: one reader per caller.
 */
public final class PassReader {
    /** ddrescue's smallest skip: 64 KiB. */
    static final long INITIAL_SKIP = 64 * 1024;
    /** ddrescue's largest skip. */
    static final long MAX_SKIP = 1L << 30;

    private final TimedReads reads;
    private final int chunk, blockSize;
    private final byte[] buf;
    private Check stop = () -> { };

    /** What a run asks before each read: whether to stop (it throws) or go on. */
    public interface Check {
        void check() throws IOException;
    }

    public PassReader(TimedReads reads, int chunk, int blockSize) {
        if (chunk % blockSize != 0) throw new IllegalArgumentException("chunk " + chunk + " not a multiple of block " + blockSize);
        this.reads = reads;
        this.chunk = chunk;
        this.blockSize = blockSize;
        this.buf = new byte[chunk];
    }

    /**
     * Asks stop before every read from now on: a stop requested while the later passes read
     * block by block (a bad block may cost seconds each) waits for one read at most, not for
     * the rest of the file. What was read before it is stored and finished in the states.
     */
    public PassReader stopWith(Check stop) {
        this.stop = stop;
        return this;
    }

    /**
     * Pass 1 from byte from on, where a large read of [from, failedTo) has just failed or come
     * back short: that much is non-trimmed, a skip follows, and the rest of the file is read in
     * large reads. Bytes before from are the caller's business.
     *
     * @param runs       a file with holes: its data runs (offset, length pairs), the only bytes
     *                   read; null for a file without
     * @param readBefore ranges past from that were read once already, in vain (a chunk in
     *                   flight beside the one that failed): they count as failed reads and are
     *                   not read again
     */
    public void copy(int fd, long[] runs, long from, long failedTo, List<ByteRange> readBefore, RangeStates states,
                     ByteStore out, RescueReader.Outcome o) throws IOException {
        long size = states.size();
        long[] r = runs == null ? new long[] {0, size} : runs;
        Skip skip = new Skip(size);
        states.set(from, failedTo, BlockStatus.NON_TRIMMED);
        long p = failedTo;
        boolean failed = true, zeroOnce = false;
        for (int i = 0; i < r.length; i += 2) {
            long runEnd = r[i] + r[i + 1];
            if (runEnd <= p) continue;
            p = Math.max(p, r[i]);
            while (p < runEnd) {
                if (failed) { // skip ahead of what just failed: a bad zone costs few reads
                    long next = Math.min(runEnd, alignUp(p + skip.next()));
                    states.set(p, next, BlockStatus.NON_TRIED);
                    p = next;
                    failed = false;
                    continue;
                }
                ByteRange before = firstFrom(readBefore, p);
                if (before != null && before.offset() <= p) { // read once already, and it failed
                    long end = Math.min(runEnd, before.end());
                    states.set(p, end, BlockStatus.NON_TRIMMED);
                    p = end;
                    failed = true;
                    continue;
                }
                int want = (int) Math.min(chunk, runEnd - p);
                if (before != null) want = (int) Math.min(want, before.offset() - p);
                int n = once(fd, p, want, out, o);
                if (n == HUNG) {
                    lostFrom(states, r, p);
                    hung(states, p, o);
                    return;
                }
                if (n == 0) {
                    if (zeroOnce) {
                        o.endedAt = p;
                        lostFrom(states, r, p);
                        return;
                    }
                    zeroOnce = true;
                    continue;
                }
                zeroOnce = false;
                if (n > 0) {
                    states.set(p, p + n, BlockStatus.FINISHED);
                    skip.reset();
                    p += n;
                    if (n == want) continue;
                    want -= n; // short: a bad block starts here, which a second read would only meet again
                }
                states.set(p, p + want, BlockStatus.NON_TRIMMED);
                p += want;
                failed = true;
            }
        }
    }

    /**
     * Pass 2: the non-tried ranges in large reads (what fails becomes non-trimmed), then each
     * non-trimmed range trimmed from both edges block by block, then the non-scraped middles
     * scraped block by block. Returns false when the file hung (nothing more is read of it).
     */
    public boolean trimAndScrape(int fd, RangeStates states, ByteStore out, RescueReader.Outcome o) throws IOException {
        for (RangeStates.Span s : states.spans(BlockStatus.NON_TRIED)) {
            long p = s.offset();
            boolean zeroOnce = false;
            while (p < s.end()) {
                int want = (int) Math.min(chunk, s.end() - p);
                int n = once(fd, p, want, out, o);
                if (n == HUNG) return hung(states, p, o);
                if (n == 0) {
                    if (zeroOnce) return ended(states, p, o);
                    zeroOnce = true;
                    continue;
                }
                zeroOnce = false;
                if (n > 0) {
                    states.set(p, p + n, BlockStatus.FINISHED);
                    p += n;
                    if (n == want) continue;
                    want -= n;
                }
                states.set(p, p + want, BlockStatus.NON_TRIMMED);
                p += want;
            }
        }
        for (RangeStates.Span s : states.spans(BlockStatus.NON_TRIMMED)) {
            long lead = s.offset(), trail = s.end();
            boolean leadTrimmed = lead > 0 && states.at(lead - 1) == BlockStatus.BAD;
            boolean trailTrimmed = trail < states.size() && states.at(trail) == BlockStatus.BAD;
            while (!leadTrimmed && lead < trail) {
                long end = Math.min(trail, alignDown(lead) + blockSize);
                int r = block(fd, lead, end, states, out, o);
                if (r == STOP) return stopped(states, o);
                lead = end;
                if (r == SOME_BAD) break;
            }
            while (!trailTrimmed && trail > lead) {
                long start = Math.max(lead, alignDown(trail - 1));
                int r = block(fd, start, trail, states, out, o);
                if (r == STOP) return stopped(states, o);
                trail = start;
                if (r == SOME_BAD) break;
            }
            if (lead < trail) states.set(lead, trail, BlockStatus.NON_SCRAPED);
        }
        for (RangeStates.Span s : states.spans(BlockStatus.NON_SCRAPED)) {
            for (long p = s.offset(); p < s.end(); ) {
                long end = Math.min(s.end(), alignDown(p) + blockSize);
                if (block(fd, p, end, states, out, o) == STOP) return stopped(states, o);
                p = end;
            }
        }
        return true;
    }

    /**
     * Pass 3, once: every bad block read again, alone, forwards or (reverse) backwards, as
     * ddrescue turns round at each retry pass. Returns false when the file hung.
     */
    public boolean retry(int fd, RangeStates states, ByteStore out, RescueReader.Outcome o, boolean reverse) throws IOException {
        List<long[]> blocks = new ArrayList<>();
        for (RangeStates.Span s : states.spans(BlockStatus.BAD)) {
            for (long p = s.offset(); p < s.end(); ) {
                long end = Math.min(s.end(), alignDown(p) + blockSize);
                blocks.add(new long[] {p, end});
                p = end;
            }
        }
        if (reverse) Collections.reverse(blocks);
        for (long[] b : blocks) {
            if (block(fd, b[0], b[1], states, out, o) == STOP) return stopped(states, o);
        }
        return true;
    }

    /** What {@link #block} found; what {@link #once} read when it read nothing. */
    private static final int ALL_GOOD = 0, SOME_BAD = 1, STOP = 2, HUNG = -2, FAILED = -1;

    /**
     * Reads [from, to) of one block as far as it goes, then past each loss (a drive that knows
     * where a loss ends loses no byte after it): good bytes finished, lost ones bad.
     */
    private int block(int fd, long from, long to, RangeStates states, ByteStore out, RescueReader.Outcome o) throws IOException {
        boolean bad = false;
        long p = from;
        while (p < to) {
            long got = span(fd, p, to, states, out, o);
            if (o.hungAt >= 0) return STOP;
            p += got;
            if (o.endedAt >= 0) {
                ended(states, p, o);
                return STOP;
            }
            if (p < to) {
                long end = reads.reader().lostUntil(fd, p, to);
                states.set(p, end, BlockStatus.BAD);
                p = end;
                bad = true;
            }
        }
        return bad ? SOME_BAD : ALL_GOOD;
    }

    /** Reads [off, end) until it is done or a read fails: returns the bytes read (finished and stored). */
    private long span(int fd, long off, long end, RangeStates states, ByteStore out, RescueReader.Outcome o) throws IOException {
        long p = off;
        boolean zeroOnce = false;
        while (p < end) {
            int n = once(fd, p, (int) Math.min(chunk, end - p), out, o);
            if (n == HUNG) {
                o.hungAt = p;
                break;
            }
            if (n == FAILED) break;
            if (n == 0) {
                if (zeroOnce) {
                    o.endedAt = p;
                    break;
                }
                zeroOnce = true;
                continue;
            }
            zeroOnce = false;
            states.set(p, p + n, BlockStatus.FINISHED);
            p += n;
        }
        return p - off;
    }

    /** One read: the bytes read (stored at their offset), 0 at an end, FAILED (the error counted) or HUNG. */
    private int once(int fd, long off, int len, ByteStore out, RescueReader.Outcome o) throws IOException {
        stop.check();
        int n;
        try {
            n = reads.pread(fd, buf, 0, len, off);
        } catch (ReadTimeoutException e) {
            o.hungAt = off;
            return HUNG;
        } catch (PosixException e) {
            o.errors.merge("read: " + e.reason(), 1, Integer::sum);
            return FAILED;
        }
        if (n > 0) {
            out.write(off, buf, 0, n);
            o.bytesRead += n;
        }
        return n;
    }

    /** A block read hung or met the end: nothing more of the file is read. */
    private static boolean stopped(RangeStates states, RescueReader.Outcome o) {
        if (o.hungAt >= 0) hung(states, o.hungAt, o);
        return false;
    }

    /** A read hung: what is not finished is bad for good, and nothing more of the file is read. */
    private static boolean hung(RangeStates states, long at, RescueReader.Outcome o) {
        o.hungAt = at;
        for (BlockStatus s : new BlockStatus[] {BlockStatus.NON_TRIED, BlockStatus.NON_TRIMMED, BlockStatus.NON_SCRAPED})
            for (RangeStates.Span sp : states.spans(s)) states.set(sp.offset(), sp.end(), BlockStatus.BAD);
        return false;
    }

    /** The file ended early: every byte from at on that is not finished is bad. */
    private static boolean ended(RangeStates states, long at, RescueReader.Outcome o) {
        o.endedAt = at;
        for (RangeStates.Span sp : states.spans()) {
            if (sp.end() > at && sp.status() != BlockStatus.FINISHED)
                states.set(Math.max(at, sp.offset()), sp.end(), BlockStatus.BAD);
        }
        return false;
    }

    /** Pass 1 met a hang or an end at p: the data from p on is bad (holes stay what they are). */
    private static void lostFrom(RangeStates states, long[] runs, long p) {
        for (int i = 0; i < runs.length; i += 2) {
            long s = Math.max(p, runs[i]), e = runs[i] + runs[i + 1];
            if (s < e) states.set(s, e, BlockStatus.BAD);
        }
    }

    private static ByteRange firstFrom(List<ByteRange> ranges, long p) {
        for (ByteRange r : ranges) if (r.end() > p) return r;
        return null;
    }

    private long alignDown(long p) { return p / blockSize * blockSize; }

    private long alignUp(long p) { return (p + blockSize - 1) / blockSize * blockSize; }

    /**
     * ddrescue's skip in the copying phase: 64 KiB (or a 100,000th of the file) at the first
     * failure, doubled at each failure in a row, and back to the start at the first good read.
     * ddrescue stops doubling at a hundredth of the drive (at most 1 GiB); here the unit is a
     * file, whose hundredth is too small to cross a bad zone in few reads, so the cap is an
     * eighth of the file (at most 1 GiB): a zone costs a handful of reads, and no leap passes
     * over so much that the good data past a zone waits for pass 2.
     */
    private final class Skip {
        private final long initial, max;
        private long now;

        Skip(long size) {
            initial = alignUp(Math.max(INITIAL_SKIP, size / 100_000));
            max = Math.max(initial, Math.min(MAX_SKIP, alignUp(size / 8)));
            now = initial;
        }

        long next() {
            long s = now;
            now = Math.min(max, now * 2);
            return s;
        }

        void reset() { now = initial; }
    }
}
