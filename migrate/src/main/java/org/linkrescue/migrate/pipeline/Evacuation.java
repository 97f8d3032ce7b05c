package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.util.List;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.scan.ScanCalls;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Stop;

/**
 * archive and migrate: scan -> link table -> content -> sink, in one pass. The scan (with the
 * opening, and for a sink that consumes bytes, the reading of small files) runs on the calling
 * thread; the sink runs on its own thread behind a bounded queue. Once the sink has taken every
 * entry, the source settles what it left pending (a rescue in passes reads and splices the bad
 * areas it skipped, into the sink, see {@link ContentSource#settlePending}), and then the sink
 * is finished.
 */
public final class Evacuation {
    /**
     * How the sink consumes file data, which decides whether reading ahead into memory pays.
     */
    public enum SinkKind {
        /** Copies kernel-side from the source descriptor when it can (migrate to disk). */
        COPIES_FROM_DESCRIPTOR,
        /** Takes the bytes (a tar stream, or disk and tar at once). */
        CONSUMES_BYTES
    }

    /**
     * Tuning, with the reason for each default.
     *
     * @param depth      entries in flight: 4096 is ~20 ms of hard links for the writer, enough to
     *                   ride out the scan thread losing its core for a time slice or two (a
     *                   queue of 256 left the writer idle a tenth of the time on two cores). Of
     *                   these, at most {@link ReadAhead#CONTENTS_MAX} hold a file's descriptor,
     *                   far below the descriptor limit (1024 by default)
     * @param ringBytes  pre-read memory (native): 64 MiB holds hundreds of typical files; by
     *                   default a quarter of the JVM's direct memory up to that
     *                   ({@link DirectMemory#ringBytes}), so -Xmx64m works too
     * @param preReadMax files up to 16 MiB are read ahead, so damage found while reading them is
     *                   known before their tar header is written (and goes into it as PAX
     *                   records); bigger ones stream after their header
     * @param readers    threads reading files into the ring at once: 2 keep a disk's queue busy
     *                   while the scan opens the next files, without thrashing a spinning disk
     * @param order      which of the files waiting to be read ahead is read next: NAME (the
     *                   stream's order) by default; INODE reads far fewer seeks on a spinning disk
     */
    public record Tuning(int depth, int ringBytes, long preReadMax, int readers, ReadOrder order) {
        public static final Tuning DEFAULT = new Tuning(4096, DirectMemory.ringBytes(), 16 << 20, 2, ReadOrder.NAME);

        public Tuning(int depth, int ringBytes, long preReadMax, int readers) {
            this(depth, ringBytes, preReadMax, readers, ReadOrder.NAME);
        }

        public Tuning withOrder(ReadOrder o) { return new Tuning(depth, ringBytes, preReadMax, readers, o); }
    }

    /**
     * The order in which files are read ahead. The entry stream (and so an archive) is always
     * in scan order, names sorted: only the reading inside the read-ahead window changes.
     */
    public enum ReadOrder {
        /** Stream order. */
        NAME,
        /**
         * Lowest inode number first among the files waiting to be read ahead (up to the ring's
         * size or the queue's depth): on most file systems that is close to their order on disk.
         */
        INODE
    }

    private final ContentSource source;
    private final Problems problems;
    private final RunTotals totals;
    private final Tuning tuning;
    private LaterPathListener laterPaths;
    private PathFilter filter = PathFilter.NONE;
    private ScanCalls scanCalls = ScanCalls.DIRECT;
    private LinkListener linkEvents;
    private FillListener fills;
    private Stop stop;
    private byte[] resumeAfter;
    private long resumeEntries;
    private List<SeedInode> seeds = List.of();

    /**
     * An inode of SOURCE a stopped run had met the first path of, with links still to come.
     *
     * @param firstPath null when it could not be read (its later paths are reported, not linked)
     * @param remaining at most this many links remain
     */
    public record SeedInode(long dev, long ino, int remaining, byte[] firstPath) {}

    /** A change to the scan's link table ({@link LinkListener}). */
    public enum LinkChange {
        /** The first path of an inode with more links. */
        FIRST,
        /**
         * The last path of an inode met before (linked, or reported when it could not be read):
         * it has no links to come. The paths between its first and its last are not told: the
         * map's count of links to come stays the one its first path gave, which is at most.
         */
        CLOSED,
        /** The first path of the inode could not be read. */
        FAILED
    }

    /**
     * Hears of every change to the scan's link table, on the scan's thread, numbered by the entry
     * it comes with: for a path that becomes an entry, that entry's number; for one that does not
     * (an inode that could not be read), the number of the next entry. A rescue map keeps the
     * table as it stood after its last finished entry from these. In columns, not an object per
     * change: a link farm makes two per inode.
     */
    public interface LinkListener {
        /** @param path the first path (FIRST only) */
        void linkEvent(long entry, LinkChange change, long dev, long ino, int nlink, byte[] path);
    }

    /**
     * Hears, on the scan's thread, where the stream holds what was filled from the alternates
     * for a directory the drive could not list or a name it could not lstat: the entries from
     * first up to (not including) end, the directory's own entry first. A rescue map never
     * counts a run finished inside such a fill: a resumed scan could not go on inside it (the
     * directory still cannot be listed), so it makes the whole fill again.
     */
    public interface FillListener {
        void fillStarts(long first);

        void fillEnds(long end);
    }

    public Evacuation(ContentSource source, Problems problems, RunTotals totals, Tuning tuning) {
        this.source = source;
        this.problems = problems;
        this.totals = totals;
        this.tuning = tuning;
    }

    /**
     * Tells a listener (the rescue report) of every later path of a hard-linked inode, on the
     * sink's thread, after the inode's data has been consumed.
     */
    public Evacuation onLaterPath(LaterPathListener l) {
        this.laterPaths = l;
        return this;
    }

    /** Leaves out what filter says (--exclude, the archive being written): a directory with its subtree. */
    public Evacuation filter(PathFilter f) {
        this.filter = f;
        return this;
    }

    /**
     * Makes the scan's calls on the drive (listings, lookups, directory opens, attributes)
     * through calls: timed ones on a failing drive, as its reads are (see TimedScanCalls).
     */
    public Evacuation scanWith(ScanCalls calls) {
        this.scanCalls = calls;
        return this;
    }

    /** Tells l of every change to the scan's link table (the rescue map keeps it). */
    public Evacuation onLinkEvents(LinkListener l) {
        this.linkEvents = l;
        return this;
    }

    /** Tells l where the stream holds fills from the alternates (the rescue map never stops inside one). */
    public Evacuation onFills(FillListener l) {
        this.fills = l;
        return this;
    }

    /** The run stops at the next entry boundary once s is requested ({@link org.linkrescue.migrate.stream.Stop}). */
    public Evacuation stopWith(Stop s) {
        this.stop = s;
        return this;
    }

    /**
     * A resumed run: the scan skips every path up to and including after (without looking at
     * what it skips), the stream's entries are numbered on from entries, and the link table
     * starts as the stopped run left it.
     */
    public Evacuation resumeAfter(byte[] after, long entries, List<SeedInode> inodes) {
        this.resumeAfter = after;
        this.resumeEntries = entries;
        this.seeds = inodes;
        return this;
    }

    public interface LaterPathListener {
        void laterPath(long dev, long ino, byte[] path);
    }

    /**
     * Streams the tree at sourceRoot into sink and finishes it. The sink is closed either way.
     *
     * @throws IOException the source root cannot be walked, or the sink failed fatally
     */
    public void run(byte[] sourceRoot, EntrySink sink, SinkKind kind) throws IOException {
        int ring = kind == SinkKind.CONSUMES_BYTES ? tuning.ringBytes() : 0;
        CountingSink counted = new CountingSink(sink, totals);
        try (ReadAhead ahead = new ReadAhead(counted, tuning.depth(), ring, tuning.preReadMax(), tuning.readers(), laterPaths, tuning.order())) {
            ahead.stopWith(stop);
            SourceStream stream = new SourceStream(source, ahead, problems, totals, scanCalls, source.alternates(sourceRoot));
            stream.onLinkEvents(linkEvents);
            stream.onFills(fills);
            stream.stopWith(stop);
            if (resumeAfter != null) stream.resume(seeds, resumeEntries);
            try {
                new TreeScanner(problems, filter, scanCalls).resumeAfter(resumeAfter).walk(sourceRoot, stream);
            } catch (IOException | RuntimeException | Error e) {
                stream.abandon();
                throw e;
            }
            totals.scanEnded();
            ahead.finish(() -> source.settlePending(sourceRoot, counted)); // a rescue in passes: passes 2-4, into the sink
        } finally {
            totals.stop();
        }
    }
}
