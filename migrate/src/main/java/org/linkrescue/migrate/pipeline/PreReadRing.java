package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * One reused byte ring that small files are read into ahead of the sink. Files are read and
 * released in stream order, so a ring (not a pool) is enough: the reader appends at the head,
 * the sink frees from the tail, and memory stays at the ring's size whatever the tree.
 */
final class PreReadRing {
    private final byte[] ring;
    private long head, tail; // bytes ever appended / ever freed; head - tail <= ring.length

    PreReadRing(int capacity) { ring = new byte[capacity]; }

    int capacity() { return ring.length; }

    /**
     * Reads c completely into the ring now (waiting for room while the sink catches up) and
     * returns a content that replays those bytes. The original is closed.
     *
     * @param stopped tells a waiting reader that the sink has died and no room will come
     */
    Content preRead(Content c, BooleanSupplier stopped) throws IOException {
        long size = c.size();
        if (size > ring.length) throw new IllegalArgumentException("file larger than the ring");
        long start;
        synchronized (this) {
            while (head + size - tail > ring.length) {
                if (stopped.getAsBoolean()) throw new InterruptedIOException("sink stopped");
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for read-ahead room");
                }
            }
            start = head;
        }
        // The region [start, start+size) is ours alone until the sink frees it.
        long[] pos = {start};
        try (c) {
            c.feed((b, off, len) -> {
                put(pos[0], b, off, len);
                pos[0] += len;
            });
        }
        if (pos[0] - start != size)
            throw new IllegalStateException("content delivered " + (pos[0] - start) + " of " + size + " bytes");
        synchronized (this) { head = start + size; }
        return new Replay(start, size, c);
    }

    private void put(long at, byte[] b, int off, int len) {
        int p = (int) (at % ring.length);
        int first = Math.min(len, ring.length - p);
        System.arraycopy(b, off, ring, p, first);
        if (first < len) System.arraycopy(b, off + first, ring, 0, len - first);
    }

    /** Frees everything up to end (called in stream order by the sink side). */
    synchronized void free(long end) {
        if (end > tail) tail = end;
        notifyAll();
    }

    /** Bytes of one file held in the ring; replayed once by the sink. */
    final class Replay implements Content {
        private final long start, size;
        private final Content original;

        /** @param original the content read into the ring (closed; its provenance is final) */
        Replay(long start, long size, Content original) {
            this.start = start;
            this.size = size;
            this.original = original;
        }

        Content original() { return original; }

        @Override public long size() { return size; }
        @Override public Provenance provenance() { return original.provenance(); }

        @Override
        public void feed(Chunks out) throws IOException {
            int p = (int) (start % ring.length);
            int first = (int) Math.min(size, ring.length - p);
            if (first > 0) out.accept(ring, p, first);
            if (first < size) out.accept(ring, 0, (int) (size - first));
        }

        long end() { return start + size; }
    }
}
