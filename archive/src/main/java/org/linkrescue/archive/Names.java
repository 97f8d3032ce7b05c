package org.linkrescue.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * File names are bytes. These helpers join, split, compare and display them without ever
 * decoding them; {@link #display} is the only lossy view and is meant for humans.
 */
public final class Names {
    private Names() {}

    public static final byte[] DOT = {'.'};

    /** Bytewise unsigned order, the order `LC_ALL=C ls` uses. */
    public static int compare(byte[] a, byte[] b) { return Arrays.compareUnsigned(a, b); }

    public static byte[] join(byte[] dir, byte[] name) {
        if (dir.length == 0) return name;
        byte[] r = Arrays.copyOf(dir, dir.length + 1 + name.length);
        r[dir.length] = '/';
        System.arraycopy(name, 0, r, dir.length + 1, name.length);
        return r;
    }

    /** The bytes a String stands for under our Latin-1 locale (one char per byte). */
    public static byte[] bytes(String latin1) { return latin1.getBytes(StandardCharsets.ISO_8859_1); }

    /** The String that stands for these bytes under our Latin-1 locale. */
    public static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    /** The bytes followed by NUL, as C wants them. */
    public static byte[] cstr(byte[] b) {
        byte[] r = Arrays.copyOf(b, b.length + 1);
        return r;
    }

    /** Splits a relative path at '/' (empty components dropped). */
    public static byte[][] split(byte[] path) {
        int n = 0;
        for (int i = 0; i < path.length; ) {
            while (i < path.length && path[i] == '/') i++;
            if (i < path.length) n++;
            while (i < path.length && path[i] != '/') i++;
        }
        byte[][] parts = new byte[n][];
        int k = 0;
        for (int i = 0; i < path.length; ) {
            while (i < path.length && path[i] == '/') i++;
            int s = i;
            while (i < path.length && path[i] != '/') i++;
            if (i > s) parts[k++] = Arrays.copyOfRange(path, s, i);
        }
        return parts;
    }

    /**
     * A printable, unambiguous rendering for messages and summaries: valid UTF-8 stays as it is
     * (so a terminal shows it), while control bytes, backslash and bytes that are not UTF-8
     * become \n, \t, \\ and \xNN. The result is a Java String of real characters (not Latin-1
     * stand-ins); print it with a UTF-8 stream.
     */
    public static String display(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length + 8);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                switch (c) {
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\r' -> sb.append("\\r");
                    case '\\' -> sb.append("\\\\");
                    default -> {
                        if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", c));
                        else sb.append((char) c);
                    }
                }
                i++;
                continue;
            }
            int len = utf8Len(b, i);
            if (len > 0) {
                int cp = new String(b, i, len, StandardCharsets.UTF_8).codePointAt(0);
                sb.appendCodePoint(cp);
                i += len;
            } else {
                sb.append(String.format("\\x%02x", c));
                i++;
            }
        }
        return sb.toString();
    }

    /** Length of the well-formed UTF-8 sequence at i, or 0 when it is not one. */
    public static int utf8Len(byte[] b, int i) {
        int c = b[i] & 0xff;
        int n;
        int min;
        if (c >= 0xc2 && c <= 0xdf) { n = 2; min = 0x80; }
        else if (c >= 0xe0 && c <= 0xef) { n = 3; min = 0x800; }
        else if (c >= 0xf0 && c <= 0xf4) { n = 4; min = 0x10000; }
        else return 0;
        if (i + n > b.length) return 0;
        int cp = c & (0x3f >> (n - 1));
        for (int k = 1; k < n; k++) {
            int d = b[i + k] & 0xff;
            if ((d & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (d & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        return n;
    }

    public static boolean isUtf8(byte[] b) {
        for (int i = 0; i < b.length; ) {
            if ((b[i] & 0x80) == 0) { i++; continue; }
            int n = utf8Len(b, i);
            if (n == 0) return false;
            i += n;
        }
        return true;
    }
}
