package org.linkrescue.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes tar input no honest writer makes, header by header (raw 512-byte blocks with correct
 * checksums), straight into a stream: a bomb of gigabytes is never held, only written as long
 * as the reader reads.
 */
final class HostileTar {
    private final OutputStream out;

    HostileTar(OutputStream out) { this.out = out; }

    /** A ustar header; type 'S' with GNU magic for an old GNU sparse file. */
    static byte[] header(String name, char type, long size) {
        byte[] b = new byte[512];
        put(b, 0, name);
        put(b, 100, "0000644");
        put(b, 108, "0000000");
        put(b, 116, "0000000");
        put(b, 124, String.format("%011o", size));
        put(b, 136, "14000000000");
        b[156] = (byte) type;
        put(b, 257, type == 'S' ? "ustar  " : "ustar");
        if (type != 'S') put(b, 263, "00");
        return b;
    }

    static void put(byte[] b, int off, String ascii) {
        byte[] v = ascii.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(v, 0, b, off, v.length);
    }

    static byte[] checksummed(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : h) sum += x & 0xff;
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    HostileTar block(byte[] h) throws IOException {
        out.write(checksummed(h));
        return this;
    }

    /**
     * A pax 'x' header of one record "key=value", the value being n copies of unit: written in
     * pieces, never built whole.
     */
    HostileTar paxRecord(String key, String unit, long n) throws IOException {
        long valueLen = unit.length() * n;
        long body = key.length() + valueLen + 3;
        long len = body + Long.toString(body).length();
        if (Long.toString(len).length() > Long.toString(body).length()) len = body + Long.toString(len).length();
        block(header("PaxHeader", 'x', len));
        out.write((len + " " + key + "=").getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = unit.repeat((int) Math.max(1, Math.min(n, (1 << 20) / unit.length()))).getBytes(StandardCharsets.ISO_8859_1);
        long left = n;
        long perChunk = chunk.length / unit.length();
        while (left > 0) {
            int k = (int) Math.min(perChunk, left);
            out.write(chunk, 0, k * unit.length());
            left -= k;
        }
        out.write('\n');
        return pad(len);
    }

    HostileTar pad(long size) throws IOException {
        out.write(new byte[(int) ((512 - size % 512) % 512)]);
        return this;
    }

    HostileTar end() throws IOException {
        out.write(new byte[1024]);
        return this;
    }
}
