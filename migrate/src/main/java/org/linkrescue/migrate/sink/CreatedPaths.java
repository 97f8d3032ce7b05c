package org.linkrescue.migrate.sink;

import java.util.Arrays;

/**
 * The cleaned paths of the objects this run created and kept that a hard link may name,
 * remembered so that linking to one needs no lstat: in a snapshot tree nearly every entry is a
 * hard link, and the check before each one doubled the system calls per link.
 *
 * <p>Knowing the path is as good as the lstat check it replaces: the sink creates every object
 * with one exclusive call and never removes, renames or replaces a kept one, and every walk to a
 * parent refuses symlinks; so the path still names the object made there, unless another process
 * changes the target meanwhile, which the lstat check could not rule out either (it races with
 * the link that follows it). A path the table does not hold is not refused: the caller falls
 * back to the lstat-and-inode check.
 *
 * <p>Bounded: two generations of at most {@code maxEntries} paths or {@code maxBytes} bytes
 * each; when the young one is full it becomes the old one and the previous old one is dropped.
 * A path found in the old generation moves to the young one, so the link targets in use (the
 * first snapshot's files, linked from every later snapshot) stay while those no longer named go.
 */
final class CreatedPaths {
    private final int maxEntries;
    private final int maxBytes;
    private Generation young, old;

    CreatedPaths() {
        this(1 << 16, 4 << 20);
    }

    CreatedPaths(int maxEntries, int maxBytes) {
        if (maxEntries < 1 || maxBytes < 1) throw new IllegalArgumentException(maxEntries + " entries, " + maxBytes + " bytes");
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.young = new Generation(Math.min(maxEntries, 1024));
        this.old = new Generation(16);
    }

    void add(byte[] path) {
        long h = hash(path);
        if (young.contains(h, path)) return;
        if (young.size >= maxEntries || young.used + path.length > maxBytes) {
            old = young;
            young = new Generation(Math.min(maxEntries, 1024));
        }
        young.add(h, path);
    }

    boolean contains(byte[] path) {
        long h = hash(path);
        if (young.contains(h, path)) return true;
        if (!old.contains(h, path)) return false;
        add(path); // still in use: keep it through the next rotation
        return true;
    }

    private static long hash(byte[] b) {
        long h = 0x9E3779B97F4A7C15L ^ b.length;
        for (byte x : b) h = (h ^ (x & 0xff)) * 0x100000001B3L;
        return h ^ (h >>> 31);
    }

    /** Open addressing over the paths' hashes; the bytes themselves are kept end to end in one array. */
    private static final class Generation {
        long[] hashes;
        int[] starts; // -1: empty slot
        int[] lengths;
        byte[] arena = new byte[4096];
        int used, size, mask;

        Generation(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
            alloc(cap);
        }

        private void alloc(int cap) {
            hashes = new long[cap];
            starts = new int[cap];
            lengths = new int[cap];
            Arrays.fill(starts, -1);
            mask = cap - 1;
        }

        boolean contains(long h, byte[] p) {
            for (int i = (int) h & mask; starts[i] >= 0; i = (i + 1) & mask) {
                if (hashes[i] == h && lengths[i] == p.length
                        && Arrays.equals(arena, starts[i], starts[i] + p.length, p, 0, p.length)) return true;
            }
            return false;
        }

        void add(long h, byte[] p) {
            if (used + p.length > arena.length) arena = Arrays.copyOf(arena, Math.max(used + p.length, arena.length * 2));
            System.arraycopy(p, 0, arena, used, p.length);
            place(h, used, p.length);
            used += p.length;
            if (++size > (mask + 1) / 2) grow();
        }

        private void place(long h, int start, int len) {
            int i = (int) h & mask;
            while (starts[i] >= 0) i = (i + 1) & mask;
            hashes[i] = h;
            starts[i] = start;
            lengths[i] = len;
        }

        private void grow() {
            long[] oh = hashes;
            int[] os = starts, ol = lengths;
            alloc(oh.length * 2);
            for (int k = 0; k < oh.length; k++) {
                if (os[k] >= 0) place(oh[k], os[k], ol[k]);
            }
        }
    }
}
