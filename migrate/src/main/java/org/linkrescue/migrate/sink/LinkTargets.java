package org.linkrescue.migrate.sink;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.migrate.fs.Stat;

/**
 * What a hard link may name, shared by every thread of the disk sink: the regular files (and,
 * when allowed, symlinks, FIFOs and devices) this run made and kept, by inode
 * ({@link CreatedInodes}) and by path ({@link CreatedPaths}: no lstat then); the files whose data
 * a data thread is still writing (a link to one waits: a file whose data fails is removed); and
 * where links go once an inode reached the target's link limit ({@link LinkCopies}).
 *
 * <p>Each object is recorded with the place of its entry in the stream: a link may name only an
 * object whose entry came before its own. With one thread that is simply what exists by then;
 * with several, a thread running ahead in another directory may already have made a later
 * entry, which a link must not see (a stream that links to a path before making it is refused,
 * whichever thread gets there first).
 *
 * <p>Thread-safe. The tables sit behind one lock (held for a hash lookup, far shorter than the
 * system call each link costs); the data threads publish a written file here themselves, so a
 * link waiting for one never depends on the thread that created it.
 */
final class LinkTargets {
    private final CreatedInodes inodes = new CreatedInodes();
    private final CreatedPaths paths = new CreatedPaths();
    private final LinkCopies copies = new LinkCopies();

    /** Files handed to a data thread and not yet written or given up, by path. */
    private final ConcurrentHashMap<ByteBuffer, Boolean> inFlight = new ConcurrentHashMap<>();
    /** Taken while a separate copy is written, so two threads at the link limit make one copy, not two. */
    final Object copying = new Object();

    /** Told of every object made and every link redirected, with the entry's place (a rescue map keeps them). */
    private volatile DiskSink.Ledger ledger;

    void ledger(DiskSink.Ledger l) { ledger = l; }

    /** A regular file made and kept at p by the entry at place seq: linkable by path and by inode. */
    synchronized void kept(SafePath p, Stat st, long seq) {
        inodes.add(st.devId(), st.ino(), seq);
        paths.add(p, seq);
        DiskSink.Ledger l = ledger;
        if (l != null) l.made(seq, st.devId(), st.ino());
    }

    /** A symlink, FIFO or device made by the entry at place seq (linkable by inode, when allowed). */
    synchronized void made(Stat st, long seq) {
        inodes.add(st.devId(), st.ino(), seq);
        DiskSink.Ledger l = ledger;
        if (l != null) l.made(seq, st.devId(), st.ino());
    }

    /** An object a stopped run of this rescue made (its rescue map says): linkable from every entry. */
    synchronized void madeEarlier(long dev, long ino) { inodes.add(dev, ino, -1); }

    /** Whether (dev, ino) was made by this rescue (this run or a stopped one). */
    synchronized boolean madeByUs(long dev, long ino) { return inodes.contains(dev, ino, Long.MAX_VALUE); }

    /** Whether the inode was made by an entry before place seq. */
    synchronized boolean madeBefore(long dev, long ino, long seq) { return inodes.contains(dev, ino, seq); }

    /** The path a hard link naming target must actually link to. */
    SafePath resolve(SafePath target) {
        if (copies.none()) return target; // every ordinary run: no lock
        synchronized (this) {
            return copies.resolve(target);
        }
    }

    /** The separate copies made of target's inode at the link limit, oldest first. */
    synchronized List<SafePath> copiesOf(SafePath target) { return copies.all(target); }

    /** Links to target go to copy from now on (the copy made by the entry at place seq; -1: by a stopped run). */
    synchronized void redirect(SafePath target, SafePath copy, long seq) {
        copies.put(target, copy);
        DiskSink.Ledger l = ledger;
        if (l != null && seq >= 0) l.copy(seq, target.bytes(), copy.bytes());
    }

    /**
     * Where to make a link to src from when an entry before place seq made and kept it: the
     * latest link made to it (the same inode, in a directory most likely open already), or src
     * itself; null when src is not known so (ask {@link #madeBefore}).
     */
    synchronized SafePath linkFrom(SafePath src, long seq) { return paths.linkFrom(src, seq); }

    /** A link to src (a path made and kept) was made at path. */
    synchronized void linked(SafePath src, SafePath path) { paths.linked(src, path); }

    /** path's file goes to a data thread: links to it wait until {@link #landed}. */
    void inFlight(SafePath path) { inFlight.put(ByteBuffer.wrap(path.bytes()), Boolean.TRUE); }

    /** Threads in {@link #awaitLanded}: only then does a landing wake anyone. */
    private volatile int awaiting;

    /** path's data thread is done with it: written and {@link #kept}, or given up. */
    void landed(SafePath path) {
        inFlight.remove(ByteBuffer.wrap(path.bytes()));
        if (awaiting > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Whether path's file is on a data thread still. */
    boolean isInFlight(SafePath path) {
        return !inFlight.isEmpty() && inFlight.containsKey(ByteBuffer.wrap(path.bytes()));
    }

    /**
     * Waits until path's file is off the data threads (woken as it lands). Returns false at once
     * when it never was on one; true after a wait (its fate is then in the tables). Rare: a file
     * linked before its data is out, within one snapshot.
     *
     * @throws java.io.InterruptedIOException interrupted while waiting
     */
    boolean awaitLanded(SafePath path) throws InterruptedIOException {
        if (!isInFlight(path)) return false;
        synchronized (this) {
            awaiting++; // before the look: a landing after it sees someone waits, and waits for this lock
            try {
                while (isInFlight(path)) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for a file's data");
                    }
                }
            } finally {
                awaiting--;
            }
        }
        return true;
    }
}
