package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.migrate.fs.MachineLimitException;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.read.XattrReader;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.scan.LinkTable;
import org.linkrescue.migrate.scan.ScanCalls;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Stop;

/**
 * Turns a scan into the entry stream: every path becomes an entry; a file's data is opened from
 * the content source at the first path of its inode only; every later path of an inode (file,
 * symlink, FIFO or device) becomes a hard link to the first. When the first path cannot be opened, the inode is marked failed
 * and each later path is reported instead of being linked to nothing.
 */
final class SourceStream implements TreeScanner.Visitor {
    /**
     * Paths scanned while a file's open is in flight wait here, in order, so the scan goes on
     * while the drive answers; this many at most before the scan waits for the open.
     */
    private static final int WAITING_MAX = 256;
    /**
     * Directories the walk is done with whose descriptor paths still waiting here may use (their
     * opens run below it): kept until the last of those paths is out, at most this many at once.
     * Draining the waiting paths at each directory's end instead left the opens of the next
     * directory no file to run ahead of: 8,600 waits for an open on a 227,000-path snapshot tree.
     */
    private static final int HELD_MAX = 16;
    private record Held(int fd, long lastSeq) {}
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Paths visited so far: a waiting path's number. */
    private long visited;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** The oldest open in flight, whose entry is the next to go out, or null. */
    private Pending pending;
    /**
     * Opens started ahead for paths still waiting (see {@link OpensAhead}): the drive answers
     * several opens at once instead of one round trip to the read worker per file.
     */
    private final OpensAhead ahead;

    private record Pending(Entry entry, ScannedPath path, ContentSource.Opening opening, long seq) {}

    /** A path waiting to be turned into an entry, with its open if one was started ahead. */
    static final class Waiting {
        final ScannedPath path;
        /** Its place among the paths visited. */
        final long seq;
        /** Started by {@link OpensAhead}, else null. */
        ContentSource.Opening opening;
        /** Counted by OpensAhead as a linked file waiting. */
        boolean counted;
        /** Paths of its run of opens not yet taken (shared by the run), or null. */
        int[] run;
        /** In the run OpensAhead collects, not started yet. */
        boolean collected;

        Waiting(ScannedPath path, long seq) {
            this.path = path;
            this.seq = seq;
        }
    }

    private final EntryMaker maker = new EntryMaker();
    private final LinkTable links = new LinkTable();
    /** Entries handed on so far, and the link table's changes and fills told by their numbers. */
    private final StreamNumbers numbers = new StreamNumbers();
    private Stop stop;
    private final XattrReader xattrs;
    /**
     * For the directories above a resumed walk's point: what cannot be read of their
     * attributes now was reported by the stopped run, which wrote them.
     */
    private final XattrReader xattrsAbove;
    private final ContentSource source;
    private final ReadAhead out;
    private final Problems problems;
    /** Fills what the drive could not list or lstat from its copies. */
    private final Refill refill;
    /** Told each path and inode (with its size) as the scan first meets it: the progress line's totals, without a second walk. */
    private final RunTotals totals;

    SourceStream(ContentSource source, ReadAhead out, Problems problems, RunTotals totals, ScanCalls calls,
                 Alternates alternates) {
        this.source = source;
        this.totals = totals;
        this.out = out;
        this.problems = problems;
        this.xattrs = new XattrReader(problems, calls);
        this.xattrsAbove = new XattrReader((grade, path, what) -> {}, calls);
        this.refill = new Refill(alternates, maker, links, out, problems, numbers);
        this.ahead = new OpensAhead(source, links, Math.max(0, source.opensInFlight() - 1), out.readWithOpenMax());
    }

    /**
     * A resumed run: the link table as the stopped run left it after its last finished entry,
     * and the number of entries finished (the next one's number).
     */
    void resume(List<Evacuation.SeedInode> inodes, long entries) {
        for (Evacuation.SeedInode i : inodes) links.seed(i.dev(), i.ino(), i.remaining(), i.firstPath());
        numbers.resume(entries);
    }

    /** Tells l of every change to the link table, numbered by the entry it comes with (rescue map). */
    void onLinkEvents(Evacuation.LinkListener l) { numbers.onLinkEvents(l); }

    /** Tells l where each fill from the alternates begins and ends, by entry number (rescue map). */
    void onFills(Evacuation.FillListener l) { numbers.onFills(l); }

    void stopWith(Stop s) { stop = s; }

    private void linkEvent(Evacuation.LinkChange kind, Stat st, byte[] path) { numbers.link(kind, st, path); }

    @Override
    public void visit(ScannedPath p) throws IOException {
        if (stop != null) stop.check();
        Waiting w = new Waiting(p, ++visited);
        waiting.add(w);
        ahead.queued(w);
        pump(false);
    }

    /** The entry the stopped run made of a directory above the resume point, made again for the sink to know. */
    @Override
    public void above(ScannedPath dir) throws IOException {
        pump(true);
        Entry e = maker.make(dir);
        out.writtenAbove(xattrsAbove.attach(e, dir));
    }

    /** A directory the drive could not open or list: in stream order, it and what a copy of it holds. */
    @Override
    public void unreadableDir(ScannedPath dir, String why) throws IOException {
        pump(true);
        numbers.fillStarts();
        refill.directory(dir, why);
        numbers.fillEnds();
    }

    /**
     * A directory a stopped run had entered that the drive cannot list now: in stream order, what
     * a copy of it holds after the resume point (the stopped run wrote the rest). Nothing when
     * the stopped run filled it itself (its fill was whole: the point is its last path).
     */
    @Override
    public void unreadableRest(byte[] path, byte[] after, String why) throws IOException {
        if (refill.filledBefore(path)) return;
        pump(true);
        numbers.fillStarts();
        refill.rest(path, after, why);
        numbers.fillEnds();
    }

    /** A name the drive could not lstat: in stream order, what a copy of it is. */
    @Override
    public void unreadableEntry(byte[] path, int parentFd, byte[] name, String why) throws IOException {
        pump(true);
        numbers.fillStarts();
        refill.name(path, why);
        numbers.fillEnds();
    }

    /** Keeps the descriptor of a directory the walk is done with while paths waiting here may still open files below it. */
    @Override
    public boolean takeOver(int dirFd) {
        if ((pending == null && waiting.isEmpty()) || held.size() >= HELD_MAX) return false; // closing drains what waits
        // The files of a directory go in one run, started at its end if not full before. Started
        // only: what it opens is taken at the next visit. Nothing here may throw once the
        // descriptor is held, or it would be closed twice (here and by the walk).
        ahead.start(true);
        held.add(new Held(dirFd, visited));
        return true;
    }

    /** The walk may wait on the drive for a subdirectory's listing: the run being collected starts now. */
    @Override
    public void entering() {
        ahead.start(true);
    }

    /** Closes the directories taken over whose last path is out. */
    private void releaseHeld() {
        if (held.isEmpty()) return;
        long oldest = pending != null ? pending.seq() : waiting.isEmpty() ? Long.MAX_VALUE : waiting.peek().seq;
        while (!held.isEmpty() && held.peek().lastSeq() < oldest) Posix.close(held.poll().fd());
    }

    /** Nothing may use the closing directory's descriptor afterwards: everything waiting is done now. */
    @Override
    public void closing(int dirFd) throws IOException {
        pump(true);
    }

    /**
     * Emits what can be emitted in scan order: the open in flight once it is done (or at once
     * when all is true or too much waits behind it), then the paths waiting behind it, up to
     * the next file whose open has to be started.
     */
    private void pump(boolean all) throws IOException {
        try {
            drain(all);
        } finally {
            releaseHeld();
        }
    }

    private void drain(boolean all) throws IOException {
        while (true) {
            boolean mayWait = !all && waiting.size() < WAITING_MAX;
            if (pending != null) {
                if (!pending.opening().done()) {
                    ahead.start(false); // whether or not this waits for it now
                    if (mayWait) return;
                }
                Pending done = pending;
                pending = null;
                finishOpen(done);
            }
            Waiting next = waiting.peek();
            if (next == null) return;
            if (ahead.awaitsRun(next)) {
                ahead.start(!mayWait);
                if (next.opening == null && mayWait) return; // its run is still collecting; the directory's end starts it
            }
            waiting.poll();
            ahead.taken(next);
            process(next);
        }
    }

    /** Gives up an open still in flight (the run is ending on an error): its descriptor is closed. */
    void abandon() {
        Pending p = pending;
        pending = null;
        if (p != null) closeQuietly(p.opening());
        for (Waiting w : waiting) {
            if (w.opening != null && !w.opening.cancel()) closeQuietly(w.opening);
        }
        waiting.clear();
        ahead.abandon();
        for (Held h : held) Posix.close(h.fd());
        held.clear();
    }

    private static void closeQuietly(ContentSource.Opening o) {
        try {
            o.finish().close();
        } catch (IOException ignored) {
            // The run is already failing; the open's own outcome no longer matters.
        }
    }

    private void process(Waiting w) throws IOException {
        ScannedPath p = w.path;
        ContentSource.Opening started = w.opening;
        if (started != null && !OpensAhead.firstPathOfFile(p.stat(), links)) { // OpensAhead guarantees otherwise; never leak its descriptor
            closeQuietly(started);
            started = null;
        }
        Stat st = p.stat();
        if (!EntryMaker.carried(st)) {
            problems.report(Grade.WARN, p.path(), "socket ignored");
            return;
        }
        totals.scannedPath();
        // Every non-directory may have links: cp -al links symlinks, FIFOs and devices as well.
        if (st.type() != Stat.S_IFDIR && st.nlink() > 1) {
            byte[] first = links.link(st.devId(), st.ino(), st.nlink(), p.path());
            if (first == LinkTable.FAILED) {
                if (links.closedLast()) linkEvent(Evacuation.LinkChange.CLOSED, st, null);
                problems.report(Grade.FAILED, p.path(), "not archived: its inode could not be read");
                out.laterPathOfUnreadInode(st.devId(), st.ino(), p.path());
                return;
            }
            if (first != null) {
                if (links.closedLast()) linkEvent(Evacuation.LinkChange.CLOSED, st, null);
                out.acceptLaterPath(maker.makeLink(p, first), st.devId(), st.ino());
                numbers.handedOn();
                return;
            }
            linkEvent(Evacuation.LinkChange.FIRST, st, p.path());
        }
        Entry e = maker.make(p);
        // Only the first path of an inode gets here: hard links share its attributes.
        e = xattrs.attach(e, p);
        totals.scannedInode(e.type() == EntryType.FILE ? st.size() : 0);
        if (e.type() != EntryType.FILE) {
            out.accept(e, null);
            numbers.handedOn();
            return;
        }
        pending = new Pending(e, p, started != null ? started
                : source.startOpen(p.path(), p.parentFd(), p.name(), st, out.readWithOpenMax()), w.seq);
    }

    private void finishOpen(Pending pend) throws IOException {
        ScannedPath p = pend.path();
        Stat st = p.stat();
        Entry e = pend.entry();
        Content c;
        try {
            c = pend.opening().finish();
        } catch (Stop.Stopped ex) {
            throw ex; // the run is stopping: the file is not done, and not damaged
        } catch (ContentSource.Reported ex) {
            failed(p, st, null); // the source said it already
            return;
        } catch (MachineLimitException ex) {
            throw ex; // this machine's limit, not the file's: the run stops
        } catch (PosixException ex) {
            failed(p, st, ex.call() + ": " + ex.reason());
            return;
        } catch (IOException ex) {
            failed(p, st, ex.getMessage());
            return;
        }
        out.acceptFile(e, c, st.ino());
        numbers.handedOn();
    }

    /** @param why the one line to report, or null when the content source reported it */
    private void failed(ScannedPath p, Stat st, String why) {
        if (why != null) problems.report(Grade.FAILED, p.path(), why);
        if (st.nlink() > 1) {
            links.markFailed(st.devId(), st.ino());
            linkEvent(Evacuation.LinkChange.FAILED, st, null);
        }
    }

    long peakOpenInodes() { return links.peakOpenInodes(); }
}
