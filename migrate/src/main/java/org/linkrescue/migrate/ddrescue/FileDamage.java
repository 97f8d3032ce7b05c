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

    /**
     * The first range (of the kinds asked for) that overlaps [from, to), or null: a read of
     * [from, to) fails at once if it starts inside, or stops short where it begins.
     */
    public MappedRange firstIn(long from, long to, boolean withUnplaced) {
        for (MappedRange r : ranges) {
            if (r.end() <= from) continue;
            if (r.offset() >= to) return null;
            if (withUnplaced || !r.unplaced()) return r;
        }
        return null;
    }

    /**
     * The loss that byte off lies in, as one: where it ends (touching ranges of other statuses
     * included) and why, every status named. Null when off is not lost.
     */
    public MappedRange lossAt(long off, boolean withUnplaced) {
        MappedRange first = firstIn(off, off + 1, withUnplaced);
        if (first == null || first.offset() > off) return null;
        long end = first.end();
        StringBuilder why = new StringBuilder(first.reason());
        for (MappedRange r : ranges) {
            if (r.offset() > end) break;
            if (r.end() <= end || (r.unplaced() && !withUnplaced)) continue;
            end = r.end();
            String more = r.unplaced() ? r.reason() : "'" + r.status().symbol() + "' " + r.status().meaning();
            if (why.indexOf(more) < 0) why.append(", then ").append(more);
        }
        return new MappedRange(first.offset(), end, first.status(), first.devicePos(), why.toString());
    }

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
