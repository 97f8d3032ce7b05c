package org.linkrescue.migrate.sink;

import java.util.Arrays;

/**
 * The (device, inode) pairs of the regular files this run created, each with the place in the
 * stream of the entry that made it: a hard-link entry may only name one made before it, never a
 * file that was in the target before or that another process made. An open-addressing map over
 * three primitive arrays (24 bytes a file at most twice over), because a snapshot tree may hold
 * millions of files and boxing each pair would cost five times as much.
 */
final class CreatedInodes {
    private static final long EMPTY = -1; // no device id is negative: major and minor are unsigned 32-bit

    private long[] devs;
    private long[] inos;
    private long[] seqs;
    private int size;
    private int mask;

    CreatedInodes() {
        this(1024);
    }

    CreatedInodes(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        alloc(cap);
    }

    private void alloc(int cap) {
        devs = new long[cap];
        inos = new long[cap];
        seqs = new long[cap];
        Arrays.fill(devs, EMPTY);
        mask = cap - 1;
    }

    /** Adds the pair; returns false when it was already there. */
    boolean add(long dev, long ino) {
        return add(dev, ino, 0);
    }

    /** Adds the pair as made by the entry at place seq; returns false when it was already there (its place stays). */
    boolean add(long dev, long ino, long seq) {
        if (dev < 0) throw new IllegalArgumentException("device id " + dev);
        int i = slot(dev, ino);
        while (devs[i] != EMPTY) {
            if (devs[i] == dev && inos[i] == ino) return false;
            i = (i + 1) & mask;
        }
        devs[i] = dev;
        inos[i] = ino;
        seqs[i] = seq;
        if (++size > (mask + 1) / 4 * 3) grow();
        return true;
    }

    boolean contains(long dev, long ino) {
        return contains(dev, ino, Long.MAX_VALUE);
    }

    /** Whether the pair was added by an entry before place seq. */
    boolean contains(long dev, long ino, long seq) {
        int i = slot(dev, ino);
        while (devs[i] != EMPTY) {
            if (devs[i] == dev && inos[i] == ino) return seqs[i] < seq;
            i = (i + 1) & mask;
        }
        return false;
    }

    int size() { return size; }

    private int slot(long dev, long ino) {
        long h = ino * 0x9E3779B97F4A7C15L ^ dev * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 29) ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] od = devs, oi = inos, os = seqs;
        alloc(od.length * 2);
        size = 0;
        for (int k = 0; k < od.length; k++) {
            if (od[k] != EMPTY) add(od[k], oi[k], os[k]);
        }
    }
}
