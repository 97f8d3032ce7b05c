package org.linkrescue.migrate.map;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Checkpointable;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.PendingFiles;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Retainable;

/**
 * Keeps the rescue map as a run goes: a sink in front of the real one, on the sink's thread,
 * that sees every entry in stream order and, every few seconds and when the run stops, writes
 * a checkpoint: how many leading entries are complete, and everything a resumed run needs that
 * those entries left behind (directory metadata still due, inodes with links to come, inodes
 * made in TARGET, damage found, problems met, totals). Only what belongs to entries already
 * complete goes in, so a resumed run that starts after them does each thing exactly once.
 *
 * <p>A checkpoint first makes the outputs durable (the disk sink's syncfs, an archive's frame
 * end and fdatasync), then appends its records and fsyncs the map: a record never says more
 * than the disk holds. The durable part runs on a thread of its own (a syncfs may take a while
 * on a disk), one at a time; a checkpoint due while the last is still being written waits for
 * the next turn. The final one, when the run stops, runs on the caller's thread.
 *
 * <p>Which problems and damage records belong to finished entries: in a tree's walk order
 * ({@link Order#WALK}: migrate, archive) by their path against the last finished entry's; in an
 * archive's order ({@link Order#STREAM}: extract) by the number of entries finished when they
 * were reported (a few may be recorded early and met again on resume: the replay keeps each once).
 */
public final class Checkpoints implements EntrySink, PendingFiles, Evacuation.LinkListener, Evacuation.FillListener, DiskSink.Ledger,
        DiskSink.Finishing {
    /** How to tell whether a problem or a mark belongs to the finished part of the stream. */
    public enum Order { WALK, STREAM }

    private final EntrySink inner;
    private final Checkpointable outputs;
    private final RescueMap map;
    private final Order order;
    private final long intervalNanos;
    private final long base;
    private final long startNanos = System.nanoTime();
    private final long elapsedBefore;
    private RescueReport rescue;

    /** Entries accepted in this run, not yet in a checkpoint. */
    private final PendingEntries pending = new PendingEntries();
    private long accepted;
    private long done;
    private byte[] last;
    /** Totals of the entries folded in (done): kept as counters, written as a {@link MapState.Totals}. */
    private long paths, files, hardLinks, dirs, symlinks, specials, bytes, inodesRead, damagedInodes;
    /** What the map holds, as of the last checkpoint written. */
    private volatile long entriesWritten;
    private volatile MapState.Totals totalsWritten;
    private long rescueInodes, rescueBytes, rescueBytesAtStart, abandonedBefore;

    private final LinkEventQueue linkEvents = new LinkEventQueue();
    /** Fills from the alternates as the scan tells them: {first, MAX_VALUE} one begins; {-1, end} the one under way ends. */
    private final ConcurrentLinkedQueue<long[]> fillEvents = new ConcurrentLinkedQueue<>();
    /** Fills the entries done have not passed yet, oldest first: {first, end}, end MAX_VALUE while under way. */
    private final ArrayDeque<long[]> fills = new ArrayDeque<>();
    /** Directories and names that could not be read, as many as the map holds (they come in walk order). */
    private int unreadableWritten;
    /**
     * Of them, those the map held when this run began; each fill of this run adds one, once
     * the fill is whole, so the map holds one whenever the entries done have passed its fill.
     */
    private int unreadableBefore;
    /** Fills of this run the entries done have passed. */
    private int fillsPassed;
    private final ConcurrentLinkedQueue<Event> sinkEvents = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Tagged> tagged = new ConcurrentLinkedQueue<>();
    /** Per-inode records of the later parts of a rescue (blocks, states), for the next checkpoint. */
    private final ConcurrentLinkedQueue<Object> inodeRecords = new ConcurrentLinkedQueue<>();
    /** The rescue's phase and pass (ddrescue's characters), for the status line. */
    private volatile char phase = '?';
    private volatile int pass = 1;
    /**
     * First paths (Latin-1) of the files a rescue in passes left pending whose state is queued
     * for the map: such a file counts as complete once the sink is done with it, as the state
     * that lets a resumed run settle it goes into the same checkpoint.
     */
    private final Set<String> pendingStates = ConcurrentHashMap.newKeySet();
    /** Inodes the rescue leaves open for a later run (passes left out), and their first paths. */
    private final Map<MapState.InodeKey, String> open = new ConcurrentHashMap<>();
    private final List<Runnable> beforeInodeRecords = new ArrayList<>();
    /** While accept takes a hard link to a pending file: the entries before it (the link is not counted in yet). */
    private long foldLimit = Long.MAX_VALUE;
    private final List<Tagged> waiting = new ArrayList<>();
    private final LinkMirror links = new LinkMirror();
    /** Damaged inodes written to the map, and how many of their paths. */
    private final Map<MapState.InodeKey, Integer> damagedWritten = new HashMap<>();
    /** Records whose checkpoint could not be written yet: they go with the next one. */
    private final StringBuilder carry = new StringBuilder();

    private long nextDue;
    private Thread writing;
    private volatile IOException writeFailure;
    private boolean mapFailedSaid;
    private final ProblemLog problemLog;

    /** Entries held before those complete are counted in (a few milliseconds of a fast run's entries). */
    private static final int FOLD_AT = 1024;
    /** Entries accepted between two countings-in: asking the sink what is complete reads every lane's progress. */
    private static final int DRAIN_EVERY = 256;
    /**
     * Records of the entries counted in since the last checkpoint (the link table's changes, the
     * sink's records), written as they were counted: the next checkpoint starts with them.
     */
    private final StringBuilder ready = new StringBuilder();

    /** A problem or mark, with the number of entries finished when it was reported. */
    private record Tagged(long finishedThen, ProblemLog.Problem problem, byte[] markPath, Provenance mark) {
        byte[] path() { return problem != null ? problem.path() : markPath; }
    }

    private record Event(long entry, long dev, long ino, byte[] path, byte[] copy, Entry dir) {}

    /**
     * @param inner    the real sink (its {@link Checkpointable} side says what is complete)
     * @param resumed  the map's state when this run resumes one, else null
     * @param interval seconds between checkpoints
     */
    Checkpoints(EntrySink inner, Checkpointable outputs, RescueMap map, MapState resumed, Order order,
                double interval, ProblemLog problems) {
        this.inner = inner;
        this.outputs = outputs;
        this.map = map;
        this.order = order;
        this.intervalNanos = (long) (interval * 1e9);
        this.nextDue = startNanos + intervalNanos;
        this.problemLog = problems;
        if (resumed != null) {
            base = resumed.entries();
            done = base;
            last = resumed.last();
            MapState.Totals t = resumed.totals();
            paths = t.paths();
            files = t.files();
            hardLinks = t.hardLinks();
            dirs = t.dirs();
            symlinks = t.symlinks();
            specials = t.specials();
            bytes = t.bytes();
            inodesRead = t.inodesRead();
            damagedInodes = t.damagedInodes();
            totalsWritten = t;
            entriesWritten = base;
            elapsedBefore = t.elapsedMillis();
            rescueInodes = resumed.rescue().inodesRead();
            rescueBytes = resumed.rescue().bytesRead();
            rescueBytesAtStart = rescueBytes;
            abandonedBefore = resumed.rescue().abandonedReads();
            phase = resumed.phase();
            pass = resumed.pass();
            for (MapState.OpenInode o : resumed.openInodes()) links.seed(o.dev(), o.ino(), o.remaining(), o.firstPath());
            for (DamagedInodeRecord r : resumed.damaged()) damagedWritten.put(new MapState.InodeKey(r.devId(), r.ino()), r.paths().size());
            for (var u : resumed.unverifiable()) unverifiableWritten.put(new MapState.InodeKey(u.devId(), u.ino()), u.paths().size());
            unreadableWritten = resumed.unreadable().size(); // the rescue report's list starts with them
            unreadableBefore = unreadableWritten;
        } else {
            base = 0;
            totalsWritten = MapState.Totals.ZERO;
            elapsedBefore = 0;
        }
        if (problems != null) problems.tap(this::problem);
    }

    // ---- for the later parts of a rescue (issue 16's passes) -----------------------------------

    /**
     * Records an inode's state for the next checkpoint (any thread). Call it once the bytes the
     * state describes are written to the outputs: the checkpoint makes them durable before it
     * appends the record, so the map never says more than the disk holds.
     */
    public void inodeState(MapState.InodeState s) { inodeRecords.add(s); }

    /** Records an inode's ranges and their ddrescue status for the next checkpoint, as {@link #inodeState}. */
    public void blocks(MapState.InodeBlocks b) { inodeRecords.add(b); }

    /**
     * Records the state of a pending inode of a rescue in passes, as {@link #inodeState}: from
     * now on its first path's entry counts as complete once the sink is done with it (until
     * then nothing after it did: a stop resumed from it). The state goes into the checkpoint
     * that first counts the entry, or an earlier one.
     */
    public void pendingState(MapState.InodeState s, byte[] firstPath) {
        inodeRecords.add(s);
        pendingStates.add(Names.latin1(firstPath));
    }

    /** Runs r in each checkpoint once the complete entries are counted, before the inode records are written. */
    public void beforeInodeRecords(Runnable r) { beforeInodeRecords.add(r); }

    /**
     * An inode the rescue records as it stands though passes left out of this run could still
     * settle it: its damaged record and the problems reported of its first path from now on stay
     * out of the map, and the map stays when the run completes, so that --resume settles it.
     */
    public void leftOpen(long dev, long ino, byte[] firstPath) {
        open.put(new MapState.InodeKey(dev, ino), Names.latin1(firstPath));
    }

    /** Whether the run completed with inodes left open for a later run (the map stays for --resume). */
    public boolean keptForLaterPasses() { return completed && !open.isEmpty(); }

    /** Inodes left open for a later run. */
    public int leftOpen() { return open.size(); }

    /**
     * A checkpoint if one is due, from the thread that runs the later passes of a rescue (after
     * the sink's last entry, before its finish: nothing else writes checkpoints then).
     */
    public void checkpointIfDue() {
        if (finished || closedFinal || System.nanoTime() - nextDue < 0) return;
        try {
            checkpoint(false);
        } catch (IOException e) {
            // The outputs cannot be marked now: the next checkpoint, or the final one, tries again.
        }
    }

    /** The rescue's phase (ddrescue's character: '?' copying, '*' trimming, '/' scraping, '-' retrying, '+' finished) and pass, from the next checkpoint on. */
    public void phase(char phase, int pass) {
        if ("?*/-+".indexOf(phase) < 0 || pass < 1) throw new IllegalArgumentException("phase '" + phase + "' pass " + pass);
        this.phase = phase;
        this.pass = pass;
    }

    /** The rescue report whose damaged inodes go into the map (migrate, archive). */
    public Checkpoints withRescue(RescueReport r) {
        this.rescue = r;
        return this;
    }

    /** Entries finished (in this rescue, all runs): what a problem reported now is tagged with. */
    private volatile long finishedNow;

    private void problem(ProblemLog.Problem p) {
        // A fatal stop (a full target) is this run's, not the rescue's: a resume goes on past it.
        if (p.grade() == Grade.FATAL) return;
        // The line of an inode left open is this run's word only: the run that settles it says its own.
        if (p.path() != null && !open.isEmpty() && open.containsValue(Names.latin1(p.path()))) return;
        tagged.add(new Tagged(finishedNow, p, null, null));
    }

    /** An entry an archive marks as damaged or spliced (extract's report lists them). */
    public void marked(byte[] path, Provenance p) {
        tagged.add(new Tagged(finishedNow, null, path.clone(), p));
    }

    // ---- the sink -----------------------------------------------------------------------------

    @Override
    public void accept(Entry e, Content c) throws IOException {
        inner.accept(e, c);
        hold(e, c);
        // Not a hard link to a pending file itself: the stream tells of its path (which the
        // inode's state must keep) only once accept has returned. Only then: an archive's mark
        // records the bytes of every entry written, and the count must say the same.
        if (!pendingStates.isEmpty() && e.type() == EntryType.HARDLINK
                && pendingStates.contains(Names.latin1(e.linkTarget()))) foldLimit = base + accepted;
        accepted++;
        try {
            // What is complete already is counted now and then, so only the entries in flight are
            // held, and the events of those counted become text at once: kept as objects until the
            // checkpoint, a link farm's events outlived every young collection (+21 MB copied and
            // old, 5,000 more first-touch page faults in a 228k-path run).
            if (pending.size() >= FOLD_AT && accepted % DRAIN_EVERY == 0) {
                fold(base + outputs.completed());
                drain();
            }
            if (System.nanoTime() - nextDue >= 0) checkpoint(false);
        } finally {
            foldLimit = Long.MAX_VALUE;
        }
    }

    private void hold(Entry e, Content c) {
        Entry small = withoutExtra(e);
        if (c == null) {
            pending.add(small, 0, 0, false, false, null);
            return;
        }
        // Not settled yet, or fed by the sink's data threads later (no Retainable: its provenance,
        // pending for a rescue in passes, is known only once read): looked at once complete.
        if (!Retainable.settled(c) || c.as(Retainable.class) == null) {
            pending.add(small, c.size(), 0, false, false, c);
            return;
        }
        Provenance p = c.provenance();
        pending.add(small, c.size(), fromSource(c.size(), p), p.damaged(), p.pending(), null);
    }

    /** Extra records are not kept: a directory's come with the sink's {@link #directory} event. */
    private static Entry withoutExtra(Entry e) { return e.extra().isEmpty() ? e : e.withExtra(Map.of()); }

    private static long fromSource(long size, Provenance p) {
        if (p.ranges().isEmpty()) return size;
        long n = 0;
        for (Provenance.Range r : p.ranges()) if (r.origin().equals("source")) n += r.length();
        return n;
    }

    /** What completes a run once its sink has finished, before the map goes (an archive's rename to its name). */
    public interface Completion {
        void run() throws IOException;
    }

    private final List<Completion> completions = new ArrayList<>();
    private boolean finished;

    /** Runs c once the sink has finished, before the map is removed. */
    public Checkpoints onComplete(Completion c) {
        completions.add(c);
        return this;
    }

    /** Neither counted nor checkpointed: the stopped run's entries, which the map has already. */
    @Override
    public void writtenAbove(Entry dir) throws IOException { inner.writtenAbove(dir); }

    /**
     * Finishes the sink; then the run is complete and the map goes. A disk sink tells first
     * ({@link #entriesDone}) that every entry is done, which the map records, so a run killed
     * while it sets directory metadata resumes with nothing to read; the map goes just before
     * the root's own metadata ({@link #beforeRoot}: removing it changes the root's mtime).
     */
    @Override
    public void finish() throws IOException {
        laterPassesDone = true; // the source settled what it left pending before the sink's finish
        inner.finish();
        complete();
        finished = true;
    }

    private boolean completed;
    private volatile boolean laterPassesDone;

    /** The file the sink made (or holds) for path, for the late bytes of a rescue in passes. */
    @Override
    public PendingFile reopen(byte[] path, Stat scanned) throws IOException {
        return inner instanceof PendingFiles f ? f.reopen(path, scanned) : null;
    }

    private void complete() throws IOException {
        if (completed) return;
        completed = true;
        for (Completion c : completions) c.run();
        if (open.isEmpty()) map.remove(); // else it holds what a --resume with every pass settles
    }

    @Override
    public void entriesDone() throws IOException {
        awaitWriting();
        checkpoint(false);
        awaitWriting();
        IOException f = writeFailure;
        if (f != null) throw f;
    }

    @Override
    public void beforeRoot() throws IOException { complete(); }

    /**
     * The run stopped (or failed): what the sink had in flight settles (soon: the stop reaches
     * it too), the last checkpoint is written, then the sink is closed. A map that records no
     * entry done is removed: the next run simply starts over.
     */
    @Override
    public void close() throws IOException {
        if (finished || map.removed()) {
            inner.close();
            return;
        }
        try {
            outputs.quiesce();
            checkpoint(true);
            // Nothing done: nothing to resume, and the map alone would keep an empty TARGET alive.
            if (entriesWritten == 0) map.remove();
        } finally {
            inner.close();
            map.close();
        }
    }

    private void awaitWriting() throws InterruptedIOException {
        if (writing == null) return;
        try {
            writing.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the rescue map was written");
        }
    }

    @Override
    public void linkEvent(long entry, Evacuation.LinkChange change, long dev, long ino, int nlink, byte[] path) {
        linkEvents.add(entry, change, dev, ino, nlink, path);
    }

    @Override
    public void fillStarts(long first) { fillEvents.add(new long[] {first, Long.MAX_VALUE}); }

    @Override
    public void fillEnds(long end) { fillEvents.add(new long[] {-1, end}); }

    @Override
    public void made(long entry, long dev, long ino) { sinkEvents.add(new Event(base + entry, dev, ino, null, null, null)); }

    @Override
    public void directory(long entry, Entry e) { sinkEvents.add(new Event(base + entry, 0, 0, null, null, e)); }

    @Override
    public void implicitDir(byte[] path, int depth) { sinkEvents.add(new Event(-1, depth, 0, path.clone(), null, null)); }

    @Override
    public void copy(long entry, byte[] named, byte[] copy) { sinkEvents.add(new Event(base + entry, 0, 0, named.clone(), copy.clone(), null)); }

    /** Entries complete and in the map so far (all runs). */
    public long entriesInMap() { return entriesWritten; }

    /** The totals of those entries (all runs), the time counted up to now. */
    public MapState.Totals totalsInMap() {
        MapState.Totals t = totalsWritten;
        return new MapState.Totals(t.paths(), t.files(), t.hardLinks(), t.dirs(), t.symlinks(), t.specials(), t.bytes(),
                t.inodesRead(), t.damagedInodes(), elapsedBefore + (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** Bytes read off SOURCE by this run for the entries in the map. */
    public long sourceBytesInMapThisRun() { return rescueBytes - rescueBytesAtStart; }

    /** Entries handed to the sink in this run (complete or not). */
    public long entriesAccepted() { return accepted; }

    // ---- checkpoints --------------------------------------------------------------------------

    private boolean closedFinal;

    /**
     * Writes a checkpoint. Periodic ones skip their turn while the last is still being written;
     * the final one waits for it and writes on this thread.
     */
    private void checkpoint(boolean last) throws IOException {
        if (closedFinal) return;
        if (writing != null && writing.isAlive()) {
            if (!last) {
                nextDue = System.nanoTime() + intervalNanos / 4;
                return;
            }
            awaitWriting();
        }
        if (last) closedFinal = true;
        Checkpointable.Mark mark;
        try {
            mark = outputs.mark();
        } catch (IOException e) {
           
            if (!last) throw e;
            // The outputs cannot say more than the last checkpoint did: that one stands.
            return;
        }
        StringBuilder group = new StringBuilder(carry);
        carry.setLength(0);
        records(group, base + mark.completed(), mark);
        String text = group.toString();
        long entries = done;
        MapState.Totals totals = pendingTotals;
        Runnable write = () -> {
            try {
                mark.sync().run();
                map.append(text);
                entriesWritten = entries;
                totalsWritten = totals;
                writeFailure = null;
            } catch (IOException e) {
                synchronized (carry) {
                    carry.insert(0, text.substring(0, text.lastIndexOf("status ")));
                }
                writeFailure = e;
            }
        };
        if (last) {
            write.run();
        } else {
            writing = new Thread(write, "linkrescue-checkpoint");
            writing.setDaemon(true);
            writing.start();
        }
        nextDue = System.nanoTime() + intervalNanos;
        IOException f = writeFailure;
        if (f != null && !mapFailedSaid && problemLog != null) {
            mapFailedSaid = true;
            problemLog.report(Grade.WARN, null, "the rescue map '" + map.shown() + "' cannot be written (" + f.getMessage()
                    + "): a stop now would resume from its last checkpoint");
        }
    }

    /** Counts in the entries complete up to now (entry numbers below it), oldest first. */
    private void fold(long now) {
        now = Math.min(outsideFills(now), foldLimit);
        while (!pending.isEmpty() && done < now) {
            if (pending.unsettled() != null && !Retainable.settled(pending.unsettled())) break; // cannot be: the sink said complete
            // A file whose bad areas a rescue in passes settles after the stream is complete once
            // its state is on its way into the map (a resumed run's later passes take it over);
            // without one it is not, nor is anything after it: a stop resumes from it.
            boolean stateKept = !pendingStates.isEmpty() && pending.entry().type() == EntryType.FILE
                    && pendingStates.contains(Names.latin1(pending.entry().path()));
            if (!laterPassesDone && !stateKept
                    && (pending.later() || pending.unsettled() != null && pending.unsettled().provenance().pending())) break;
            Entry e = pending.entry();
            paths++;
            switch (e.type()) {
                case FILE -> {
                    files++;
                    bytes += pending.bytes();
                    inodesRead++;
                    boolean damaged = pending.damaged();
                    long src = pending.fromSource();
                    if (pending.unsettled() != null) {
                        Provenance pv = pending.unsettled().provenance();
                        damaged = pv.damaged();
                        src = fromSource(pending.bytes(), pv);
                    }
                    if (damaged) damagedInodes++;
                    if (!stateKept) { // a pending inode is counted by the rescue once settled, with its damaged record
                        rescueInodes++;
                        rescueBytes += src;
                    }
                }
                case HARDLINK -> hardLinks++;
                case DIRECTORY -> dirs++;
                case SYMLINK -> symlinks++;
                default -> specials++;
            }
            last = e.path();
            pending.poll();
            done++;
        }
    }

    /**
     * now, or the first entry of the fill from the alternates that now would end inside: a
     * resumed scan cannot go on inside a directory the drive still cannot list, so the run is
     * counted finished before the whole fill or after it, never within (a resume makes it again).
     */
    private long outsideFills(long now) {
        long[] ev;
        while ((ev = fillEvents.poll()) != null) {
            if (ev[0] >= 0) fills.add(ev);
            else fills.peekLast()[1] = ev[1];
        }
        passFills();
        if (fills.isEmpty()) return now;
        for (long[] f : fills) {
            if (now <= f[0]) return now;
            if (now < f[1]) return f[0];
        }
        return now;
    }

    /** Forgets the fills the entries done have passed, counting them. */
    private void passFills() {
        while (!fills.isEmpty() && fills.peek()[1] <= done) {
            fills.poll();
            fillsPassed++;
        }
    }

    /** Appends the records of the entries finished since the last checkpoint, up to now. */
    private void records(StringBuilder sb, long now, Checkpointable.Mark mark) {
        long t = System.nanoTime();
        // Read before the inode records: a rescue sets a later pass only once every state of the
        // pass before is queued, so the pass written never runs ahead of the states written.
        char phaseNow = phase;
        int passNow = pass;
        // Implicit directories first: a later explicit entry of the same directory wins on replay, as it did here.
        for (Iterator<Event> it = sinkEvents.iterator(); it.hasNext(); ) {
            Event ev = it.next();
            if (ev.entry() < 0) {
                MapRecords.implicit(sb, ev.path(), (int) ev.dev());
                it.remove();
            }
        }
        fold(now);
        finishedNow = done;
        sb.append(ready);
        ready.setLength(0);
        drainInto(sb);
        links.flush(sb);
        // Problems and marks of finished entries.
        Tagged tg;
        while ((tg = tagged.poll()) != null) waiting.add(tg);
        for (Iterator<Tagged> it = waiting.iterator(); it.hasNext(); ) {
            Tagged x = it.next();
            if (!finished(x)) continue;
            it.remove();
            if (x.problem() != null) MapRecords.problem(sb, x.problem());
            else MapRecords.mark(sb, x.markPath(), x.mark());
        }
        for (Runnable r : beforeInodeRecords) r.run();
        Object x;
        while ((x = inodeRecords.poll()) != null) {
            if (x instanceof MapState.InodeState st) MapRecords.inodeState(sb, st);
            else MapRecords.blocks(sb, (MapState.InodeBlocks) x);
        }
        // After a pass's states: the blocks of an inode settled now are its damaged record's.
        if (rescue != null) damage(sb);
        long elapsed = elapsedBefore + (t - startNanos) / 1_000_000;
        MapState.Totals totals = new MapState.Totals(paths, files, hardLinks, dirs, symlinks, specials, bytes, inodesRead,
                damagedInodes, elapsed);
        pendingTotals = totals;
        MapRecords.totals(sb, totals);
        if (rescue != null) {
            MapRecords.rescue(sb, new MapState.RescueTotals(rescueInodes + leftOutDone, rescueBytes, abandonedBefore + rescue.abandonedReadsThisRun()));
        }
        for (Map.Entry<String, Checkpointable.Output> o : mark.outputs().entrySet()) {
            MapRecords.output(sb, o.getKey(), new MapState.OutputMark(o.getValue().offset(), o.getValue().tarBytes()));
        }
        MapRecords.status(sb, done, last, phaseNow, passNow);
    }

    private boolean finished(Tagged x) {
        if (order == Order.WALK) {
            byte[] p = x.path();
            return p == null || WalkOrder.done(p, last);
        }
        return x.finishedThen() < done;
    }

    private long leftOutDone;
    /** The totals the checkpoint being written records. */
    private MapState.Totals pendingTotals;

    /**
     * Damaged inodes whose first path is finished, and their later paths that are; directories
     * and names that could not be read, once all that was filled for them is (a fill is never
     * cut: see {@link #outsideFills}). By the fills passed, not by path: a resumed run's fill of
     * a directory its stopped run was inside comes after the point, the directory's path before.
     */
    private void damage(StringBuilder sb) {
        List<Alternates.Unreadable> unreadable = rescue.unreadable();
        passFills();
        while (unreadableWritten < Math.min(unreadable.size(), unreadableBefore + fillsPassed)) {
            MapRecords.unreadable(sb, unreadable.get(unreadableWritten++));
        }
        for (DamagedInodeRecord r : rescue.records()) {
            List<byte[]> paths = r.paths();
            if (paths.isEmpty() || !WalkOrder.done(paths.get(0), last)) continue;
            MapState.InodeKey k = new MapState.InodeKey(r.devId(), r.ino());
            if (open.containsKey(k)) continue; // not settled: a later run does, and records it
            Integer written = damagedWritten.get(k);
            int from = written == null ? 0 : written;
            if (written == null) {
                MapRecords.damaged(sb, r);
                if (r.leftOut()) leftOutDone++;
                else if (pendingStates.contains(Names.latin1(paths.get(0)))) { // not counted when its entry was
                    rescueInodes++;
                    long bad = 0;
                    for (ByteRange b : r.badRanges()) bad += b.length();
                    rescueBytes += r.size() - bad;
                }
            }
            int n = from;
            for (int i = from; i < paths.size() && WalkOrder.done(paths.get(i), last); i++, n++) {
                MapRecords.path(sb, r.devId(), r.ino(), paths.get(i));
            }
            damagedWritten.put(k, n);
        }
        for (RescueReport.Unverifiable u : rescue.unverifiable()) {
            List<byte[]> paths = u.paths();
            if (paths.isEmpty() || !WalkOrder.done(paths.get(0), last)) continue;
            MapState.InodeKey k = new MapState.InodeKey(u.devId(), u.ino());
            Integer written = unverifiableWritten.get(k);
            if (written == null) MapRecords.unverifiable(sb, u);
            int n = written == null ? 0 : written;
            for (int i = n; i < paths.size() && WalkOrder.done(paths.get(i), last); i++, n++) {
                MapRecords.unverifiablePath(sb, u.devId(), u.ino(), paths.get(i));
            }
            unverifiableWritten.put(k, n);
        }
    }

    private final Map<MapState.InodeKey, Integer> unverifiableWritten = new HashMap<>();

    /** Entries counted in at the last drain. */
    private long drainedAt = -1;

    /**
     * Turns the events of the entries counted in so far into records of the next checkpoint.
     * Only when more were counted in: while a file a rescue in passes settles later holds the
     * count back, the sink's events after it pile up, and each drain would walk them all.
     */
    private void drain() {
        if (done == drainedAt) return;
        drainedAt = done;
        drainInto(ready);
    }

    /**
     * The link table's changes and the sink's records (not its implicit directories: those lead
     * the checkpoint) of the entries counted in, as records.
     */
    private void drainInto(StringBuilder sb) {
        linkEvents.applyBelow(done, links, sb);
        sinkRecords(sb);
    }

    /** The disk sink's records of finished entries: directories, separate copies, objects made (several a line). */
    private void sinkRecords(StringBuilder sb) {
        long dev = -1;
        long[] inos = new long[32];
        int n = 0;
        for (Iterator<Event> it = sinkEvents.iterator(); it.hasNext(); ) {
            Event ev = it.next();
            if (ev.entry() < 0 || ev.entry() >= done) continue;
            it.remove();
            if (ev.dir() != null) {
                MapRecords.dir(sb, ev.dir());
                continue;
            }
            if (ev.copy() != null) {
                MapRecords.copy(sb, ev.path(), ev.copy());
                continue;
            }
            if (ev.dev() != dev || n == inos.length) {
                if (n > 0) MapRecords.made(sb, dev, inos, 0, n);
                dev = ev.dev();
                n = 0;
            }
            inos[n++] = ev.ino();
        }
        if (n > 0) MapRecords.made(sb, dev, inos, 0, n);
    }
}
