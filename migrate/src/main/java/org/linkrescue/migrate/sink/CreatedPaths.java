package org.linkrescue.migrate.sink;

import java.util.Arrays;

/**
 * The cleaned paths of the objects this run created and kept that a hard link may name, each
 * with the place in the stream of the entry that made it, remembered so that linking to one
 * needs no lstat: in a snapshot tree nearly every entry is a
 * hard link, and the check before each one doubled the system calls per link.
 *
 * <p>Knowing the path is as good as the lstat check it replaces: the sink creates every object
 * with one exclusive call and never removes, renames or replaces a kept one, and every walk to a
 * parent refuses symlinks; so the path still names the object made there, unless another process
 * changes the target meanwhile, which the lstat check could not rule out either (it races with
 * the link that follows it). A path the table does not hold is not refused: the caller falls
 * back to the lstat-and-inode check.
 *
 * <p>Each path also remembers where the latest link to it was made ({@link #linkFrom}): a later
 * link is made from there. In a snapshot tree the target of every link is its inode's first
 * path, so the links of one directory of snapshot N name the same directory in every earlier
 * snapshot (wherever each file last changed), and each of those had to be opened again for
 * every directory of every later snapshot (measured: ~38,000 directory opens and closes on a
 * 423,669-path tree, as many as the files created); from the link of the snapshot before, the
 * links of a directory mostly name one directory, open already. Sound for the same reason as
 * the table itself: that path was made by a link to this very path, so it names the same inode.
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
        add(path, 0);
    }

    /** Remembers path as made by the entry at place seq (a path already known keeps its place). */
    void add(byte[] path, long seq) {
        add(path, hash(path), seq);
    }

    /** As {@link #add(byte[], long)}. */
    void add(SafePath path, long seq) {
        add(path.bytes(), path.hash(), seq);
    }

    private void add(byte[] path, long h, long seq) {
        if (young.find(h, path) >= 0) return;
        if (young.size >= maxEntries || young.used + path.length > maxBytes) {
            old = young;
            young = new Generation(Math.min(maxEntries, 1024));
        }
        young.add(h, path, seq);
    }

    boolean contains(byte[] path) {
        return contains(path, Long.MAX_VALUE);
    }

    /** Whether path was made and kept by an entry before place seq. */
    boolean contains(byte[] path, long seq) {
        return find(path, hash(path), seq) != null;
    }

    /**
     * Where to make a link to p from, when p was made and kept by an entry before place seq:
     * the latest link made to it ({@link #linked}), or p itself; null when p is not known so.
     */
    SafePath linkFrom(SafePath p, long seq) {
        Object from = find(p.bytes(), p.hash(), seq);
        return from == null ? null : from == FOUND ? p : (SafePath) from;
    }

    /** A link to p (a path made and kept) was made at link. */
    void linked(SafePath p, SafePath link) {
        int i = young.find(p.hash(), p.bytes());
        if (i >= 0) young.recent[i] = link;
    }

    /** What {@link #find} returns for a path known, with no link made to it yet. */
    private static final Object FOUND = new Object();

    /** The latest link to path (or FOUND) when path was made before seq, else null. */
    private Object find(byte[] path, long h, long seq) {
        int i = young.find(h, path);
        if (i >= 0) return young.seqs[i] >= seq ? null : young.recent[i] != null ? young.recent[i] : FOUND;
        i = old.find(h, path);
        if (i < 0) return null;
        long made = old.seqs[i];
        Object recent = old.recent[i];
        add(path, h, made); // still in use: keep it through the next rotation
        if (recent != null) young.recent[young.find(h, path)] = recent;
        return made >= seq ? null : recent != null ? recent : FOUND;
    }

    static long hash(byte[] b) {
        long h = 0x9E3779B97F4A7C15L ^ b.length;
        for (byte x : b) h = (h ^ (x & 0xff)) * 0x100000001B3L;
        return h ^ (h >>> 31);
    }

    /** Open addressing over the paths' hashes; the bytes themselves are kept end to end in one array. */
    private static final class Generation {
        long[] hashes;
        int[] starts; // -1: empty slot
        int[] lengths;
        long[] seqs;
        Object[] recent; // the latest link made to each path (a SafePath), or null
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
            seqs = new long[cap];
            recent = new Object[cap];
            Arrays.fill(starts, -1);
            mask = cap - 1;
        }

        /** p's slot, or -1. */
        int find(long h, byte[] p) {
            for (int i = (int) h & mask; starts[i] >= 0; i = (i + 1) & mask) {
                if (hashes[i] == h && lengths[i] == p.length
                        && Arrays.equals(arena, starts[i], starts[i] + p.length, p, 0, p.length)) return i;
            }
            return -1;
        }

        void add(long h, byte[] p, long seq) {
            if (used + p.length > arena.length) arena = Arrays.copyOf(arena, Math.max(used + p.length, arena.length * 2));
            System.arraycopy(p, 0, arena, used, p.length);
            place(h, used, p.length, seq);
            used += p.length;
            if (++size > (mask + 1) / 2) grow();
        }

        private int place(long h, int start, int len, long seq) {
            int i = (int) h & mask;
            while (starts[i] >= 0) i = (i + 1) & mask;
            hashes[i] = h;
            starts[i] = start;
            lengths[i] = len;
            seqs[i] = seq;
            return i;
        }

        private void grow() {
            long[] oh = hashes, oq = seqs;
            int[] os = starts, ol = lengths;
            Object[] or = recent;
            alloc(oh.length * 2);
            for (int k = 0; k < oh.length; k++) {
                if (os[k] >= 0) recent[place(oh[k], os[k], ol[k], oq[k])] = or[k];
            }
        }
    }
}
