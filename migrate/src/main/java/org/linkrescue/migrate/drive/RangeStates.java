package org.linkrescue.migrate.drive;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every byte of one file with its {@link BlockStatus}: contiguous spans covering [0, size),
 * neighbours of the same status merged, as a ddrescue mapfile holds a drive. The rescue in
 * passes changes them as it reads; the rescue map keeps them (one line per inode:
 * {@link #toString()}, {@link #parse}).
 *
 * <p>Thread-safe: the pass that reads a file changes it while a progress line sums it up.
 */
public final class RangeStates {
    /** Bytes [offset, offset + length) of the file, all in one status. */
    public record Span(long offset, long length, BlockStatus status) {
        public long end() { return offset + length; }

        @Override public String toString() { return offset + "+" + length + ":" + status.symbol; }
    }

    private final long size;
    /** offset -> span starting there; the spans tile [0, size). */
    private final TreeMap<Long, Span> spans = new TreeMap<>();

    /** A file of size bytes, all in one status. */
    public RangeStates(long size, BlockStatus all) {
        if (size < 0) throw new IllegalArgumentException("size " + size);
        this.size = size;
        if (size > 0) spans.put(0L, new Span(0, size, all));
    }

    public long size() { return size; }

    /** Sets [from, to) (cut to the file) to status s. */
    public synchronized void set(long from, long to, BlockStatus s) {
        from = Math.max(0, from);
        to = Math.min(size, to);
        if (from >= to) return;
        split(from);
        split(to);
        spans.subMap(from, true, to, false).clear();
        spans.put(from, new Span(from, to - from, s));
        mergeAround(from);
    }

    /** Makes a span start at p (p inside the file). */
    private void split(long p) {
        if (p >= size) return;
        Map.Entry<Long, Span> e = spans.floorEntry(p);
        Span sp = e.getValue();
        if (sp.offset() == p) return;
        spans.put(sp.offset(), new Span(sp.offset(), p - sp.offset(), sp.status()));
        spans.put(p, new Span(p, sp.end() - p, sp.status()));
    }

    private void mergeAround(long at) {
        Span s = spans.get(at);
        Map.Entry<Long, Span> before = spans.lowerEntry(at);
        if (before != null && before.getValue().status() == s.status()) {
            spans.remove(at);
            s = new Span(before.getKey(), before.getValue().length() + s.length(), s.status());
            spans.put(s.offset(), s);
        }
        Span after = spans.get(s.end());
        if (after != null && after.status() == s.status()) {
            spans.remove(after.offset());
            s = new Span(s.offset(), s.length() + after.length(), s.status());
            spans.put(s.offset(), s);
        }
    }

    /** The status of byte p. */
    public synchronized BlockStatus at(long p) {
        if (p < 0 || p >= size) throw new IndexOutOfBoundsException("byte " + p + " of " + size);
        return spans.floorEntry(p).getValue().status();
    }

    /** The spans, in order. */
    public synchronized List<Span> spans() { return new ArrayList<>(spans.values()); }

    /** The spans in one of the statuses given, in order. */
    public synchronized List<Span> spans(BlockStatus... wanted) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans.values()) if (in(s.status(), wanted)) out.add(s);
        return out;
    }

    /** Bytes in any of the statuses given. */
    public synchronized long bytes(BlockStatus... wanted) {
        long n = 0;
        for (Span s : spans.values()) if (in(s.status(), wanted)) n += s.length();
        return n;
    }

    /** Bytes the later passes still have to read block by block (not tried, not trimmed, not scraped). */
    public long untriedBytes() {
        return bytes(BlockStatus.NON_TRIED, BlockStatus.NON_TRIMMED, BlockStatus.NON_SCRAPED);
    }

    /** Every byte that is not finished, as ranges: what the drive did not give (yet). */
    public synchronized BadRanges unfinished() {
        BadRanges out = new BadRanges();
        for (Span s : spans.values()) if (s.status() != BlockStatus.FINISHED) out.add(s.offset(), s.end());
        return out;
    }

    /** The ranges in any of the statuses given. */
    public synchronized BadRanges ranges(BlockStatus... wanted) {
        BadRanges out = new BadRanges();
        for (Span s : spans.values()) if (in(s.status(), wanted)) out.add(s.offset(), s.end());
        return out;
    }

    private static boolean in(BlockStatus s, BlockStatus[] wanted) {
        for (BlockStatus w : wanted) if (w == s) return true;
        return false;
    }

    /** "0+8192:+ 8192+4096:- 12288+118784:+": every span, the way the rescue map writes them. */
    @Override
    public synchronized String toString() {
        StringBuilder b = new StringBuilder();
        for (Span s : spans.values()) {
            if (b.length() > 0) b.append(' ');
            b.append(s);
        }
        return b.toString();
    }

    /**
     * The spans of a file of size bytes as {@link #toString} wrote them (one field each).
     *
     * @throws IllegalArgumentException a field is malformed, or the spans do not tile [0, size)
     */
    public static RangeStates parse(long size, List<String> fields) {
        RangeStates r = new RangeStates(size, BlockStatus.NON_TRIED);
        long at = 0;
        for (String f : fields) {
            int plus = f.indexOf('+'), colon = f.lastIndexOf(':');
            if (plus <= 0 || colon < plus || colon != f.length() - 2)
                throw new IllegalArgumentException("span '" + f + "' is not OFFSET+LENGTH:STATUS");
            long off, len;
            try {
                off = Long.parseLong(f.substring(0, plus));
                len = Long.parseLong(f.substring(plus + 1, colon));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("span '" + f + "': " + e.getMessage());
            }
            if (off != at || len <= 0) throw new IllegalArgumentException("span '" + f + "' does not start where the one before ended (" + at + ")");
            r.set(off, off + len, BlockStatus.of(f.charAt(colon + 1)));
            at = off + len;
        }
        if (at != size) throw new IllegalArgumentException("spans end at " + at + ", not at the size " + size);
        return r;
    }
}
