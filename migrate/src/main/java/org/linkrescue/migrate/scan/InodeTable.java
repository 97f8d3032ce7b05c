package org.linkrescue.migrate.scan;

/**
 * A value per inode that has more links than the one in hand, kept until all of its links have
 * been seen; then forgotten ({@link #link}). Memory therefore follows the inodes whose links are
 * still open, not the size of the tree: in a snapshot farm most inodes close within one pass
 * over the snapshots that share them. An inode with links outside the tree never closes and
 * stays until the end. Callers that count links themselves (verify, inventory, cross-check) keep
 * and forget values by hand instead ({@link #get}, {@link #put}, {@link #remove}); a table is
 * used one way or the other.
 *
 * <p>Open addressing on arrays (linear probing, backward-shift deletion): no boxing, no entry
 * objects; a slot is empty while its value is null.
 *
 * @param <V> what is kept per inode
 */
public class InodeTable<V> {
    private long[] devs;
    private long[] inos;
    private Object[] values;
    private int[] remaining;
    private int size;
    private long peak;
    /** Whether the last {@link #link} or {@link #linkKnown} met its inode's last link. */
    private boolean closedLast;

    public InodeTable() { alloc(1024); }

    private void alloc(int cap) {
        devs = new long[cap];
        inos = new long[cap];
        values = new Object[cap];
        remaining = new int[cap];
    }

    /**
     * Records one link of an inode with nlink links.
     *
     * @return null when this is the inode's first link (value is kept for the others), else the
     *         value kept at its first
     */
    public V link(long dev, long ino, int nlink, V value) {
        closedLast = false;
        if (nlink <= 1) return null;
        int mask = values.length - 1;
        int i = slot(dev, ino) & mask;
        while (values[i] != null) {
            if (inos[i] == ino && devs[i] == dev) return countLink(i);
            i = (i + 1) & mask;
        }
        if ((size + 1) * 4 > values.length * 3) {
            grow();
            return link(dev, ino, nlink, value);
        }
        fill(i, dev, ino, value, nlink - 1);
        return null;
    }

    private void fill(int i, long dev, long ino, Object value, int links) {
        devs[i] = dev;
        inos[i] = ino;
        values[i] = value;
        remaining[i] = links;
        size++;
        if (size > peak) peak = size;
    }

    /** The value kept for (dev, ino), or null. */
    public V get(long dev, long ino) {
        int i = find(dev, ino);
        @SuppressWarnings("unchecked") V v = i < 0 ? null : (V) values[i];
        return v;
    }

    /** Keeps v for (dev, ino), in place of any value kept; v must not be null. */
    public void put(long dev, long ino, V v) {
        if (v == null) throw new IllegalArgumentException("null value");
        int mask = values.length - 1;
        int i = slot(dev, ino) & mask;
        while (values[i] != null) {
            if (inos[i] == ino && devs[i] == dev) {
                values[i] = v;
                return;
            }
            i = (i + 1) & mask;
        }
        if ((size + 1) * 4 > values.length * 3) {
            grow();
            put(dev, ino, v);
            return;
        }
        fill(i, dev, ino, v, 0);
    }

    /** Forgets (dev, ino), if kept. */
    public void remove(long dev, long ino) {
        int i = find(dev, ino);
        if (i >= 0) delete(i);
    }

    /**
     * Records one more link of an inode already kept and returns its value, as {@link #link}
     * does; null, recording nothing, for an inode not kept (never met, or all its links met).
     */
    public V linkKnown(long dev, long ino) {
        closedLast = false;
        int i = find(dev, ino);
        return i < 0 ? null : countLink(i);
    }

    private V countLink(int i) {
        @SuppressWarnings("unchecked") V first = (V) values[i];
        if (--remaining[i] <= 0) {
            delete(i);
            closedLast = true;
        }
        return first;
    }

    /**
     * Whether the last {@link #link} (or {@link #linkKnown}) met the last link of its inode, which
     * is forgotten now: what a rescue map needs to hear of the table, instead of every link.
     */
    public boolean closedLast() { return closedLast; }

    /** Whether (dev, ino) is kept: a link of it was recorded and it still has links to come. */
    public boolean knows(long dev, long ino) { return find(dev, ino) >= 0; }

    /** Replaces the value kept for (dev, ino), if it is kept. */
    protected void replace(long dev, long ino, V value) {
        int i = find(dev, ino);
        if (i >= 0) values[i] = value;
    }

    /** Inodes with links still open. */
    public int openInodes() { return size; }

    /** The most inodes that were open at once. */
    public long peakOpenInodes() { return peak; }

    private int find(long dev, long ino) {
        int mask = values.length - 1;
        int i = slot(dev, ino) & mask;
        while (values[i] != null) {
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
        int mask = values.length - 1;
        values[i] = null;
        size--;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == null) return;
            int home = slot(devs[j], inos[j]) & mask;
            // Move j back into the hole at i unless its home lies cyclically in (i, j].
            boolean stay = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stay) {
                devs[i] = devs[j];
                inos[i] = inos[j];
                values[i] = values[j];
                remaining[i] = remaining[j];
                values[j] = null;
                i = j;
            }
        }
    }

    private void grow() {
        long[] d = devs, n = inos;
        Object[] v = values;
        int[] r = remaining;
        alloc(v.length * 2);
        size = 0;
        int mask = values.length - 1;
        for (int k = 0; k < v.length; k++) {
            if (v[k] == null) continue;
            int i = slot(d[k], n[k]) & mask;
            while (values[i] != null) i = (i + 1) & mask;
            devs[i] = d[k];
            inos[i] = n[k];
            values[i] = v[k];
            remaining[i] = r[k];
            size++;
        }
    }

    @Override public String toString() { return getClass().getSimpleName() + "[open=" + size + ", peak=" + peak + "]"; }

    // Visible for tests: how many slots the table holds.
    int capacity() { return values.length; }
}
