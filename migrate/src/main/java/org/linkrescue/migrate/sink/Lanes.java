package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.migrate.concurrent.Handoff;
import org.linkrescue.migrate.stream.Content;

/**
 * Threads that make the target's entries side by side, each in directories of its own: the
 * disk sink's lanes. On a snapshot tree nearly every path is a hard link, and a thread making
 * links cannot go faster than the kernel makes them in one directory at a time (one thread's
 * mkdir and link for a 422,275-path tree: 3.2-3.8 s, already 0.8 of the tar pipe's time), while
 * two threads in different directories make them almost twice as fast.
 *
 * <p>The calling thread hands out the entries in stream order ({@link #dispatch}); which lane
 * takes one, and which earlier entries of other lanes it waits for, is {@link LaneMap}'s rule:
 * within one directory everything is made in stream order on one lane, and across lanes an
 * entry waits for whatever it depends on (its parent's mkdir, a same-named entry before it, a
 * hard link's target), so the tree, the refusals and the link partition come out as one thread
 * makes them. Each lane is an {@link EntryWriter}, with walk cursors and link-directory cache of
 * its own. A file whose bytes must be consumed before the caller reads on (a content that
 * cannot be kept past accept) is waited for before dispatch returns.
 *
 * <p>Failures: the first one on any lane (a full or failing target, a content's own failure)
 * stops every lane (entries still queued are skipped, their data handles closed) and is thrown
 * by the next dispatch, {@link #awaitIdle} or {@link #finish}. Problems of single entries are
 * reported by the lane that meets them, so their lines may come in another order than the
 * entries'.
 *
 * <p>Not guaranteed: that the entries of different lanes are made in stream order relative to
 * each other (only what one depends on is); that {@link DiskSink#counts} or the problems
 * reported are complete before {@link #awaitIdle}.
 */
final class Lanes implements AutoCloseable {
    /** Entries queued per lane: about 10 ms of links. */
    private static final int QUEUE = 2048;
    /** Longest a sleeping lane's few entries wait before it is woken for them; the dispatcher's wait for room at a time. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1), ROOM_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Entries ready that wake a sleeping lane at once: a directory's worth (a leaf of a snapshot
     * tree holds about a hundred), so a lane that ran dry starts on its next directory soon,
     * at one wake-up per few dozen entries rather than one per entry.
     */
    private static final int WAKE_AT = 32;
    private static final Item END = new Item(-1, null, null, null, null, false, false, false, -1, 0, -1, 0);
    /** Directories the map keeps at most beyond those with work still queued (see {@link LaneMap}). */
    private static final int MAX_KNOWN = 1 << 14;

    /**
     * One entry for a lane: its number, its data (owned: a handle the lane closes), what it
     * waits for. awaited: the dispatcher waits for it (its content is the caller's); then a
     * failure of that content is this entry's alone, thrown to the caller as it came.
     */
    private static final class Item {
        final long seq;
        final Entry entry;
        final SafePath path, target;
        final Content content;
        final boolean owned, reads, awaited;
        final int waitLane1, waitLane2;
        final long waitSeq1, waitSeq2;
        /** The content's own failure, for the dispatcher (published by the lane's done). */
        IOException contentFailed;

        Item(long seq, Entry entry, SafePath path, SafePath target, Content content, boolean owned, boolean reads,
             boolean awaited, int waitLane1, long waitSeq1, int waitLane2, long waitSeq2) {
            this.seq = seq;
            this.entry = entry;
            this.path = path;
            this.target = target;
            this.content = content;
            this.owned = owned;
            this.reads = reads;
            this.awaited = awaited;
            this.waitLane1 = waitLane1;
            this.waitSeq1 = waitSeq1;
            this.waitLane2 = waitLane2;
            this.waitSeq2 = waitSeq2;
        }
    }

    private final Lane[] lanes;
    /** Entries handed to each lane, and the number of each lane's last; the dispatcher's only. */
    private final long[] put, last;
    private final LaneMap map;
    /** Who waits for which lane to reach which entry: a slot per lane, and one for the dispatcher. */
    private final Waiter[] waiters;
    private long next; // the next entry's number; the dispatcher's only
    /** Entries not complete because the lanes stopped (skipped, or failed the run); shared with the data threads. */
    private final SinkProgress sinkProgress;
    private volatile Throwable failure;
    private volatile boolean stopped;
    private boolean ended;

    Lanes(EntryWriter[] writers, SinkProgress progress) {
        this.sinkProgress = progress;
        if (writers.length > TICKET_LANES) throw new IllegalArgumentException(writers.length + " lanes");
        this.lanes = new Lane[writers.length];
        this.put = new long[writers.length];
        this.last = new long[writers.length];
        Arrays.fill(last, -1);
        this.waiters = new Waiter[writers.length + 1];
        for (int i = 0; i < waiters.length; i++) waiters[i] = new Waiter();
        for (int i = 0; i < writers.length; i++) lanes[i] = new Lane(i, writers[i]);
        this.map = new LaneMap(writers.length, new LaneMap.Load() {
            @Override public long pending(int lane) { return put[lane] - lanes[lane].progress.made; }
            @Override public long done(int lane) { return lanes[lane].progress.done; }
        }, MAX_KNOWN);
        for (Lane l : lanes) l.thread.start();
    }

    /**
     * Hands entry e to its lane. p: its cleaned path, null when it does not parse (the lane
     * refuses it); target: a hard link's cleaned target, or null. content: a handle the lane
     * owns and closes (owned; reads: it reads its bytes off the drive as they are written), or
     * the caller's content, which is consumed before this returns. Returns a ticket for
     * {@link #awaitMade}.
     *
     * @throws IOException a lane failed on an earlier entry (or, waiting for content, on this one)
     */
    long dispatch(Entry e, SafePath p, SafePath target, Content content, boolean owned, boolean reads) throws IOException {
        try {
            rethrow();
        } catch (IOException | RuntimeException | Error stopped) {
            if (owned) closeQuietly(content); // it never reaches a lane, which would have closed it
            throw stopped;
        }
        long seq = next++;
        map.place(seq, p, e.type() == EntryType.DIRECTORY, target);
        Lane lane = lanes[map.lane];
        boolean awaited = content != null && !owned;
        Item it = new Item(seq, e, p, target, content, owned, reads, awaited, map.waitLane1, map.waitSeq1, map.waitLane2, map.waitSeq2);
        put[lane.index]++;
        last[lane.index] = seq;
        long done = lane.progress.done;
        while (!lane.given.isEmpty() && lane.given.peekFirst() <= done) lane.given.pollFirst(); // bounded by the queue
        lane.given.addLast(seq);
        while (!lane.queue.put(it, ROOM_WAIT_NANOS)) {
            boolean ended = !lane.thread.isAlive();
            if (ended || Thread.interrupted()) {
                if (owned) closeQuietly(content);
                if (ended) throw new IllegalStateException("lane " + lane.index + " ended");
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
        if (awaited) {
            await(waiters[lanes.length], lane.index, seq); // the caller reads on only once its bytes are in
            rethrow();
            if (it.contentFailed != null) throw it.contentFailed;
        }
        return seq * TICKET_LANES + lane.index;
    }

    /** Lanes a ticket can name. */
    private static final int TICKET_LANES = 64;

    /**
     * The number of the oldest entry handed out that a lane has not made yet, or the next entry's
     * when every lane is done with what it was given. The dispatcher's only.
     */
    long oldestNotMade() {
        long oldest = next;
        for (Lane l : lanes) {
            long done = l.progress.done;
            while (!l.given.isEmpty() && l.given.peekFirst() <= done) l.given.pollFirst();
            if (!l.given.isEmpty()) oldest = Math.min(oldest, l.given.peekFirst());
        }
        return oldest;
    }

    /** Waits until the entry dispatch gave ticket for is made (or skipped, stopped). */
    void awaitMade(long ticket) {
        await(waiters[lanes.length], (int) (ticket % TICKET_LANES), ticket / TICKET_LANES);
    }

    /**
     * Waits until every lane has made (or, stopped, skipped) every entry handed out so far.
     *
     * @throws IOException the first failure on any lane
     */
    void awaitIdle() throws IOException {
        for (Lane l : lanes) await(waiters[lanes.length], l.index, last[l.index]);
        rethrow();
    }

    /** Lets every lane finish and end; then the writers are the caller's again (settle, close). */
    void finish() throws IOException {
        end();
        rethrow();
    }

    /** Stops the lanes: what is queued is skipped (data handles closed), and the threads end. Idempotent. */
    @Override
    public void close() {
        stopped = true;
        end();
    }

    private void end() {
        if (ended) return;
        ended = true;
        boolean interrupted = Thread.interrupted(); // the lanes are ended all the same
        for (Lane l : lanes) {
            while (!l.queue.put(END, ROOM_WAIT_NANOS)) {
                if (!l.thread.isAlive()) break;
            }
            l.queue.nudge();
        }
        for (Lane l : lanes) {
            while (l.thread.isAlive()) {
                try {
                    l.thread.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the lanes end soon: each entry is bounded by the target's calls
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t == null) return;
        if (t instanceof IOException io) throw io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        throw new IOException(t);
    }

    private void fail(Throwable t) {
        if (failure == null) failure = t; // the first one is the run's; the lanes after it only skip
        stopped = true;
    }

    /**
     * Waits, as waiter w, until lane l has made entry seq (or skipped it, stopped): woken by
     * that lane as it passes seq. Lanes never stop before their end, and skip once stopped, so
     * the wait ends; an interrupt is kept for the caller, not taken for an end.
     */
    private void await(Waiter w, int l, long seq) {
        Lane lane = lanes[l];
        Progress progress = lane.progress;
        if (progress.done >= seq) return;
        lane.queue.nudge(); // a lane asleep over a short queue would otherwise wait out the linger
        w.lane = l;
        w.seq = seq;
        w.thread = Thread.currentThread(); // after lane and seq: a lane that sees the thread sees them
        boolean interrupted = false;
        while (progress.done < seq) {
            LockSupport.park(this);
            if (Thread.interrupted()) interrupted = true;
        }
        w.thread = null;
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * A lane's entries made (or skipped) and the number of the last, written by the lane alone,
     * each in a cache line of its own: on a line with anything the dispatcher writes or reads per
     * entry, every entry would move that line between the two cores twice.
     */
    @SuppressWarnings("unused")
    private static final class Progress {
        long p0, p1, p2, p3, p4, p5, p6;
        volatile long made, done = -1;
        long q0, q1, q2, q3, q4, q5, q6;
    }

    /** A thread waiting for a lane: woken by that lane once it has made the entry waited for. */
    private static final class Waiter {
        volatile Thread thread;
        volatile int lane;
        volatile long seq;
    }

    private final class Lane implements Runnable {
        final int index;
        final EntryWriter writer;
        final Handoff<Item> queue = new Handoff<>(QUEUE, WAKE_AT, LINGER_NANOS);
        final Thread thread;
        /** Written by this lane only. */
        final Progress progress = new Progress();
        /** The numbers of the entries handed to this lane and perhaps not made yet, oldest first; the dispatcher's only. */
        final SeqQueue given = new SeqQueue();

        Lane(int index, EntryWriter writer) {
            this.index = index;
            this.writer = writer;
            this.thread = new Thread(this, "linkrescue-lane");
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                Item it;
                try {
                    it = queue.take();
                } catch (InterruptedException e) {
                    fail(new InterruptedIOException("lane interrupted"));
                    continue; // END still comes
                }
                if (it == END) return;
                try {
                    if (it.waitLane1 >= 0) await(waiters[index], it.waitLane1, it.waitSeq1);
                    if (it.waitLane2 >= 0) await(waiters[index], it.waitLane2, it.waitSeq2);
                    if (!stopped) {
                        writer.write(it.seq, it.path, it.target, it.entry, it.content, it.owned, it.reads);
                    } else {
                        sinkProgress.abandoned(it.seq);
                        if (it.owned) closeQuietly(it.content);
                    }
                } catch (TargetWriteException t) {
                    sinkProgress.abandoned(it.seq);
                    fail(t);
                } catch (IOException t) {
                    sinkProgress.abandoned(it.seq);
                    // The producer's own failure: with the caller waiting, for it to handle (the
                    // sink stays usable, as with one lane); else it ends the run.
                    if (it.awaited) it.contentFailed = t;
                    else fail(t);
                } catch (Throwable t) {
                    sinkProgress.abandoned(it.seq);
                    fail(t);
                } finally {
                    progress.made = progress.made + 1;
                    progress.done = it.seq;
                    wake(index, it.seq);
                }
            }
        }
    }

    /** Wakes whoever waits for lane l to reach seq. */
    private void wake(int l, long seq) {
        for (Waiter w : waiters) {
            Thread t = w.thread;
            if (t != null && w.lane == l && w.seq <= seq) LockSupport.unpark(t);
        }
    }

    private static void closeQuietly(Content c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException ignored) {
            // the run is stopping: a handle on bytes in memory has nothing left to lose
        }
    }
}
