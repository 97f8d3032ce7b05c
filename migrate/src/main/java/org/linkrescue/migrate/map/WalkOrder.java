package org.linkrescue.migrate.map;

import java.util.Arrays;

/**
 * The order of the scan's entry stream: depth first, a directory before its contents, names
 * compared bytewise (unsigned) within each directory; the root "." first. Paths are compared
 * component by component: "a/z" comes before "a-b" (the directory a, and all of it, sorts
 * before the name a-b), which a plain byte comparison gets wrong ('/' is above '-').
 */
public final class WalkOrder {
    private WalkOrder() {}

    private static boolean isRoot(byte[] p) { return p.length == 1 && p[0] == '.'; }

    /** Negative when a comes before b in the stream, 0 when they are the same path, positive after. */
    public static int compare(byte[] a, byte[] b) {
        boolean ra = isRoot(a), rb = isRoot(b);
        if (ra || rb) return ra && rb ? 0 : ra ? -1 : 1;
        int i = 0, j = 0;
        while (true) {
            int ei = end(a, i), ej = end(b, j);
            int c = Arrays.compareUnsigned(a, i, ei, b, j, ej);
            if (c != 0) return c;
            boolean aDone = ei == a.length, bDone = ej == b.length;
            if (aDone || bDone) return aDone && bDone ? 0 : aDone ? -1 : 1; // an ancestor comes first
            i = ei + 1;
            j = ej + 1;
        }
    }

    /** Whether path lies at or before last (null last: nothing is done). */
    public static boolean done(byte[] path, byte[] last) {
        return last != null && compare(path, last) <= 0;
    }

    private static int end(byte[] p, int from) {
        for (int k = from; k < p.length; k++) if (p[k] == '/') return k;
        return p.length;
    }
}
