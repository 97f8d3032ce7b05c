package org.linkrescue.archive;

import java.io.IOException;
import java.util.Arrays;

/**
 * Where the stored bytes of a GNU sparse file go: (offset, length) chunks in file order; all
 * else is a hole (zeros). Read from the three forms GNU tar writes: old GNU 'S' headers, pax
 * 0.1 (GNU.sparse.map) and pax 1.0 (map at the start of the data). Every map is checked
 * (ordered, no overlap, inside the real size, lengths adding up to the stored bytes) before a
 * byte is produced: a wrong map would mean wrong bytes.
 */
final class SparseMap {
    private final MetadataBudget budget;
    private final long hdrOff;
    private long[] off = new long[8];
    private long[] len = new long[8];
    private int n;
    private int idx;
    private long realSize;

    /** An empty map for the entry whose header is at hdrOff; its runs count against budget. */
    SparseMap(MetadataBudget budget, long hdrOff) {
        this.budget = budget;
        this.hdrOff = hdrOff;
    }

    /** Reads stored bytes of the entry: exactly len of them, or -1 when the data ends first. */
    interface Stored {
        int read(byte[] b, int len) throws IOException;
    }

    void add(long o, long l) throws LimitExceededException {
        budget.sparseRuns(n + 1L, hdrOff);
        if (n == off.length) {
            off = Arrays.copyOf(off, n * 2);
            len = Arrays.copyOf(len, n * 2);
        }
        off[n] = o;
        len[n] = l;
        n++;
    }

    /** One 24-byte slot of an old GNU sparse header (offset, numbytes); empty slots end the list. */
    void addSlot(byte[] b, int at, long hdrOff) throws TarFormatException {
        if (b[at] == 0) return;
        long o = TarNumbers.parse(b, at, 12), l = TarNumbers.parse(b, at + 12, 12);
        if (o < 0 || l < 0) throw new TarFormatException("bad sparse map in the header at byte offset " + hdrOff);
        add(o, l);
    }

    /** pax 0.1: "GNU.sparse.map=off,len,off,len,...". */
    static SparseMap parseList(byte[] v, MetadataBudget budget, long hdrOff) throws TarFormatException {
        SparseMap m = new SparseMap(budget, hdrOff);
        long[] pair = new long[2];
        int k = 0;
        long cur = 0;
        int digits = 0;
        for (int i = 0; i <= v.length; i++) {
            if (i == v.length || v[i] == ',') {
                if (digits == 0) {
                    if (i == v.length && k == 0 && v.length == 0) break;
                    throw bad(hdrOff);
                }
                pair[k++] = cur;
                if (k == 2) { m.add(pair[0], pair[1]); k = 0; }
                cur = 0;
                digits = 0;
            } else if (v[i] >= '0' && v[i] <= '9' && digits < 18) {
                cur = cur * 10 + (v[i] - '0');
                digits++;
            } else {
                throw bad(hdrOff);
            }
        }
        if (k != 0) throw bad(hdrOff);
        return m;
    }

    /** pax 1.0: "count\n" then "offset\nlength\n" pairs, padded to a 512-byte block. */
    static SparseMap readFrom(Stored in, MetadataBudget budget, long hdrOff) throws IOException {
        SparseMap m = new SparseMap(budget, hdrOff);
        byte[] block = new byte[512];
        int p = 512;
        long count = -1;
        long[] pair = new long[2];
        int k = 0;
        while (count < 0 || m.n < count) {
            long v = 0;
            int digits = 0;
            while (true) {
                if (p == 512) {
                    if (in.read(block, 512) < 0) throw new TarFormatException("sparse map truncated in the entry at byte offset " + hdrOff);
                    p = 0;
                }
                byte c = block[p++];
                if (c == '\n' && digits > 0) break;
                if (c < '0' || c > '9' || ++digits > 18) throw bad(hdrOff);
                v = v * 10 + (c - '0');
            }
            if (count < 0) {
                count = v;
                budget.sparseRuns(count, hdrOff); // refused before a run is read, not after millions
                continue;
            }
            pair[k++] = v;
            if (k == 2) { m.add(pair[0], pair[1]); k = 0; }
        }
        return m;
    }

    private static TarFormatException bad(long hdrOff) {
        return new TarFormatException("bad sparse map in the entry at byte offset " + hdrOff);
    }

    /** Checks the map against the file's real size and the stored bytes that follow. */
    void check(long realSize, long stored, byte[] path, long hdrOff) throws TarFormatException {
        this.realSize = realSize;
        long end = 0, sum = 0;
        for (int i = 0; i < n; i++) {
            if (off[i] < end || len[i] > realSize || off[i] > realSize - len[i])
                throw new TarFormatException("bad sparse map of " + Names.display(path) + " at byte offset " + hdrOff
                        + ": chunks overlap or pass the end");
            end = off[i] + len[i];
            sum += len[i];
        }
        if (sum != stored)
            throw new TarFormatException("bad sparse map of " + Names.display(path) + " at byte offset " + hdrOff
                    + ": " + sum + " bytes mapped, " + stored + " stored");
    }

    /** The chunks as (offset, length) pairs, in file order. */
    long[] runs() {
        long[] r = new long[2 * n];
        for (int i = 0; i < n; i++) {
            r[2 * i] = off[i];
            r[2 * i + 1] = len[i];
        }
        return r;
    }

    /** pos itself when pos is inside a chunk, else where the next chunk starts (or the end). */
    long nextDataAt(long pos) {
        while (idx < n && off[idx] + len[idx] <= pos) idx++;
        if (idx == n) return realSize;
        return Math.max(off[idx], pos);
    }

    /** End of the chunk that holds pos (call after nextDataAt(pos) == pos). */
    long dataEnd(long pos) { return off[idx] + len[idx]; }
}
