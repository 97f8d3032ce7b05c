package org.linkrescue.migrate.scan;

import java.util.Arrays;

/**
 * Remembers the first path of every inode that has more links than the one in hand, until all
 * of its links have been seen; then forgets it. Memory therefore follows the inodes whose links
 * are still open, not the size of the tree: in a snapshot farm most inodes close within one
 * pass over the snapshots that share them. An inode with links outside the tree never closes and
 * stays until the end.
 *
 * Open addressing on primitive arrays (linear probing, backward-shift deletion): no boxing, no
 * entry objects, one byte[] per open inode.
 */
public final class LinkTable {
    /** Returned by {@link #link} for an inode whose first path could not be read. */
    public static final byte[] FAILED = new byte[0];

    private long[] devs;
    private long[] inos;
    private byte[][] paths;
    private int[] remaining;
    private int size;
    private long peak;

    public LinkTable() { alloc(1024); }

    private void alloc(int cap) {
        devs = new long[cap];
        inos = new long[cap];
        paths = new byte[cap][];
        remaining = new int[cap];
    }

    /**
     * Records one path of an inode with nlink links.
     *
     * @return null when this is the inode's first path (the caller writes its data), else the
     *         first path (the caller writes a hard link to it), or {@link #FAILED}
     */
    public byte[] link(long dev, long ino, int nlink, byte[] path) {
        if (nlink <= 1) return null;
        int mask = paths.length - 1;
        int i = slot(dev, ino) & mask;
        while (paths[i] != null) {
            if (inos[i] == ino && devs[i] == dev) {
                byte[] first = paths[i];
                if (--remaining[i] <= 0) delete(i);
                return first;
            }
            i = (i + 1) & mask;
        }
        if ((size + 1) * 4 > paths.length * 3) {
            grow();
            return link(dev, ino, nlink, path);
        }
        devs[i] = dev;
        inos[i] = ino;
        paths[i] = path;
        remaining[i] = nlink - 1;
        size++;
        if (size > peak) peak = size;
        return null;
    }

    /**
     * An inode a stopped run had seen the first path of (null: it could not be read), with at
     * most remaining links to come: a resumed run links its later paths as that run would have.
     */
    public void seed(long dev, long ino, int remaining, byte[] firstPath) {
        if (remaining <= 0) return;
        link(dev, ino, remaining + 1, firstPath == null ? FAILED : firstPath);
    }

    /** Marks an inode whose data could not be read, so its other paths are not linked to it. */
    public void markFailed(long dev, long ino) {
        int i = find(dev, ino);
        if (i >= 0) paths[i] = FAILED;
    }

    /** Whether a path of (dev, ino) was recorded and the inode still has links to come. */
    public boolean knows(long dev, long ino) { return find(dev, ino) >= 0; }

    /** Inodes with links still open. */
    public int openInodes() { return size; }

    /** The most inodes that were open at once. */
    public long peakOpenInodes() { return peak; }

    private int find(long dev, long ino) {
        int mask = paths.length - 1;
        int i = slot(dev, ino) & mask;
        while (paths[i] != null) {
            if (inos[i] == ino && devs[i] == dev) return i;
            i = (i + 1) & mask;
        }
        return -1;
    }

    private static int slot(long dev, long ino) {
        long h = ino * 0x9E3779B97F4A7C15L ^ dev * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32));
    }

    private void delete(int i) {
        int mask = paths.length - 1;
        paths[i] = null;
        size--;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (paths[j] == null) return;
            int home = slot(devs[j], inos[j]) & mask;
            // Move j back into the hole at i unless its home lies cyclically in (i, j].
            boolean stay = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stay) {
                devs[i] = devs[j];
                inos[i] = inos[j];
                paths[i] = paths[j];
                remaining[i] = remaining[j];
                paths[j] = null;
                i = j;
            }
        }
    }

    private void grow() {
        long[] d = devs, n = inos;
        byte[][] p = paths;
        int[] r = remaining;
        alloc(p.length * 2);
        size = 0;
        int mask = paths.length - 1;
        for (int k = 0; k < p.length; k++) {
            if (p[k] == null) continue;
            int i = slot(d[k], n[k]) & mask;
            while (paths[i] != null) i = (i + 1) & mask;
            devs[i] = d[k];
            inos[i] = n[k];
            paths[i] = p[k];
            remaining[i] = r[k];
            size++;
        }
    }

    @Override public String toString() { return "LinkTable[open=" + size + ", peak=" + peak + "]"; }

    // Visible for tests: how many slots the table holds.
    int capacity() { return paths.length; }

    static byte[] copy(byte[] b) { return Arrays.copyOf(b, b.length); }
}
