package org.linkrescue.migrate.verify;

/**
 * Where one side's data lies, walked front to back: the (offset, length) runs that
 * {@link org.linkrescue.migrate.drive.Holes} found, everything else up to the size a hole; no
 * runs (null) is all data. Asked at offsets that never go back.
 */
final class DataRuns {
    private final long[] runs;
    private final long size;
    private int i; // the first run that ends after the last offset asked

    DataRuns(long[] runs, long size) {
        this.runs = runs;
        this.size = size;
    }

    /** Whether the byte at off is data (else it lies in a hole). */
    boolean dataAt(long off) {
        skipTo(off);
        return runs == null || (i < runs.length && runs[i] <= off);
    }

    /** Where the stretch of data or hole that off lies in ends. */
    long stretchEnd(long off) {
        skipTo(off);
        if (runs == null || i >= runs.length) return size;
        return runs[i] <= off ? runs[i] + runs[i + 1] : runs[i];
    }

    private void skipTo(long off) {
        while (runs != null && i < runs.length && runs[i] + runs[i + 1] <= off) i += 2;
    }
}
