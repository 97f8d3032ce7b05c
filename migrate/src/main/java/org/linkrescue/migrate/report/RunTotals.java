package org.linkrescue.migrate.report;

import org.linkrescue.archive.Entry;

/**
 * What went through the sink. Written by one thread (the sink's), read by others (the progress
 * display): fields are volatile so a reader sees recent values without locking the writer.
 */
public final class RunTotals {
    private final long startNanos = System.nanoTime();
    private volatile long paths, files, hardLinks, dirs, symlinks, specials, bytes, inodesRead, damagedInodes;
    /** Entries an archive marked damaged only after their data (late records): the reading thread's. */
    private volatile long damagedAfterRead;
    private volatile long elapsedNanos = -1;
    /** Bytes the file system holding SOURCE has in use (for progress before the scan ends), or -1. */
    private volatile long expectedBytes = -1;
    /** Bytes of the inodes the scan has met so far (each once), and whether it has met them all. */
    private volatile long scannedBytes;
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
    public void inodeRead(boolean damaged) {
        inodesRead++;
        if (damaged) damagedInodes++;
    }
    /** An inode counted by {@link #inodeRead} as undamaged turned out damaged after (extract: late records). */
    public void damagedAfterRead() { damagedAfterRead++; }
    /** An estimate of the bytes to read from what the file system says (statfs), before the scan ends. */
    public void expectBytes(long n) { expectedBytes = n; }
    /** The scan met a file's data to read: size bytes (once per inode). The scan's thread only. */
    public void scanned(long size) { scannedBytes += size; }
    /** The scan has met every inode: what it summed is the total from now on. */
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
     * Bytes the run expects to read in all, for progress: the scan's sum once it has ended;
     * before, the file system's estimate (never less than what the scan found already); -1
     * while unknown.
     */
    public long expectedBytes() {
        long scanned = scannedBytes;
        if (scanEnded) return scanned;
        long fs = expectedBytes;
        return fs < 0 ? -1 : Math.max(fs, scanned);
    }
    public long elapsedNanos() { long e = elapsedNanos; return e >= 0 ? e : System.nanoTime() - startNanos; }
}
