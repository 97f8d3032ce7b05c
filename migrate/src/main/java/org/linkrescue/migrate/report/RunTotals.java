package org.linkrescue.migrate.report;

import org.linkrescue.archive.Entry;

/**
 * What went through the sink. Written by one thread (the sink's), read by others (the progress
 * display): fields are volatile so a reader sees recent values without locking the writer.
 */
public final class RunTotals {
    private volatile long startNanos = System.nanoTime();
    private volatile long paths, files, hardLinks, dirs, symlinks, specials, bytes, inodesRead, damagedInodes;
    /** Entries an archive marked damaged only after their data (late records): the reading thread's. */
    private volatile long damagedAfterRead;
    private volatile long elapsedNanos = -1;
    /**
     * What the run expects in all, set by whoever counted it (verify: TARGET, the healthy copy),
     * or -1. The progress line's totals and ETA come from {@link #expectedPaths} and {@link
     * #expectedBytes} only, whoever estimates them.
     */
    private volatile long expectedBytes = -1, expectedPaths = -1;
    /** What the file system holding SOURCE has in use (statfs), or -1: the estimate while the scan runs. */
    private volatile long fsBytes = -1, fsInodes = -1;
    /** What the scan has met so far (each inode's data once), and whether it has met everything. */
    private volatile long scannedBytes, scannedPaths, scannedInodes;
    private volatile boolean scanEnded;

    /** Counts one entry as it is handed to the sink (a FILE's bytes are counted by {@link #addBytes}). */
    public void count(Entry e) {
        paths++;
        switch (e.type()) {
            case FILE -> files++;
            case HARDLINK -> hardLinks++;
            case DIRECTORY -> dirs++;
            case SYMLINK -> symlinks++;
            default -> specials++;
        }
    }

    /**
     * What the sink made, in place of the entries it was handed: a refused entry, or one that
     * could not be made, is not counted (extract: the summary names what is in TARGET).
     */
    public void made(long files, long hardLinks, long dirs, long symlinks, long specials, long bytes) {
        this.files = files;
        this.hardLinks = hardLinks;
        this.dirs = dirs;
        this.symlinks = symlinks;
        this.specials = specials;
        this.bytes = bytes;
        this.paths = files + hardLinks + dirs + symlinks + specials;
    }

    public void addBytes(long n) { bytes += n; }

    /**
     * A resumed rescue: the totals of the entries its earlier runs completed, and the time they
     * took, count in this run's (the report covers the whole rescue).
     */
    public void resume(long paths, long files, long hardLinks, long dirs, long symlinks, long specials, long bytes,
                       long inodesRead, long damagedInodes, long elapsedMillis) {
        this.paths = paths;
        this.files = files;
        this.hardLinks = hardLinks;
        this.dirs = dirs;
        this.symlinks = symlinks;
        this.specials = specials;
        this.bytes = bytes;
        this.inodesRead = inodesRead;
        this.damagedInodes = damagedInodes;
        this.startNanos = System.nanoTime() - elapsedMillis * 1_000_000;
    }
    public void inodeRead(boolean damaged) {
        inodesRead++;
        if (damaged) damagedInodes++;
    }
    /** An inode counted by {@link #inodeRead} as undamaged turned out damaged after (extract: late records). */
    public void damagedAfterRead() { damagedAfterRead++; }
    public void expectBytes(long n) { expectedBytes = n; }
    public void expectPaths(long n) { expectedPaths = n; }
    /** What the file system holding SOURCE has in use (statfs), when SOURCE is its root: the estimate until the scan ends. */
    public void expectFromFileSystem(long usedBytes, long usedInodes) {
        fsBytes = usedBytes;
        fsInodes = usedInodes;
    }
    /** The scan met a path. The scan's thread only. */
    public void scannedPath() { scannedPaths++; }
    /** The scan met an inode for the first time, with dataBytes to read. The scan's thread only. */
    public void scannedInode(long dataBytes) {
        scannedInodes++;
        scannedBytes += dataBytes;
    }
    /** The scan has met every path: what it counted is the total from now on. */
    public void scanEnded() { scanEnded = true; }
    public void stop() { if (elapsedNanos < 0) elapsedNanos = System.nanoTime() - startNanos; }

    public long paths() { return paths; }
    public long files() { return files; }
    public long hardLinks() { return hardLinks; }
    public long dirs() { return dirs; }
    public long symlinks() { return symlinks; }
    public long specials() { return specials; }
    public long bytes() { return bytes; }
    public long inodesRead() { return inodesRead; }
    /** Inodes whose content was delivered with lost (zero-filled) bytes. */
    public long damagedInodes() { return damagedInodes + damagedAfterRead; }
    /**
     * Bytes the run expects to read in all, for progress: the scan's sum once it has ended; a
     * count given by {@link #expectBytes}; else the file system's bytes in use (never less than
     * the scan has found already); -1 while unknown.
     */
    public long expectedBytes() {
        long scanned = scannedBytes;
        if (scanEnded) return scanned;
        if (expectedBytes >= 0) return expectedBytes;
        long fs = fsBytes;
        return fs < 0 ? -1 : Math.max(fs, scanned);
    }

    /**
     * Paths the run expects in all: the scan's count once it has ended; a count given by {@link
     * #expectPaths}; else the file system's inodes in use times the paths per inode the scan has
     * seen so far (a snapshot tree has many paths per inode, and more in its later snapshots: an
     * estimate that grows as the scan goes); -1 while unknown.
     */
    public long expectedPaths() {
        long paths = scannedPaths, inodes = scannedInodes;
        if (scanEnded) return paths;
        if (expectedPaths >= 0) return expectedPaths;
        long fs = fsInodes;
        if (fs <= 0) return -1;
        long estimate = inodes == 0 ? fs : Math.round((double) fs * paths / inodes);
        return Math.max(estimate, paths);
    }
    public long elapsedNanos() { long e = elapsedNanos; return e >= 0 ? e : System.nanoTime() - startNanos; }
}
