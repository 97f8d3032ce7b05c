package org.linkrescue.archive;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Hand-made headers for input no honest writer makes (the commons-compress way). */
final class RawTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A ustar ("ustar\0" "00") header with a correct checksum; mutate with the setters. */
    static final class Header {
        final byte[] b = new byte[512];

        Header(String name, char type, long size) {
            put(0, name);
            put(100, "0000644");
            put(108, "0000000");
            put(116, "0000000");
            put(124, String.format("%011o", size));
            put(136, "13357334000");
            b[156] = (byte) type;
            put(257, "ustar");
            put(263, "00");
        }

        Header put(int off, String latin1) {
            byte[] v = Names.bytes(latin1);
            System.arraycopy(v, 0, b, off, v.length);
            return this;
        }

        Header field(int off, int len, String latin1) {
            Arrays.fill(b, off, off + len, (byte) 0);
            return put(off, latin1);
        }

        Header gnuMagic() { return put(257, "ustar  \0"); }

        Header v7() { Arrays.fill(b, 257, 265, (byte) 0); return this; }

        byte[] bytes() { return withChecksum(false); }

        byte[] withChecksum(boolean signed) {
            Arrays.fill(b, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte x : b) sum += signed ? x : x & 0xff;
            byte[] r = b.clone();
            byte[] c = Names.bytes(String.format("%06o", sum));
            System.arraycopy(c, 0, r, 148, 6);
            r[154] = 0;
            return r;
        }
    }

    RawTar add(byte[] block) {
        out.writeBytes(block);
        return this;
    }

    RawTar add(Header h) { return add(h.bytes()); }

    /** Data padded to the block size. */
    RawTar data(String latin1) {
        byte[] d = Names.bytes(latin1);
        out.writeBytes(d);
        out.writeBytes(new byte[(512 - d.length % 512) % 512]);
        return this;
    }

    /** A pax 'x' (or 'g') header with the given records "key=value" (lengths computed here). */
    RawTar pax(char type, String... records) {
        PaxRecords r = new PaxRecords();
        for (String kv : records) {
            int eq = kv.indexOf('=');
            r.add(kv.substring(0, eq), Names.bytes(kv.substring(eq + 1)));
        }
        String body = Names.latin1(Arrays.copyOf(r.buffer(), r.length()));
        add(new Header("PaxHeader", type, body.length()));
        return data(body);
    }

    RawTar end() {
        out.writeBytes(new byte[1024]);
        return this;
    }

    byte[] bytes() { return out.toByteArray(); }
}
