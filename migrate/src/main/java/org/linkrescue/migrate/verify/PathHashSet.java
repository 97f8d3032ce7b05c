package org.linkrescue.migrate.verify;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A set of paths kept as 128-bit hashes (MD5 of the path bytes; collisions among a few billion
 * paths are far less likely than a disk error), 16 bytes per path in an open-addressing table
 * kept at most 3/4 full: 21 to 43 bytes per path, and during a growth the old table too.
 * It answers "was this path in the archive?" without keeping a single path.
 */
final class PathHashSet {
    private long[] hi;
    private long[] lo;
    private int size;
    private final MessageDigest md5;

    PathHashSet() {
        alloc(1 << 12);
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks MD5", e);
        }
    }

    private void alloc(int cap) {
        hi = new long[cap];
        lo = new long[cap];
    }

    /** Adds path; returns false when it was there already. */
    boolean add(byte[] path) {
        byte[] d = md5.digest(path);
        long h = word(d, 0), l = word(d, 8);
        if (h == 0 && l == 0) l = 1; // (0, 0) marks an empty slot
        if ((size + 1) * 4 > hi.length * 3) grow();
        return insert(h, l);
    }

    boolean contains(byte[] path) {
        byte[] d = md5.digest(path);
        long h = word(d, 0), l = word(d, 8);
        if (h == 0 && l == 0) l = 1;
        int mask = hi.length - 1;
        for (int i = (int) h & mask; hi[i] != 0 || lo[i] != 0; i = (i + 1) & mask) {
            if (hi[i] == h && lo[i] == l) return true;
        }
        return false;
    }

    int size() { return size; }

    private boolean insert(long h, long l) {
        int mask = hi.length - 1;
        int i = (int) h & mask;
        for (; hi[i] != 0 || lo[i] != 0; i = (i + 1) & mask) {
            if (hi[i] == h && lo[i] == l) return false;
        }
        hi[i] = h;
        lo[i] = l;
        size++;
        return true;
    }

    private void grow() {
        long[] h = hi, l = lo;
        alloc(h.length * 2);
        size = 0;
        for (int k = 0; k < h.length; k++) if (h[k] != 0 || l[k] != 0) insert(h[k], l[k]);
    }

    private static long word(byte[] d, int o) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (d[o + i] & 0xff);
        return v;
    }
}
