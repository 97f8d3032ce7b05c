package org.linkrescue.archive;

/**
 * How much of an archive's metadata the reader holds for one entry before it refuses the
 * archive ({@link LimitExceededException}): a stranger's archive is read with memory bounded by
 * these, whatever its headers declare. The defaults are far above anything a real tree needs
 * (Linux keeps an inode's extended attributes in a few KiB, a path over 1 MiB or 65,536 levels
 * deep is made only to hurt) and far below what would exhaust a default heap.
 *
 * @param headerBytes largest pax header ('x' or 'g') or GNU long name ('L', 'K'), in bytes
 * @param entryBytes  all the metadata held for one entry: its pax records and long names, the
 *                    global records in force, and its sparse map (16 bytes per run)
 * @param pathBytes   longest path or link target
 * @param pathDepth   most components of a path
 * @param sparseRuns  most data runs in one sparse file's map
 */
public record ReadLimits(long headerBytes, long entryBytes, long pathBytes, long pathDepth, long sparseRuns) {
    /** Which limit an archive passed. */
    public enum Limit { HEADER_BYTES, ENTRY_BYTES, PATH_BYTES, PATH_DEPTH, SPARSE_RUNS }

    public static final ReadLimits DEFAULTS = new ReadLimits(16L << 20, 32L << 20, 1L << 20, 65_536, 1L << 20);

    public ReadLimits {
        if (headerBytes < 1 || entryBytes < 1 || pathBytes < 1 || pathDepth < 1 || sparseRuns < 1)
            throw new IllegalArgumentException("every limit must be at least 1");
        // A byte array holds at most 2^31 - 1 bytes: a header or path beyond that could not be read anyway.
        if (headerBytes > Integer.MAX_VALUE - 8 || pathBytes > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("a header or path limit above 2 GiB cannot be held in memory");
    }

    public ReadLimits with(Limit which, long value) {
        return switch (which) {
            case HEADER_BYTES -> new ReadLimits(value, entryBytes, pathBytes, pathDepth, sparseRuns);
            case ENTRY_BYTES -> new ReadLimits(headerBytes, value, pathBytes, pathDepth, sparseRuns);
            case PATH_BYTES -> new ReadLimits(headerBytes, entryBytes, value, pathDepth, sparseRuns);
            case PATH_DEPTH -> new ReadLimits(headerBytes, entryBytes, pathBytes, value, sparseRuns);
            case SPARSE_RUNS -> new ReadLimits(headerBytes, entryBytes, pathBytes, pathDepth, value);
        };
    }

    public long of(Limit which) {
        return switch (which) {
            case HEADER_BYTES -> headerBytes;
            case ENTRY_BYTES -> entryBytes;
            case PATH_BYTES -> pathBytes;
            case PATH_DEPTH -> pathDepth;
            case SPARSE_RUNS -> sparseRuns;
        };
    }
}
