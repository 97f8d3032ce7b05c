package org.linkrescue.migrate.verify;

/**
 * Running counts for a progress line: written by the walking thread, read by the display
 * thread (volatile, no locks: a slightly stale value is fine for a progress line).
 */
public final class Tally {
    private volatile long paths, bytes;

    public void path() { paths++; }
    public void bytes(long n) { bytes += n; }
    public long paths() { return paths; }
    public long bytes() { return bytes; }
}
