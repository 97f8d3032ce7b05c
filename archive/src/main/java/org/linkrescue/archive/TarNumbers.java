package org.linkrescue.archive;

/**
 * Numeric fields of a tar header. Values that fit are written in octal (every reader knows
 * it); larger or negative ones in GNU base-256 (first byte 0x80 or 0xff, then two's
 * complement big-endian), which GNU tar, bsdtar and star all read, so a reader that ignores
 * pax records still gets sane sizes, ids and times.
 */
final class TarNumbers {
    private TarNumbers() {}

    /** Largest value that fits in octal in a field of this length (len-1 digits + NUL). */
    static long maxOctal(int len) { return (1L << (3 * (len - 1))) - 1; }

    /** Writes v into buf[off, off+len): octal with a NUL terminator, else base-256. */
    static void write(byte[] buf, int off, int len, long v) {
        if (v >= 0 && v <= maxOctal(len)) {
            int digits = len - 1;
            buf[off + digits] = 0;
            long x = v;
            for (int i = digits - 1; i >= 0; i--) {
                buf[off + i] = (byte) ('0' + (x & 7));
                x >>>= 3;
            }
            return;
        }
        // base-256: the rest of the field holds the two's complement value
        long x = v;
        for (int i = len - 1; i > 0; i--) {
            buf[off + i] = (byte) x;
            x >>= 8;
        }
        if (len < 9 && (x != 0 && x != -1))
            throw new IllegalArgumentException("value " + v + " does not fit a " + len + "-byte tar field");
        buf[off] = (byte) (v < 0 ? 0xff : 0x80);
    }

    /**
     * Parses a numeric field: octal (leading spaces/NULs allowed, ended by NUL or space, all
     * NUL means 0) or base-256. Returns Long.MIN_VALUE when the field is malformed, so the
     * caller can name the field and offset in its message.
     */
    static long parse(byte[] buf, int off, int len) {
        int first = buf[off] & 0xff;
        if (first == 0x80 || first == 0xff) {
            long v = first == 0xff ? -1 : 0;
            int start = off + 1;
            // more than 8 significant bytes cannot be a long
            for (int i = start; i < off + len - 8; i++)
                if ((buf[i] & 0xff) != (first == 0xff ? 0xff : 0)) return Long.MIN_VALUE;
            for (int i = Math.max(start, off + len - 8); i < off + len; i++) v = (v << 8) | (buf[i] & 0xff);
            if (first == 0x80 && v < 0) return Long.MIN_VALUE;
            return v;
        }
        int i = off, end = off + len;
        while (i < end && (buf[i] == ' ' || buf[i] == 0)) i++;
        if (i == end) return 0;
        long v = 0;
        int digits = 0;
        for (; i < end; i++) {
            byte c = buf[i];
            if (c >= '0' && c <= '7') {
                if (++digits > 21) return Long.MIN_VALUE;
                v = (v << 3) | (c - '0');
            } else if (c == ' ' || c == 0) {
                break;
            } else {
                return Long.MIN_VALUE;
            }
        }
        for (; i < end; i++) if (buf[i] != ' ' && buf[i] != 0) return Long.MIN_VALUE;
        return v;
    }
}
