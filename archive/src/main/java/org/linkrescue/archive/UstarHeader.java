package org.linkrescue.archive;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The fields of one 512-byte header block, as ustar, GNU and v7 lay them out: names, octal or
 * base-256 numbers, the magic that says which of the three it is, the checksum. Every number
 * that is not one is a {@link TarFormatException} naming the field and the header's offset.
 * Wraps the block it is given (no copy): valid until the block is read over.
 */
final class UstarHeader {
    enum Magic { V7, USTAR, GNU }

    private final byte[] b;
    private final long off;
    private final Magic magic;

    UstarHeader(byte[] block, long off) {
        this.b = block;
        this.off = off;
        boolean ustar = b[257] == 'u' && b[258] == 's' && b[259] == 't' && b[260] == 'a' && b[261] == 'r';
        this.magic = !ustar ? Magic.V7 : b[262] == 0 ? Magic.USTAR : b[262] == ' ' ? Magic.GNU : Magic.V7;
    }

    /** Stream offset of the header block. */
    long offset() { return off; }

    Magic magic() { return magic; }

    byte typeFlag() { return b[156]; }

    /** The size field: the bytes stored after this header (pax 'size' may override it). */
    long size() throws TarFormatException {
        long size = TarNumbers.parse(b, 124, 12);
        if (size == Long.MIN_VALUE || size < 0) throw new TarFormatException("bad size field at byte offset " + off);
        return size;
    }

    /** name, joined to the ustar prefix when there is one (never for GNU or v7 headers). */
    byte[] name() {
        int nl = cstrLen(0, 100);
        if (magic == Magic.USTAR && b[345] != 0) {
            int pl = cstrLen(345, 155);
            byte[] p = new byte[pl + 1 + nl];
            System.arraycopy(b, 345, p, 0, pl);
            p[pl] = '/';
            System.arraycopy(b, 0, p, pl + 1, nl);
            return p;
        }
        return Arrays.copyOf(b, nl);
    }

    byte[] linkName() { return string(157, 100); }

    /** The owner name; none in a v7 header. */
    byte[] uname() { return magic == Magic.V7 ? Entry.EMPTY : string(265, 32); }

    byte[] gname() { return magic == Magic.V7 ? Entry.EMPTY : string(297, 32); }

    /**
     * The owner name, or last itself when it holds the same bytes: an archive names one or two
     * owners for hundreds of thousands of entries, and a copy per header was a sixth of what
     * reading one allocated. (Entry values are never changed in place.)
     */
    byte[] uname(byte[] last) { return magic == Magic.V7 ? Entry.EMPTY : string(265, 32, last); }

    byte[] gname(byte[] last) { return magic == Magic.V7 ? Entry.EMPTY : string(297, 32, last); }

    /** A numeric field; field names it in the message when it is not a number. */
    long number(int at, int len, String field) throws TarFormatException {
        long v = TarNumbers.parse(b, at, len);
        if (v == Long.MIN_VALUE) throw new TarFormatException("bad " + field + " field at byte offset " + off);
        return v;
    }

    int mode() throws TarFormatException { return (int) number(100, 8, "mode") & 07777; }

    long uid() throws TarFormatException { return number(108, 8, "uid"); }

    long gid() throws TarFormatException { return number(116, 8, "gid"); }

    long mtime() throws TarFormatException { return number(136, 12, "mtime"); }

    int devMajor() throws TarFormatException { return (int) number(329, 8, "devmajor"); }

    int devMinor() throws TarFormatException { return (int) number(337, 8, "devminor"); }

    /** The raw block, for the parts only one format has (the old GNU sparse slots). */
    byte[] block() { return b; }

    /** Checks the stored checksum: the unsigned sum, or the historic signed one (old Sun tar). */
    static void checkChecksum(byte[] h, long off) throws TarFormatException {
        long stored = TarNumbers.parse(h, 148, 8);
        if (stored != Long.MIN_VALUE && stored == unsignedSum(h)) return;
        // The historic signed sum, computed only when the usual one does not match.
        long signed = 0;
        for (int i = 0; i < BlockInput.BLOCK; i++) signed += (i >= 148 && i < 156) ? ' ' : h[i];
        if (stored == Long.MIN_VALUE || stored != signed)
            throw new TarFormatException("bad header checksum at byte offset " + off);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BYTES = 0x00FF00FF00FF00FFL;

    /**
     * The header's checksum (its bytes summed as unsigned, the checksum field counted as eight
     * spaces), eight bytes at a time: every entry has one or two headers, and a byte-by-byte sum
     * was a tenth of extract's reading thread.
     */
    static long unsignedSum(byte[] h) {
        long lanes = 0; // four 16-bit sums; at most 2 * 255 * 64 each, no overflow
        for (int i = 0; i < BlockInput.BLOCK; i += 8) {
            long v = (long) LONGS.get(h, i);
            lanes += (v & LOW_BYTES) + ((v >>> 8) & LOW_BYTES);
        }
        long pairs = (lanes & 0x0000FFFF0000FFFFL) + ((lanes >>> 16) & 0x0000FFFF0000FFFFL);
        long sum = (pairs & 0xFFFFFFFFL) + (pairs >>> 32);
        for (int i = 148; i < 156; i++) sum -= h[i] & 0xff;
        return sum + 8 * ' ';
    }

    static boolean isZero(byte[] block) {
        for (byte x : block) if (x != 0) return false;
        return true;
    }

    private byte[] string(int at, int max) { return Arrays.copyOfRange(b, at, at + cstrLen(at, max)); }

    /** As {@link #string(int, int)}, or same when it holds those bytes already. */
    private byte[] string(int at, int max, byte[] same) {
        int n = cstrLen(at, max);
        if (same != null && Arrays.equals(b, at, at + n, same, 0, same.length)) return same;
        return Arrays.copyOfRange(b, at, at + n);
    }

    private int cstrLen(int at, int max) {
        for (int i = 0; i < max; i++) if (b[at + i] == 0) return i;
        return max;
    }
}
