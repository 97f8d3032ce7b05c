package org.linkrescue.migrate.stream;

import java.util.List;

/**
 * Where each byte of a content came from. An empty list of ranges means every byte came from
 * the source as it is (the normal case, which costs nothing). Ranges are sorted, disjoint and,
 * when present, cover [0, size).
 *
 * @param sha256  hex SHA-256 of the bytes delivered, where a rescue took it (a damaged file whose
 *                every byte was compared); null when not known
 * @param pending the bytes delivered are not final: a rescue in passes still has ranges of the
 *                file to read or splice after the stream, and delivered zeros there for now
 *                (see {@link PendingFiles}); a sink that cannot take them later writes the
 *                file as it is, zeros and all, and the rescue reports the loss
 */
public record Provenance(List<Range> ranges, boolean damaged, String sha256, boolean pending) {
    public static final Provenance CLEAN = new Provenance(List.of(), false);

    public Provenance(List<Range> ranges, boolean damaged) {
        this(ranges, damaged, null, false);
    }

    public Provenance(List<Range> ranges, boolean damaged, String sha256) {
        this(ranges, damaged, sha256, false);
    }

    /** The same provenance, with the SHA-256 of the bytes delivered (null: not known). */
    public Provenance withSha256(String hex) {
        return new Provenance(ranges, damaged, hex, pending);
    }

    /** The same ranges, still to be settled by the later passes of a rescue. */
    public Provenance asPending() {
        return new Provenance(ranges, damaged, sha256, true);
    }

    /** origin: "source", "mirror:DIR/path", "original:DIR/path", or "zero" (lost). */
    public record Range(long offset, long length, String origin) {}

    public boolean isClean() { return ranges.isEmpty() && !damaged; }
}
