package org.linkrescue.migrate.rescue;

import java.util.Arrays;
import java.util.Locale;
import org.linkrescue.archive.Names;

/**
 * One place a good copy may come from, as given by {@code --alternate KIND=DIR}.
 *
 * @param kind MIRROR: a copy of the whole backup tree (same layout as SOURCE, snapshots and all);
 *             ORIGINAL: the live data the snapshots were taken of (layout of one snapshot)
 * @param dir  the directory, raw bytes; symlinks in it are the user's choice and are followed,
 *             but nothing below it is
 */
public record Alternate(Kind kind, byte[] dir) {
    public enum Kind {
        MIRROR, ORIGINAL;

        public String word() { return name().toLowerCase(Locale.ROOT); }
    }

    public Alternate {
        if (kind == null || dir == null || dir.length == 0) throw new IllegalArgumentException("alternate needs a kind and a directory");
        dir = dir.clone();
    }

    /** Parses "mirror=DIR" or "original=DIR"; the message of the exception is a one-line usage error. */
    public static Alternate parse(String spec) {
        int eq = spec.indexOf('=');
        String k = eq < 0 ? "" : spec.substring(0, eq);
        String d = eq < 0 ? "" : spec.substring(eq + 1);
        Kind kind = switch (k) {
            case "mirror" -> Kind.MIRROR;
            case "original" -> Kind.ORIGINAL;
            default -> throw new IllegalArgumentException("--alternate wants mirror=DIR or original=DIR, not '" + spec + "'");
        };
        if (d.isEmpty()) throw new IllegalArgumentException("--alternate " + k + "= needs a directory");
        while (d.length() > 1 && d.endsWith("/")) d = d.substring(0, d.length() - 1);
        return new Alternate(kind, Names.bytes(d));
    }

    /** "mirror=DIR" as the user wrote it (for messages). */
    @Override public String toString() { return kind.word() + "=" + Names.display(dir); }

    @Override public boolean equals(Object o) {
        return o instanceof Alternate a && a.kind == kind && Arrays.equals(a.dir, dir);
    }

    @Override public int hashCode() { return kind.hashCode() * 31 + Arrays.hashCode(dir); }
}
