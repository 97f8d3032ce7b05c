package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.linkrescue.migrate.fs.LazyMemory;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.DirectCopy;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Retainable;

/**
 * One reused byte ring that files are read into ahead of the sink. Room is reserved in stream
 * order (by the scan), filled by any of several reader threads at once, and released by the
 * sink, possibly out of order (a sink that writes file data on threads of its own holds a
 * region until written): the ring's tail moves past the oldest regions once all of them are
 * released. A ring, not a pool, is enough, and memory stays at the ring's size whatever the tree.
 *
 * <p>The ring is native memory: a reader copies a drive's chunk into it straight from the read
 * worker's direct buffer, and a disk sink writes from it without staging the bytes again (each
 * copy of 2.4 GB through the heap was a tenth of a core-second); a sink that takes byte arrays
 * (a tar stream) gets them through a small per-thread array.
 */
final class PreReadRing {
    /**
     * Made at the first reserve, not before, and unzeroed ({@link LazyMemory}): its pages are
     * made as regions first reach them, and regions keep to the front of it ({@link #reserve}).
     * allocateDirect wrote all 64 MiB at once: 0.39 s of the main thread's CPU (clear_page,
     * async-profiler) before the first entry, in every extract of an uncompressed archive file,
     * whose entries go out as ranges and never pass through the ring. Written under this ring's
     * lock; readers and the sink see it through the reserve that made their region (their
     * hand-off follows it).
     */
    private volatile ByteBuffer ring;
    /**
     * How far into the ring a region may begin before the ring goes back to its start, when the
     * start is free: the ring then uses the memory its bytes in flight need, not all of it.
     */
    static final int FRONT = 1 << 20;
    private final long front;
    /** The furthest byte of the ring any region reached (its pages are made up to there). */
    private long reached;
    private final int capacity;
    /** Chunks for sinks that take byte arrays. */
    private static final ThreadLocal<byte[]> ARRAYS = ThreadLocal.withInitial(() -> new byte[64 * 1024]);
    private long head, tail; // bytes ever reserved / ever freed; head - tail <= capacity
    /** Regions reserved and not yet freed, oldest first. */
    private final ArrayDeque<Replay> live = new ArrayDeque<>();

    PreReadRing(int capacity) {
        this(capacity, FRONT);
    }

    /** With another front: tests' rings are a few hundred bytes. */
    PreReadRing(int capacity, int front) {
        this.capacity = capacity;
        this.front = front;
    }

    int capacity() { return capacity; }

    /** How much of the ring's memory regions have reached so far. */
    synchronized long reached() { return reached; }

    /** Whether size bytes can be reserved now without waiting (only the reserving thread adds). */
    synchronized boolean fits(long size) { return head + size - tail <= capacity; }

    /**
     * Reserves room for c's bytes after everything reserved so far, waiting while the sink
     * catches up. The returned content replays the bytes once {@link Replay#fill} has run.
     *
     * @param stopped tells a waiting reserver that the sink has died and no room will come
     *                (whoever makes it true then calls {@link #wakeReservers})
     */
    Replay reserve(Content c, BooleanSupplier stopped) throws IOException {
        long size = c.size();
        if (size > capacity) throw new IllegalArgumentException("file larger than the ring");
        synchronized (this) {
            if (ring == null) ring = LazyMemory.allocate(capacity);
            backToFront(size);
            while (head + size - tail > capacity) {
                if (stopped.getAsBoolean()) throw new InterruptedIOException("sink stopped");
                try {
                    wait(); // room comes with released(), a stop with wakeReservers()
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for read-ahead room");
                }
            }
            long start = head;
            head += size;
            reached = Math.max(reached, Math.min(capacity, start % capacity + size));
            Replay r = new Replay(start, size, c);
            live.addLast(r);
            return r;
        }
    }

    /**
     * Goes back to the ring's start when the region would begin past {@link #FRONT} and the
     * bytes in flight and this region fit before where it would begin: the rest of the ring is
     * skipped as a region freed at once (the tail passes it once everything before it is
     * freed). A ring whose sink keeps up (a link farm's small files, some megabytes in flight)
     * so cycles through its first megabytes and never makes the pages of the other 60 MiB.
     */
    private void backToFront(long size) {
        long at = head % capacity;
        if (at < front || head - tail + size > at) return;
        long skipped = capacity - at;
        if (live.isEmpty()) {
            tail += skipped;
        } else {
            Replay gap = new Replay(head, skipped, null);
            gap.freed = true;
            live.addLast(gap);
        }
        head += skipped;
    }

    private void put(long at, byte[] b, int off, int len) {
        int p = (int) (at % capacity);
        int first = Math.min(len, capacity - p);
        ring.put(p, b, off, first);
        if (first < len) ring.put(0, b, off + first, len - first);
    }

    private void put(long at, ByteBuffer b) {
        int len = b.remaining();
        int p = (int) (at % capacity);
        int first = Math.min(len, capacity - p);
        ring.put(p, b, b.position(), first);
        if (first < len) ring.put(0, b, b.position() + first, len - first);
    }

    /** Wakes a reserver waiting for room, to look whether it was stopped. */
    synchronized void wakeReservers() { notifyAll(); }

    /** r is released by everyone who held it: the tail moves past every leading released region. */
    private synchronized void released(Replay r) {
        r.freed = true;
        Replay first;
        while ((first = live.peekFirst()) != null && first.freed) {
            live.pollFirst();
            tail = first.end();
        }
        notifyAll();
    }

    /** Bytes of one file held in the ring; filled once by a reader, replayed once by the sink. */
    final class Replay implements Content, DirectCopy, Retainable {
        private final long start, size;
        private final Content original;
        private final AtomicBoolean taken = new AtomicBoolean();
        /** Holders of the region: the pipeline, plus each handle a sink {@link #retain}ed. */
        private final AtomicInteger holders = new AtomicInteger(1);
        private boolean freed; // guarded by the ring
        private boolean filled;
        private Throwable failure;

        /** @param original the content to read into [start, start+size); closed once read */
        Replay(long start, long size, Content original) {
            this.start = start;
            this.size = size;
            this.original = original;
        }

        /** Reads the original into the reserved region (on a reader thread) and closes it. */
        void fill() {
            if (!taken.compareAndSet(false, true)) return; // abandoned by close()
            Throwable t = null;
            long[] pos = {start};
            try (original) {
                // Straight from the read worker's buffer where the content can, fed for the rest.
                DirectCopy direct = original.as(DirectCopy.class);
                long from = direct == null ? 0 : direct.copyPrefix(b -> {
                    if (pos[0] + b.remaining() > start + size)
                        throw new IllegalStateException("content delivered more than its " + size + " bytes");
                    put(pos[0], b);
                    pos[0] += b.remaining();
                });
                Chunks rest = (b, off, len) -> {
                    if (pos[0] + len > start + size)
                        throw new IllegalStateException("content delivered more than its " + size + " bytes");
                    put(pos[0], b, off, len);
                    pos[0] += len;
                };
                if (direct == null) original.feed(rest);
                else if (from < size) direct.feedFrom(from, rest);
                if (pos[0] - start != size)
                    throw new IllegalStateException("content delivered " + (pos[0] - start) + " of " + size + " bytes");
            } catch (Throwable x) {
                t = x;
            }
            synchronized (this) {
                failure = t;
                filled = true;
                notifyAll();
            }
        }

        /**
         * The run stopped before a reader took this fill: the original is closed unread, and
         * whoever waits for the bytes is told so instead of waiting for ever.
         */
        void drop() {
            if (!taken.compareAndSet(false, true)) return; // a reader has it: its fill ends it
            try {
                original.close();
            } catch (IOException ignored) {
                // closing a read descriptor of a run that is stopping: nothing left to lose
            }
            synchronized (this) {
                failure = new InterruptedIOException("read-ahead stopped");
                filled = true;
                notifyAll();
            }
        }

        /** Waits until the bytes are in the ring; rethrows what reading them threw. */
        void awaitFilled() throws IOException {
            synchronized (this) {
                while (!filled) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for read-ahead");
                    }
                }
            }
            if (failure instanceof IOException io) throw io;
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error er) throw er;
        }

        @Override public long size() { return size; }
        @Override public Provenance provenance() { return original.provenance(); }

        @Override
        public void feed(Chunks out) throws IOException {
            awaitFilled();
            byte[] a = ARRAYS.get();
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(a.length, size - done);
                int p = (int) ((start + done) % capacity);
                int first = Math.min(n, capacity - p);
                ring.get(p, a, 0, first);
                if (first < n) ring.get(0, a, first, n - first);
                out.accept(a, 0, n);
                done += n;
            }
        }

        /** All of it, from the ring's native memory (at most two pieces where the ring wraps). */
        @Override
        public long copyPrefix(DirectTarget target) throws IOException {
            awaitFilled();
            int p = (int) (start % capacity);
            int first = (int) Math.min(size, capacity - p);
            if (first > 0) target.fromBuffer(ring.slice(p, first));
            if (first < size) target.fromBuffer(ring.slice(0, (int) (size - first)));
            return size;
        }

        @Override
        public void feedFrom(long from, Chunks out) throws IOException {
            if (from == size) return; // copyPrefix delivered everything
            if (from != 0) throw new IllegalStateException("replay fed from byte " + from);
            feed(out);
        }

        /** Closes the original if no reader has started on it (a run that stopped early). */
        @Override
        public void close() throws IOException {
            if (taken.compareAndSet(false, true)) original.close();
        }

        long end() { return start + size; }

        /** The pipeline is done with the region; it is reused once every retained handle is closed too. */
        void release() {
            if (holders.decrementAndGet() == 0) released(this);
        }

        /** Valid while the pipeline holds the region (the sink's accept): then it cannot be freed under us. */
        @Override
        public Content retain() {
            holders.incrementAndGet();
            return new Held();
        }

        /** A sink's hold on the bytes, past accept. */
        private final class Held implements Content, DirectCopy {
            private final AtomicBoolean closed = new AtomicBoolean();

            @Override public long size() { return size; }
            @Override public Provenance provenance() { return original.provenance(); }
            @Override public void feed(Chunks out) throws IOException { Replay.this.feed(out); }
            @Override public long copyPrefix(DirectTarget t) throws IOException { return Replay.this.copyPrefix(t); }
            @Override public void feedFrom(long from, Chunks out) throws IOException { Replay.this.feedFrom(from, out); }

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) release();
            }
        }
    }
}
