package org.linkrescue.migrate.ddrescue;

import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.drive.ByteRange;

/**
 * What the mapfile says of one file: the byte ranges that lie in unrescued areas (lost: the
 * image holds zeros there, or whatever the image file held), and the ranges the file system
 * could not place on its device at all (unverifiable: they may be fine or lost). Sorted by
 * offset, not overlapping.
 */
public record FileDamage(List<MappedRange> ranges) {
    public static final FileDamage NONE = new FileDamage(List.of());

    public FileDamage {
        ranges = List.copyOf(ranges);
    }

    public boolean isEmpty() { return ranges.isEmpty(); }

    public List<MappedRange> lost() { return ranges.stream().filter(r -> !r.unplaced()).toList(); }

    public List<MappedRange> unplaced() { return ranges.stream().filter(MappedRange::unplaced).toList(); }

    public List<ByteRange> lostRanges() { return merged(lost()); }

    public List<ByteRange> unplacedRanges() { return merged(unplaced()); }

    private static List<ByteRange> merged(List<MappedRange> rs) {
        List<ByteRange> out = new ArrayList<>();
        for (MappedRange r : rs) {
            ByteRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() >= r.offset())
                out.set(out.size() - 1, new ByteRange(last.offset(), Math.max(last.end(), r.end()) - last.offset()));
            else out.add(r.range());
        }
        return out;
    }
}
