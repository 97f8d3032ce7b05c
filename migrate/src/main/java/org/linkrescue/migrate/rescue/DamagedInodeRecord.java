package org.linkrescue.migrate.rescue;

import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.stream.Provenance;

/**
 * The report's record of one damaged inode. Paths grow as the pipeline meets later hard links
 * of the inode ({@link RescueReport#addPath}); everything else is fixed once its data was read.
 *
 * @param sha256 hex SHA-256 of the bytes written, or null when it could not be computed (bytes
 *               delivered once could not be read again) or nothing was written (leftOut)
 * @param leftOut the file could not be opened and no alternate stood in: no entry was written
 * @param untried  the part of badRanges a rescue in passes never read block by block (its
 *                 later passes were left out: --passes copy); a later run may still read it
 */
public record DamagedInodeRecord(long devId, long ino, List<byte[]> paths, long size, long mtimeSec,
                                 int mtimeNsec, List<ByteRange> badRanges, List<String> errors,
                                 List<Verdict> candidates, Provenance provenance, String sha256,
                                 boolean leftOut, List<ByteRange> untried) {
    public DamagedInodeRecord {
        paths = new ArrayList<>(paths); // grows by addPath, under the report's lock
        badRanges = List.copyOf(badRanges);
        errors = List.copyOf(errors);
        candidates = List.copyOf(candidates);
        untried = List.copyOf(untried);
    }

    /** A record with nothing left untried (every rescue but one in passes stopped early). */
    public DamagedInodeRecord(long devId, long ino, List<byte[]> paths, long size, long mtimeSec, int mtimeNsec,
                              List<ByteRange> badRanges, List<String> errors, List<Verdict> candidates,
                              Provenance provenance, String sha256, boolean leftOut) {
        this(devId, ino, paths, size, mtimeSec, mtimeNsec, badRanges, errors, candidates, provenance, sha256, leftOut, List.of());
    }

    /** Bytes written as zeros (or not written at all when left out). */
    public long bytesLost() {
        if (leftOut) return size;
        long n = 0;
        for (Provenance.Range r : provenance.ranges()) if (r.origin().equals("zero")) n += r.length();
        return n;
    }

    /** Bytes taken from an alternate. */
    public long bytesSpliced() {
        long n = 0;
        for (Provenance.Range r : provenance.ranges())
            if (!r.origin().equals("zero") && !r.origin().equals("source")) n += r.length();
        return n;
    }

    /** The accepted candidate, if any. */
    public Verdict accepted() {
        for (Verdict v : candidates) if (v.accepted()) return v;
        return null;
    }
}
