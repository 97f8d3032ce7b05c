package org.linkrescue.migrate.scan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * --exclude patterns with GNU tar's defaults for exclusion (--no-anchored --wildcards
 * --wildcards-match-slash), checked against GNU tar itself in the tests: a shell wildcard
 * pattern (*, ?, [...] with ranges, negation and [:classes:], \ quoting; an unclosed [ is
 * literal) matches a path when it matches the whole path, or the part after any '/', as the
 * path looks in {@code tar -C SOURCE -cf - .} ("./" first). '*' and '?' match '/' too. A
 * pattern ending in '/' matches nothing, as in tar. The walk's root is never left out. Names are
 * bytes; so are patterns.
 */
public final class Exclusions implements PathFilter {
    private final List<byte[]> patterns;

    private Exclusions(List<byte[]> patterns) { this.patterns = patterns; }

    public static Exclusions of(List<byte[]> patterns) { return new Exclusions(List.copyOf(patterns)); }

    public boolean isEmpty() { return patterns.isEmpty(); }

    /**
     * The patterns in the text of an --exclude-from file, as tar -X reads it: one per line,
     * trailing white space removed, empty lines skipped (no comments: '#' is a name's byte).
     */
    public static List<byte[]> lines(byte[] text) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i < text.length && text[i] != '\n') continue;
            int end = i;
            while (end > start && isSpace(text[end - 1])) end--;
            if (end > start) out.add(Arrays.copyOfRange(text, start, end));
            start = i + 1;
        }
        return out;
    }

    @Override
    public boolean excludesByName() { return !patterns.isEmpty(); }

    /** A path as the walk meets it (its parents were asked before it): the path itself is matched. */
    @Override
    public boolean excludes(byte[] path) {
        if (patterns.isEmpty()) return false;
        byte[] name = dotSlash(path);
        for (byte[] p : patterns) if (unanchored(p, name, name.length)) return true;
        return false;
    }

    /** A path met without its parents (an archive's entry): left out when it or any directory above it is. */
    public boolean excludesWithin(byte[] path) {
        if (patterns.isEmpty()) return false;
        byte[] name = dotSlash(path);
        for (byte[] p : patterns) {
            for (int end = name.length; end > 2; end--) {
                if ((end == name.length || name[end] == '/') && unanchored(p, name, end)) return true;
            }
        }
        return false;
    }

    private static byte[] dotSlash(byte[] path) {
        byte[] n = new byte[path.length + 2];
        n[0] = '.';
        n[1] = '/';
        System.arraycopy(path, 0, n, 2, path.length);
        return n;
    }

    /** Whether p matches name[0, end) or its part after any '/' (gnulib's exclude_fnmatch without EXCLUDE_ANCHORED). */
    private static boolean unanchored(byte[] p, byte[] name, int end) {
        if (matches(p, name, 0, end)) return true;
        for (int i = 0; i < end; i++) {
            if (name[i] == '/' && i + 1 < end && name[i + 1] != '/' && matches(p, name, i + 1, end)) return true;
        }
        return false;
    }

    /** fnmatch(p, s[from, end), 0): no FNM_PATHNAME, no FNM_PERIOD. */
    static boolean matches(byte[] p, byte[] s, int from, int end) {
        int pi = 0, si = from, starP = -1, starS = -1;
        while (si < end) {
            if (pi < p.length) {
                byte c = p[pi];
                if (c == '*') {
                    while (pi < p.length && p[pi] == '*') pi++;
                    if (pi == p.length) return true;
                    starP = pi;
                    starS = si;
                    continue;
                }
                if (c == '?') {
                    pi++;
                    si++;
                    continue;
                }
                if (c == '[') {
                    int close = bracketEnd(p, pi);
                    if (close > 0) {
                        if (inBracket(p, pi, close, s[si])) {
                            pi = close + 1;
                            si++;
                            continue;
                        }
                    } else if (s[si] == '[') { // an unclosed [ is itself
                        pi++;
                        si++;
                        continue;
                    }
                } else if (c == '\\' && pi + 1 < p.length) {
                    if (p[pi + 1] == s[si]) {
                        pi += 2;
                        si++;
                        continue;
                    }
                } else if (c == s[si]) {
                    pi++;
                    si++;
                    continue;
                }
            }
            if (starP < 0) return false;
            pi = starP; // the last * takes one byte more
            si = ++starS;
        }
        while (pi < p.length && p[pi] == '*') pi++;
        return pi == p.length;
    }

    /** The index of the ']' closing the bracket expression at open, or -1 when it is not closed. */
    private static int bracketEnd(byte[] p, int open) {
        int i = open + 1;
        if (i < p.length && (p[i] == '!' || p[i] == '^')) i++;
        if (i < p.length && p[i] == ']') i++; // a ']' first is a member
        while (i < p.length && p[i] != ']') {
            if (p[i] == '[' && i + 1 < p.length && p[i + 1] == ':') {
                int k = indexOf(p, i + 2, ":]");
                if (k > 0) {
                    i = k + 2;
                    continue;
                }
            }
            if (p[i] == '\\' && i + 1 < p.length) i++;
            i++;
        }
        return i < p.length ? i : -1;
    }

    private static boolean inBracket(byte[] p, int open, int close, byte b) {
        int i = open + 1;
        boolean negate = p[i] == '!' || p[i] == '^';
        if (negate) i++;
        boolean in = false;
        boolean first = true;
        while (i < close) {
            if (p[i] == '[' && i + 1 < close && p[i + 1] == ':') {
                int k = indexOf(p, i + 2, ":]");
                if (k > 0 && k < close) {
                    in |= inClass(new String(p, i + 2, k - i - 2, StandardCharsets.ISO_8859_1), b);
                    i = k + 2;
                    first = false;
                    continue;
                }
            }
            int lo = p[i] & 0xff;
            if (p[i] == '\\' && i + 1 < close) lo = p[++i] & 0xff;
            else if (p[i] == ']' && !first) break;
            i++;
            int hi = lo;
            if (i + 1 < close && p[i] == '-') {
                hi = p[i + 1] & 0xff;
                if (p[i + 1] == '\\' && i + 2 < close) hi = p[++i + 1] & 0xff;
                i += 2;
            }
            int v = b & 0xff;
            if (v >= lo && v <= hi) in = true;
            first = false;
        }
        return in != negate;
    }

    private static boolean inClass(String cls, byte b) {
        int c = b & 0xff;
        if (c > 127) return false; // the C locale's classes hold ASCII only
        return switch (cls) {
            case "alpha" -> Character.isLetter(c);
            case "digit" -> c >= '0' && c <= '9';
            case "alnum" -> Character.isLetterOrDigit(c);
            case "upper" -> c >= 'A' && c <= 'Z';
            case "lower" -> c >= 'a' && c <= 'z';
            case "space" -> isSpace(b);
            case "blank" -> c == ' ' || c == '\t';
            case "punct" -> c > 32 && c < 127 && !Character.isLetterOrDigit(c);
            case "xdigit" -> Character.digit(c, 16) >= 0;
            case "cntrl" -> c < 32 || c == 127;
            case "print" -> c >= 32 && c < 127;
            case "graph" -> c > 32 && c < 127;
            default -> false;
        };
    }

    private static boolean isSpace(byte b) { return b == ' ' || (b >= '\t' && b <= '\r'); }

    private static int indexOf(byte[] p, int from, String what) {
        outer:
        for (int i = from; i + what.length() <= p.length; i++) {
            for (int k = 0; k < what.length(); k++) if (p[i + k] != what.charAt(k)) continue outer;
            return i;
        }
        return -1;
    }
}
