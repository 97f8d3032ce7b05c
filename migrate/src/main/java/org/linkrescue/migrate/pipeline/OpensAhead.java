package org.linkrescue.migrate.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.LinkTable;
import org.linkrescue.migrate.stream.ContentSource;

/**
 * Starts the opens of files that wait behind the open in flight, a run of them per hand-off to
 * the read worker, so the drive answers several at once. One open at a time cost the scan, and
 * the worker, a sleep and a wake-up per file: in a snapshot's first copy (a file every few
 * paths) that was about 60,000 context switches for 28,000 files on two cores.
 *
 * Only a path certain to be the first of its inode is opened ahead: a regular file with one
 * link, or one whose inode the link table does not know and that no earlier waiting path
 * shares. Entries still go out in scan order; only the opens run early. Opens are finished in
 * the order they were started (the oldest is always the next entry out).
 */
final class OpensAhead {
    /** Files per run: enough to cut the hand-offs to a few percent, few enough to start reading soon. */
    static final int RUN_FILES = 16;
    /** Small files' bytes per run: about what a read worker's buffer holds (1 MiB) for their early read. */
    static final long RUN_BYTES = 1 << 20;

    private final ContentSource source;
    private final LinkTable links;
    private final int max;
    private final long readUpTo;
    /** Runs started ahead with a path still waiting. */
    private int runs;
    /** Small files' bytes of the run being collected (members, not yet started). */
    private long bytes;
    /** The run being collected was to start (flush) while max runs were out: it starts as soon as one is free. */
    private boolean due;
    private final List<ContentSource.OpenRequest> requests = new ArrayList<>(RUN_FILES);
    private final List<SourceStream.Waiting> members = new ArrayList<>(RUN_FILES);
    /** Waiting paths not looked at yet, in scan order (a suffix of the waiting queue). */
    private final ArrayDeque<SourceStream.Waiting> unseen = new ArrayDeque<>();
    /** Inodes of linked files looked at and not yet taken, by key: a second path in the window is not the first. */
    private final Map<Long, Integer> linkedAhead = new HashMap<>();

    /** @param max runs of opens started ahead at once, besides the open in flight (0: none) */
    OpensAhead(ContentSource source, LinkTable links, int max, long readUpTo) {
        this.source = source;
        this.links = links;
        this.max = max;
        this.readUpTo = readUpTo;
    }

    /** A path joined the waiting queue. */
    void queued(SourceStream.Waiting w) {
        if (max > 0) unseen.add(w);
    }

    /**
     * Collects the next waiting files into a run and starts it once it is full (RUN_FILES or
     * RUN_BYTES), or with what it holds when flush is true, unless max runs are out. A run is
     * not started short while the scan goes on: on a healthy drive an open answers before the
     * scan meets the next file, so starting at once made a run of every file of a later snapshot
     * (a new file among links), each a hand-off to the worker and two wake-ups.
     */
    void start(boolean flush) {
        if (max == 0) return;
        boolean full = collect();
        if (!(full || flush || due) || members.isEmpty()) return;
        if (runs < max) launch();
        else due = true;
    }

    /**
     * Whether w, the front of the waiting queue, is a file to open that waits for its run to
     * start ({@link #start}): collected, or not looked at yet and the first path of its file.
     */
    boolean awaitsRun(SourceStream.Waiting w) {
        if (w.opening != null || max == 0) return false;
        return w.collected || (unseen.peek() == w && firstPathOfFile(w.path.stat(), links));
    }

    /** Adds waiting files to the run being collected; true once it is full. */
    private boolean collect() {
        SourceStream.Waiting w;
        while (members.size() < RUN_FILES && (w = unseen.peek()) != null) {
            Stat st = w.path.stat();
            if (st.isRegular() && st.size() <= readUpTo && bytes + st.size() > RUN_BYTES && !members.isEmpty()) return true;
            unseen.poll();
            if (!firstPathOfFile(st, links)) continue; // not a file, or a later path: linked, not opened
            if (st.nlink() > 1) {
                w.counted = true;
                if (linkedAhead.merge(key(st), 1, Integer::sum) > 1) continue; // an earlier waiting path has it
            }
            if (st.size() <= readUpTo) bytes += st.size();
            w.collected = true;
            members.add(w);
            requests.add(new ContentSource.OpenRequest(w.path.path(), w.path.parentFd(), w.path.name(), st));
        }
        return members.size() >= RUN_FILES;
    }

    private void launch() {
        List<ContentSource.Opening> opened = source.startOpens(requests, readUpTo);
        int[] left = {members.size()};
        for (int i = 0; i < members.size(); i++) {
            SourceStream.Waiting w = members.get(i);
            w.opening = opened.get(i);
            w.collected = false;
            w.run = left;
        }
        runs++;
        clearCollected();
    }

    /** The run being collected is given up with the waiting queue (the run is ending): nothing of it was started. */
    void abandon() {
        for (SourceStream.Waiting w : members) w.collected = false;
        clearCollected();
        unseen.clear();
    }

    /** Empties the run being collected (started, or given up). */
    private void clearCollected() {
        members.clear();
        requests.clear();
        bytes = 0;
        due = false;
    }

    /** w leaves the front of the waiting queue to be processed (its open, if any, becomes the one in flight). */
    void taken(SourceStream.Waiting w) {
        if (unseen.peek() == w) unseen.poll();
        if (w.run != null && --w.run[0] == 0) runs--;
        if (w.counted) {
            Stat st = w.path.stat();
            linkedAhead.computeIfPresent(key(st), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * Whether st is a regular file whose data is written at its path: its only link, or the
     * first path of its inode the link table has seen (judged before the path is recorded).
     */
    static boolean firstPathOfFile(Stat st, LinkTable links) {
        return st.isRegular() && (st.nlink() <= 1 || !links.knows(st.devId(), st.ino()));
    }

    /** Keys may collide: a collision only means an open is not started early. */
    private static long key(Stat st) {
        return st.ino() * 0x9E3779B97F4A7C15L ^ st.devId();
    }
}
