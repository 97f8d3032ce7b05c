package org.linkrescue.migrate.map;

import java.util.concurrent.atomic.AtomicReference;
import org.linkrescue.migrate.pipeline.Evacuation.LinkChange;

/**
 * The scan's link events on their way to the checkpoints: written by the scan's thread, read by
 * the sink's. A link farm makes two per inode (its first path and its last), so they travel in
 * chunks of columns, and a chunk read to its end goes back to the writer: in a steady run an
 * event costs no object. Unbounded:
 * while a file a rescue in passes settles later holds the count of finished entries back, the
 * events after it wait here.
 */
final class LinkEventQueue {
    private static final int CHUNK = 1024;
    private static final LinkChange[] CHANGES = LinkChange.values();

    private static final class Chunk {
        final long[] entry = new long[CHUNK];
        final long[] dev = new long[CHUNK];
        final long[] ino = new long[CHUNK];
        final int[] nlink = new int[CHUNK];
        final byte[] change = new byte[CHUNK];
        final byte[][] path = new byte[CHUNK][];
        /** Slots written: the writer's store publishes the slot's columns to the reader. */
        volatile int count;
        volatile Chunk next;
    }

    /** The writer's. */
    private Chunk tail = new Chunk();
    /** The reader's. */
    private Chunk head = tail;
    private int read;
    /** A chunk read to its end, for the writer's next. */
    private final AtomicReference<Chunk> spare = new AtomicReference<>();

    /** One event (entries are numbered in the order events come). Synchronized: a second writer would be a bug, not a race. */
    synchronized void add(long entry, LinkChange change, long dev, long ino, int nlink, byte[] path) {
        Chunk t = tail;
        int i = t.count;
        if (i == CHUNK) {
            Chunk c = spare.getAndSet(null);
            if (c == null) c = new Chunk();
            t.next = c;
            tail = t = c;
            i = 0;
        }
        t.entry[i] = entry;
        t.dev[i] = dev;
        t.ino[i] = ino;
        t.nlink[i] = nlink;
        t.change[i] = (byte) change.ordinal();
        t.path[i] = path;
        t.count = i + 1;
    }

    /** Applies to mirror, oldest first, the events of the entries numbered below done. */
    void applyBelow(long done, LinkMirror mirror, StringBuilder sb) {
        while (true) {
            Chunk h = head;
            if (read < h.count) {
                if (h.entry[read] >= done) return;
                mirror.apply(CHANGES[h.change[read]], h.dev[read], h.ino[read], h.nlink[read], h.path[read], sb);
                h.path[read] = null;
                read++;
                continue;
            }
            Chunk next = h.next;
            if (read < CHUNK || next == null) return; // nothing more written yet
            head = next;
            read = 0;
            h.next = null;
            h.count = 0;
            spare.set(h); // publishes the reset above to the writer that takes it
        }
    }
}
