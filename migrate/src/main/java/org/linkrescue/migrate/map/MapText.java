package org.linkrescue.migrate.map;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How the rescue map writes a value into one field of a line: printable ASCII as it is, every
 * other byte (space, backslash, control and non-ASCII bytes) as {@code \xNN}, so a field never
 * holds a space or a newline, any byte string survives exactly, and a name in plain ASCII stays
 * readable. An empty value is written {@code \x} (nothing else is), so every field has at
 * least one character. Lines are ASCII.
 */
final class MapText {
    private MapText() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static String field(byte[] b) {
        if (b.length == 0) return "\\x";
        StringBuilder sb = new StringBuilder(b.length + 8);
        for (byte x : b) {
            int c = x & 0xff;
            if (c > 0x20 && c < 0x7f && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append('\\').append('x').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return sb.toString();
    }

    /** Free text (messages): its UTF-8 bytes as a field. */
    static String text(String s) { return field(s.getBytes(StandardCharsets.UTF_8)); }

    /** A Latin-1 String standing for bytes (one char per byte), as a field. */
    static String latin1(String s) { return field(s.getBytes(StandardCharsets.ISO_8859_1)); }

    static byte[] bytes(String field) {
        if (field.equals("\\x")) return new byte[0];
        ByteArrayOutputStream out = new ByteArrayOutputStream(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\') {
                if (i + 4 > field.length() || field.charAt(i + 1) != 'x')
                    throw new IllegalArgumentException("bad escape in '" + field + "'");
                out.write(Integer.parseInt(field, i + 2, i + 4, 16));
                i += 3;
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                throw new IllegalArgumentException("unescaped character in '" + field + "'");
            }
        }
        return out.toByteArray();
    }

    static String textOf(String field) { return new String(bytes(field), StandardCharsets.UTF_8); }

    static String latin1Of(String field) { return new String(bytes(field), StandardCharsets.ISO_8859_1); }

    /** The fields of a line (split at single spaces). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>(8);
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == ' ') {
                if (i > start) out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /** "key=value" fields after the first few: the value of key, or null. */
    static String value(List<String> fields, String key) {
        for (String f : fields) {
            if (f.length() > key.length() && f.startsWith(key) && f.charAt(key.length()) == '=') return f.substring(key.length() + 1);
        }
        return null;
    }

    static long longValue(List<String> fields, String key) {
        String v = value(fields, key);
        if (v == null) throw new IllegalArgumentException("no " + key + "= in the line");
        return Long.parseLong(v);
    }

    /** Seconds and nanoseconds as "S.NNNNNNNNN". */
    static String time(long sec, int nsec) {
        // Not String.format: a record per directory, and a formatter each cost more than the rest of the record.
        if (nsec < 0 || nsec > 999_999_999) return sec + "." + String.format("%09d", nsec);
        String n = Integer.toString(nsec);
        return sec + "." + "000000000".substring(n.length()) + n;
    }

    static long[] parseTime(String t) {
        int dot = t.indexOf('.');
        if (dot < 0 || t.length() - dot - 1 != 9) throw new IllegalArgumentException("time '" + t + "' is not S.NNNNNNNNN");
        return new long[] {Long.parseLong(t.substring(0, dot)), Long.parseLong(t.substring(dot + 1))};
    }
}
