package org.linkrescue.migrate.stream;

import java.util.List;

/**
 * Where each byte of a content came from. An empty list of ranges means every byte came from
 * the source as it is (the normal case, which costs nothing). Ranges are sorted, disjoint and,
 * when present, cover [0, size).
 */
public record Provenance(List<Range> ranges, boolean damaged) {
    public static final Provenance CLEAN = new Provenance(List.of(), false);

    /** origin: "source", "mirror:DIR/path", "original:DIR/path", or "zero" (lost). */
    public record Range(long offset, long length, String origin) {}

    public boolean isClean() { return ranges.isEmpty() && !damaged; }
}
