package org.linkrescue.archive;

import java.util.Locale;
import java.util.Map;
import org.linkrescue.archive.ReadLimits.Limit;

/**
 * Counts what the reader holds for the entry it is putting together against {@link ReadLimits},
 * before it reads it: a header's declared size is checked before a byte of it is allocated, a
 * sparse map before its next run is stored. One place for every limit, so none is missed.
 */
final class MetadataBudget {
    private final ReadLimits limits;
    private long global; // bytes of the global records in force
    private long entry;  // bytes of the current entry's headers and sparse map

    MetadataBudget(ReadLimits limits) { this.limits = limits; }

    ReadLimits limits() { return limits; }

    /** A new entry's headers begin. */
    void startEntry() { entry = 0; }

    /**
     * A header of size bytes is about to be read into memory.
     *
     * @param forEntry held for this entry ('x', 'L', 'K'); a 'g' header's records are counted
     *                 once they are in force ({@link #globalRecords})
     */
    void header(long size, String what, long off, boolean forEntry) throws LimitExceededException {
        if (size > limits.headerBytes())
            throw over(Limit.HEADER_BYTES, String.format(Locale.ROOT, "%s of %,d bytes at byte offset %d", what, size, off),
                    limits.headerBytes(), "bytes");
        if (entry + global + size > limits.entryBytes()) throw overEntry(size, "a " + what, off);
        if (forEntry) entry += size;
    }

    /** The global records in force changed: they are held for every later entry. */
    void globalRecords(Map<String, byte[]> records, long off) throws LimitExceededException {
        long n = 0;
        for (Map.Entry<String, byte[]> r : records.entrySet()) n += r.getKey().length() + r.getValue().length;
        global = n;
        if (entry + global > limits.entryBytes()) throw overEntry(0, "the pax global records", off);
    }

    /** A sparse map is about to hold runs runs. */
    void sparseRuns(long runs, long off) throws LimitExceededException {
        if (runs > limits.sparseRuns())
            throw over(Limit.SPARSE_RUNS, "sparse map of the entry at byte offset " + off, limits.sparseRuns(), "runs");
        if (entry + global + 16 * runs > limits.entryBytes())
            throw overEntry(16 * runs, "the sparse map of the entry", off);
    }

    /** A path or link target of the entry. */
    void path(byte[] p, String what, long off) throws LimitExceededException {
        if (p.length > limits.pathBytes())
            throw over(Limit.PATH_BYTES, String.format(Locale.ROOT, "%s of %,d bytes in the entry at byte offset %d", what, p.length, off),
                    limits.pathBytes(), "bytes");
        long depth = depth(p);
        if (depth > limits.pathDepth())
            throw over(Limit.PATH_DEPTH, String.format(Locale.ROOT, "%s %,d levels deep in the entry at byte offset %d", what, depth, off),
                    limits.pathDepth(), "levels");
    }

    /** Components of p: the names between slashes, not counting empty ones or ".". */
    static long depth(byte[] p) {
        long n = 0;
        int i = 0;
        while (i < p.length) {
            int s = i;
            while (i < p.length && p[i] != '/') i++;
            int len = i - s;
            if (len > 1 || (len == 1 && p[s] != '.')) n++;
            i++;
        }
        return n;
    }

    private LimitExceededException overEntry(long adding, String what, long off) {
        return over(Limit.ENTRY_BYTES, String.format(Locale.ROOT,
                "%s at byte offset %d brings one entry's metadata to %,d bytes", what, off, entry + global + adding),
                limits.entryBytes(), "bytes");
    }

    private static LimitExceededException over(Limit which, String what, long limit, String unit) {
        return new LimitExceededException(which, String.format(Locale.ROOT, "%s: over the limit of %,d %s", what, limit, unit));
    }
}
