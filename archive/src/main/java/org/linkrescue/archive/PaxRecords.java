package org.linkrescue.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of a pax extended header ("%d %s=%s\n" records), built and parsed as BYTES. Values
 * are never decoded: with hdrcharset=BINARY (or a name that simply is not UTF-8) a name must
 * come back exactly as it went in. Keys are ASCII in practice and kept as Latin-1 Strings, so
 * even an odd xattr name maps byte for char.
 */
final class PaxRecords {
    private byte[] buf = new byte[1024];
    private int len;

    void clear() { len = 0; }

    int length() { return len; }

    byte[] buffer() { return buf; }

    boolean isEmpty() { return len == 0; }

    void add(String key, byte[] value) { add(key, value, 0, value.length); }

    /** Appends one record; its length field counts its own digits, measured in bytes. */
    void add(String key, byte[] value, int voff, int vlen) {
        int klen = key.length();
        int body = klen + vlen + 3; // ' ' '=' '\n'
        int d = digits(body);
        int n = body + d;
        if (digits(n) > d) n = body + digits(n);
        ensure(n);
        len = putDecimal(buf, len, n);
        buf[len++] = ' ';
        for (int i = 0; i < klen; i++) buf[len++] = (byte) key.charAt(i);
        buf[len++] = '=';
        System.arraycopy(value, voff, buf, len, vlen);
        len += vlen;
        buf[len++] = '\n';
    }

    /** Appends a record with a decimal value, e.g. size or uid. */
    void addDecimal(String key, long value) {
        byte[] tmp = new byte[20];
        int end = putDecimal(tmp, 0, value);
        add(key, tmp, 0, end);
    }

    /** Appends "mtime=S.NNNNNNNNN" (or plain S when nsec is 0); negative times are exact too. */
    void addTime(String key, long sec, int nsec) {
        byte[] tmp = new byte[32];
        int p = 0;
        if (nsec == 0) {
            p = putDecimal(tmp, 0, sec);
        } else {
            long whole = sec;
            int frac = nsec;
            if (sec < 0) { // -1.5 s is sec=-2, nsec=500000000
                tmp[p++] = '-';
                whole = -(sec + 1);
                frac = 1_000_000_000 - nsec;
            }
            p = putDecimal(tmp, p, whole);
            tmp[p++] = '.';
            for (int d = 100_000_000; d > 0; d /= 10) {
                tmp[p++] = (byte) ('0' + frac / d % 10);
            }
        }
        add(key, tmp, 0, p);
    }

    private void ensure(int more) {
        if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }

    static int digits(long v) {
        int d = 1;
        while (v >= 10) { v /= 10; d++; }
        return d;
    }

    static int putDecimal(byte[] b, int p, long v) {
        if (v < 0) {
            b[p++] = '-';
            if (v == Long.MIN_VALUE) throw new IllegalArgumentException("out of range");
            v = -v;
        }
        int d = digits(v);
        for (int i = p + d - 1; i >= p; i--) { b[i] = (byte) ('0' + v % 10); v /= 10; }
        return p + d;
    }

    /**
     * Parses a pax header body into key -> raw value bytes (later records win, as POSIX says).
     * Returns null when a record is malformed; the caller names the offset.
     */
    static Map<String, byte[]> parse(byte[] b, int n) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        int p = 0;
        while (p < n) {
            if (b[p] == 0) { // some writers pad the body with NULs: the rest must be NUL
                for (int i = p; i < n; i++) if (b[i] != 0) return null;
                break;
            }
            int start = p;
            long rlen = 0;
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                rlen = rlen * 10 + (b[p] - '0');
                if (rlen > n) return null;
                p++;
            }
            if (p == start || p >= n || b[p] != ' ') return null;
            int end = start + (int) rlen;
            if (end > n || end <= p + 1 || b[end - 1] != '\n') return null;
            int k = p + 1;
            int eq = k;
            while (eq < end - 1 && b[eq] != '=') eq++;
            if (eq == k || b[eq] != '=') return null;
            String key = new String(b, k, eq - k, StandardCharsets.ISO_8859_1);
            m.put(key, Arrays.copyOfRange(b, eq + 1, end - 1));
            p = end;
        }
        return m;
    }

    /** Parses a decimal integer value; Long.MIN_VALUE when it is not one. */
    static long parseLong(byte[] v) {
        if (v.length == 0 || v.length > 19) return Long.MIN_VALUE;
        long r = 0;
        for (byte c : v) {
            if (c < '0' || c > '9') return Long.MIN_VALUE;
            r = r * 10 + (c - '0');
        }
        return r;
    }

    /**
     * Parses a pax time "[-]S[.F]" with up to 9 fractional digits into {sec, nsec} with
     * 0 <= nsec < 1e9 (so -1.5 is {-2, 500000000}); null when malformed. Digits past the
     * ninth are dropped (truncation toward the earlier instant, as GNU tar does).
     */
    static long[] parseTime(byte[] v) {
        int p = 0;
        boolean neg = false;
        if (p < v.length && v[p] == '-') { neg = true; p++; }
        long sec = 0;
        int s = p;
        while (p < v.length && v[p] >= '0' && v[p] <= '9') {
            if (p - s >= 18) return null;
            sec = sec * 10 + (v[p++] - '0');
        }
        if (p == s) return null;
        long nsec = 0;
        if (p < v.length) {
            if (v[p++] != '.') return null;
            int scale = 100_000_000;
            int f = p;
            while (p < v.length && v[p] >= '0' && v[p] <= '9') {
                nsec += (v[p++] - '0') * (long) scale;
                scale /= 10;
            }
            if (p != v.length || p == f) return null;
        }
        if (neg) {
            sec = -sec;
            if (nsec != 0) { sec -= 1; nsec = 1_000_000_000 - nsec; }
        }
        return new long[] {sec, nsec};
    }
}
