package org.linkrescue.migrate.map;

import java.util.Arrays;

/**
 * The inodes this rescue made in TARGET, as (device, inode) pairs in the order the map lists
 * them: a resumed run lets a hard link name them, as it would have without the stop. Two longs
 * a pair, no boxing (a drive may hold millions of files).
 */
public final class MadeInodes {
    private long[] pairs = new long[64];
    private int size;

    void add(long dev, long ino) {
        if (size * 2 == pairs.length) pairs = Arrays.copyOf(pairs, pairs.length * 2);
        pairs[size * 2] = dev;
        pairs[size * 2 + 1] = ino;
        size++;
    }

    public int size() { return size; }

    public long dev(int i) { return pairs[i * 2]; }

    public long ino(int i) { return pairs[i * 2 + 1]; }
}
