package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.migrate.fs.MachineLimitException;
import org.linkrescue.migrate.fs.PosixException;

/**
 * Reads a range of one damaged file into the spool, confining the damage to the blocks that
 * really fail. Large chunks first (a failing drive is slow per request, not per byte); a chunk
 * that fails is read again block by block, and each failing block is tried {@code 1 + retries}
 * times. A short read is progress, never the end: only a read of 0 bytes, twice, before the
 * scanned size is (the file shrank). A read that hangs past the timeout gives up the rest of the
 * file: one more read could hang just the same, and the run must go on.
 */
public final class RescueReader {
    private final TimedReads reads;
    private final int chunk, blockSize, retries;
    private final byte[] buf;

    /** What one call read; the bad ranges go into the caller's {@link BadRanges}. */
    public static final class Outcome {
        public long bytesRead;
        /** Offset of a read that hung, or -1. */
        public long hungAt = -1;
        /** Offset where the file ended before its scanned size, or -1. */
        public long endedAt = -1;
        /** "read: EIO (Input/output error)" -> how many failed attempts. */
        public final Map<String, Integer> errors = new LinkedHashMap<>();

        public List<String> notes(long size) {
            List<String> out = new ArrayList<>();
            errors.forEach((e, n) -> out.add(e + (n > 1 ? " (" + n + " failed reads)" : "")));
            if (hungAt >= 0) out.add("read at byte " + hungAt + " hung; the rest of the file counts as unreadable");
            if (endedAt >= 0) out.add("file ended at byte " + endedAt + " of " + size + " (shrank since the scan)");
            return out;
        }
    }

    public RescueReader(TimedReads reads, int chunk, int blockSize, int retries) {
        if (chunk % blockSize != 0) throw new IllegalArgumentException("chunk " + chunk + " not a multiple of block " + blockSize);
        this.reads = reads;
        this.chunk = chunk;
        this.blockSize = blockSize;
        this.retries = retries;
        this.buf = new byte[chunk];
    }

    /**
     * Reads [from, to) of fd (a file of the given scanned size) into spool; unreadable bytes go
     * to bad.
     *
     * @param failedAtFrom a large read at from just failed: start block by block there, rather
     *                     than ask the drive for the same chunk again
     */
    public Outcome read(int fd, long from, long to, long size, ByteStore spool, BadRanges bad, Outcome out, boolean failedAtFrom)
            throws IOException {
        long off = from;
        while (off < to) {
            long chunkEnd = Math.min(to, (off / chunk + 1) * chunk);
            long p = off;
            if (off != from || !failedAtFrom) p += span(fd, off, chunkEnd, spool, out);
            if (stopped(out, p, bad, size)) return out;
            while (p < chunkEnd) { // the chunk failed at p: go block by block to its end
                long blockEnd = Math.min(chunkEnd, (p / blockSize + 1) * blockSize);
                for (int attempt = 0; attempt <= retries && p < blockEnd; attempt++) {
                    p += span(fd, p, blockEnd, spool, out);
                    if (stopped(out, p, bad, size)) return out;
                }
                if (p < blockEnd) { // lost to blockEnd, or (a drive that knows) to where the damage ends
                    long end = reads.reader().lostUntil(fd, p, blockEnd);
                    bad.add(p, end);
                    p = end;
                }
            }
            off = chunkEnd;
        }
        return out;
    }

    /** After a hang or an early end, the rest of the file is bad and nothing more is read. */
    private static boolean stopped(Outcome out, long p, BadRanges bad, long size) {
        if (out.hungAt < 0 && out.endedAt < 0) return false;
        bad.add(p, size);
        return true;
    }

    /**
     * Reads [off, end) as far as it goes: returns the bytes read (and spooled) before the first
     * failed read. Records a hang or an early end in out.
     */
    private int span(int fd, long off, long end, ByteStore spool, Outcome out) throws IOException {
        int len = (int) (end - off), got = 0;
        boolean zeroOnce = false;
        while (got < len) {
            int n;
            try {
                n = reads.pread(fd, buf, 0, len - got, off + got);
            } catch (ReadTimeoutException e) {
                out.hungAt = off + got;
                return got;
            } catch (PosixException e) {
                MachineLimitException.check(e, null);
                out.errors.merge("read: " + e.reason(), 1, Integer::sum);
                return got;
            }
            if (n == 0) {
                if (zeroOnce) { out.endedAt = off + got; return got; }
                zeroOnce = true;
                continue;
            }
            spool.write(off + got, buf, 0, n);
            out.bytesRead += n;
            got += n;
        }
        return got;
    }
}
