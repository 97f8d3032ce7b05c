package org.linkrescue.migrate.verify;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A SHA-256 of a file's content in which each run of zero blocks (4 KiB, counted from the
 * file's start) stands as its length: a hole of 20 GiB is hashed by a count, never read or fed
 * byte by byte. It is a function of the bytes alone, so a hole on one side and written zeros on
 * the other hash alike, as do two layouts of holes over equal bytes; and it tells any two
 * contents apart as well as SHA-256 does, since the encoding below reads back one way only:
 * <pre>
 *   per 4 KiB block:  0x01 + its 4096 bytes, or, for a run of N zero blocks, 0x00 + N (8 bytes)
 *   at the end:       0x02 + the last partial block's bytes + the length (8 bytes)
 * </pre>
 * Only the verifier compares these with each other; what is compared with another tool's hash
 * (the rescue report's) is the plain SHA-256, taken beside when asked for: that one has to be
 * fed every zero.
 */
final class ContentHash {
    static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[64 * 1024];
    private static final byte RUN = 0, DATA = 1, END = 2;

    private final MessageDigest hash;
    private final MessageDigest plain; // null unless asked for
    private final byte[] part = new byte[BLOCK];
    private int partLen;
    private long zeroBlocks, length;

    private ContentHash(MessageDigest hash, MessageDigest plain) {
        this.hash = hash;
        this.plain = plain;
    }

    /** @param plainToo also take the plain SHA-256 of every byte ({@link #plainDigest}) */
    ContentHash(boolean plainToo) {
        this(Digests.sha256(), plainToo ? Digests.sha256() : null);
    }

    void update(byte[] b, int off, int n) {
        if (plain != null) plain.update(b, off, n);
        length += n;
        if (partLen > 0) {
            int k = Math.min(n, BLOCK - partLen);
            System.arraycopy(b, off, part, partLen, k);
            off += k;
            n -= k;
            if (!partGrew(k)) return;
        }
        for (; n >= BLOCK; off += BLOCK, n -= BLOCK) block(b, off);
        if (n > 0) {
            System.arraycopy(b, off, part, 0, n);
            partLen = n;
        }
    }

    /** n zero bytes (a hole), fed as a count where they fill whole blocks. */
    void zeros(long n) {
        for (long left = n; plain != null && left > 0; left -= ZEROS.length)
            plain.update(ZEROS, 0, (int) Math.min(left, ZEROS.length));
        length += n;
        if (partLen > 0) {
            int k = (int) Math.min(n, BLOCK - partLen);
            Arrays.fill(part, partLen, partLen + k, (byte) 0);
            n -= k;
            if (!partGrew(k)) return;
        }
        zeroBlocks += n / BLOCK;
        partLen = (int) (n % BLOCK);
        Arrays.fill(part, 0, partLen, (byte) 0);
    }

    /** The partial block grew by k bytes; once whole it is hashed (true) and starts again. */
    private boolean partGrew(int k) {
        partLen += k;
        if (partLen < BLOCK) return false;
        block(part, 0);
        partLen = 0;
        return true;
    }

    private void block(byte[] b, int off) {
        if (Arrays.mismatch(b, off, off + BLOCK, ZEROS, 0, BLOCK) < 0) {
            zeroBlocks++;
            return;
        }
        endRun();
        hash.update(DATA);
        hash.update(b, off, BLOCK);
    }

    private void endRun() {
        if (zeroBlocks == 0) return;
        hash.update(RUN);
        hash.update(bytes(zeroBlocks));
        zeroBlocks = 0;
    }

    /** The hash of all fed so far; call once. */
    byte[] digest() {
        endRun();
        hash.update(END);
        hash.update(part, 0, partLen);
        hash.update(bytes(length));
        return hash.digest();
    }

    /** The plain SHA-256 of every byte, or null when not asked for; call once. */
    byte[] plainDigest() { return plain == null ? null : plain.digest(); }

    /** A copy of the state so far, without the plain SHA-256 (a masked hash forks from a raw one). */
    ContentHash fork() {
        ContentHash c;
        try {
            c = new ContentHash((MessageDigest) hash.clone(), null);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
        System.arraycopy(part, 0, c.part, 0, partLen);
        c.partLen = partLen;
        c.zeroBlocks = zeroBlocks;
        c.length = length;
        return c;
    }

    private static byte[] bytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--, v >>>= 8) b[i] = (byte) v;
        return b;
    }
}
