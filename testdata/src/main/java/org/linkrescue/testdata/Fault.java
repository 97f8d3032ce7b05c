package org.linkrescue.testdata;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * One rule of a {@link FaultFs}: which calls it hits (operations, a path or a glob, for reads a
 * byte range) and what they get (a stall, then an errno or the real answer). Built by chained
 * withers: {@code Fault.on(Op.READ).path("s/f").bytes(8192, 12288).eio()}.
 *
 * @param ops       the operations hit
 * @param path      an exact path relative to the mount's root ("" is the root), or null
 * @param glob      an fnmatch pattern over that path ({@code *} also matches {@code /}), or null;
 *                  with neither, every path
 * @param from      reads only: the first byte a request must reach (-1: any request)
 * @param to        reads only: the byte after the range (-1: to the end)
 * @param errno     0: the call goes through (after the stall); else it fails with this errno
 * @param stallMillis 0: no stall; {@link #UNTIL_RELEASED}: held until {@link FaultFs#release};
 *                  else held this long first
 * @param times     how many calls the rule hits, -1 for every one
 */
public record Fault(Set<FaultFs.Op> ops, String path, String glob, long from, long to, int errno,
        long stallMillis, int times) {
    public static final long UNTIL_RELEASED = -1;
    public static final int ENOENT = 2, EIO = 5, ENOMEM = 12, EACCES = 13, ENFILE = 23, EMFILE = 24,
            ENOSPC = 28, ESTALE = 116;

    public Fault {
        ops = Set.copyOf(ops);
        if (ops.isEmpty()) throw new IllegalArgumentException("a fault needs an operation");
        if (path != null && glob != null) throw new IllegalArgumentException("path or glob, not both");
        if (from >= 0 && !ops.equals(Set.of(FaultFs.Op.READ)))
            throw new IllegalArgumentException("a byte range is for reads only");
    }

    /** A rule over every path for these operations that does nothing yet. */
    public static Fault on(FaultFs.Op first, FaultFs.Op... more) {
        return new Fault(EnumSet.of(first, more), null, null, -1, -1, 0, 0, -1);
    }

    public Fault path(String exact) { return new Fault(ops, exact, null, from, to, errno, stallMillis, times); }

    public Fault glob(String pattern) { return new Fault(ops, null, pattern, from, to, errno, stallMillis, times); }

    /** Reads overlapping bytes [from, to). */
    public Fault bytes(long from, long to) { return new Fault(ops, path, glob, from, to, errno, stallMillis, times); }

    public Fault errno(int e) { return new Fault(ops, path, glob, from, to, e, stallMillis, times); }

    public Fault eio() { return errno(EIO); }

    public Fault stall(Duration d) { return new Fault(ops, path, glob, from, to, errno, d.toMillis(), times); }

    public Fault stallUntilReleased() { return new Fault(ops, path, glob, from, to, errno, UNTIL_RELEASED, times); }

    /** Hits only the next n calls that match. */
    public Fault times(int n) { return new Fault(ops, path, glob, from, to, errno, stallMillis, n); }
}
