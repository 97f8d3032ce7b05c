package org.linkrescue.migrate.crosscheck;

import java.util.ArrayList;
import java.util.List;

/**
 * One inode whose bytes SOURCE and its copies do not all agree on.
 *
 * @param paths  every path of the inode in SOURCE, in walk order (grows as later links are met)
 * @param copies the copies compared, as "mirror:/mnt/cold/2024-01-01/a.txt"
 */
public record Finding(long devId, long ino, long size, List<byte[]> paths, List<String> copies, List<Disagreement> ranges) {
    public Finding {
        paths = new ArrayList<>(paths);
        copies = List.copyOf(copies);
        ranges = List.copyOf(ranges);
    }

    /** Whether some range holds zeros in SOURCE where a copy does not (what migrate --cross-check splices). */
    public boolean sourceZeros() { return ranges.stream().anyMatch(Disagreement::sourceZeros); }
}
