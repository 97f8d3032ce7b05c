package org.linkrescue.migrate.verify;

/**
 * (dev, ino) to a value, open addressing on primitive arrays with backward-shift deletion (the
 * {@link org.linkrescue.migrate.scan.LinkTable} layout), so an open inode costs two longs and
 * its value, and a closed one nothing.
 */
public final class InodeMap<V> {
    private long[] devs;
    private long[] inos;
    private Object[] vals;
    private int size;
    private int peak;

    public InodeMap() { alloc(256); }

    private void alloc(int cap) {
        devs = new long[cap];
        inos = new long[cap];
        vals = new Object[cap];
    }

    @SuppressWarnings("unchecked")
    public V get(long dev, long ino) {
        int mask = vals.length - 1;
        for (int i = slot(dev, ino) & mask; vals[i] != null; i = (i + 1) & mask) {
            if (inos[i] == ino && devs[i] == dev) return (V) vals[i];
        }
        return null;
    }

    /** Adds or replaces; v must not be null. */
    public void put(long dev, long ino, V v) {
        if (v == null) throw new IllegalArgumentException("null value");
        int mask = vals.length - 1;
        int i = slot(dev, ino) & mask;
        for (; vals[i] != null; i = (i + 1) & mask) {
            if (inos[i] == ino && devs[i] == dev) { vals[i] = v; return; }
        }
        if ((size + 1) * 4 > vals.length * 3) {
            grow();
            put(dev, ino, v);
            return;
        }
        devs[i] = dev;
        inos[i] = ino;
        vals[i] = v;
        size++;
        if (size > peak) peak = size;
    }

    public void remove(long dev, long ino) {
        int mask = vals.length - 1;
        int i = slot(dev, ino) & mask;
        while (true) {
            if (vals[i] == null) return;
            if (inos[i] == ino && devs[i] == dev) break;
            i = (i + 1) & mask;
        }
        vals[i] = null;
        size--;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (vals[j] == null) return;
            int home = slot(devs[j], inos[j]) & mask;
            boolean stay = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stay) {
                devs[i] = devs[j];
                inos[i] = inos[j];
                vals[i] = vals[j];
                vals[j] = null;
                i = j;
            }
        }
    }

    public int size() { return size; }

    /** The most entries held at once. */
    public int peak() { return peak; }

    private static int slot(long dev, long ino) {
        long h = ino * 0x9E3779B97F4A7C15L ^ dev * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32));
    }

    private void grow() {
        long[] d = devs, n = inos;
        Object[] v = vals;
        alloc(v.length * 2);
        size = 0;
        int mask = vals.length - 1;
        for (int k = 0; k < v.length; k++) {
            if (v[k] == null) continue;
            int i = slot(d[k], n[k]) & mask;
            while (vals[i] != null) i = (i + 1) & mask;
            devs[i] = d[k];
            inos[i] = n[k];
            vals[i] = v[k];
            size++;
        }
    }
}
