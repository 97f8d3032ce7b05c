package org.linkrescue.migrate.drive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The byte ranges of one file that could not be read, kept sorted and merged as they are
 * added (a failing block next to a failing block is one range). Not thread-safe: one file is
 * read by one caller.
 */
public final class BadRanges {
    private final List<ByteRange> ranges = new ArrayList<>();

    /** Adds [offset, end); ranges may arrive in any order and may touch or overlap. */
    public void add(long offset, long end) {
        if (end <= offset) return;
        int i = 0;
        while (i < ranges.size() && ranges.get(i).end() < offset) i++;
        long s = offset, e = end;
        while (i < ranges.size() && ranges.get(i).offset() <= e) {
            ByteRange r = ranges.remove(i);
            s = Math.min(s, r.offset());
            e = Math.max(e, r.end());
        }
        ranges.add(i, new ByteRange(s, e - s));
    }

    public List<ByteRange> list() { return Collections.unmodifiableList(ranges); }

    public boolean isEmpty() { return ranges.isEmpty(); }

    public long bytes() {
        long n = 0;
        for (ByteRange r : ranges) n += r.length();
        return n;
    }

    /** Whether any byte of [offset, end) is bad. */
    public boolean overlaps(long offset, long end) {
        for (ByteRange r : ranges) if (r.offset() < end && offset < r.end()) return true;
        return false;
    }

    @Override public String toString() { return ranges.toString(); }
}
