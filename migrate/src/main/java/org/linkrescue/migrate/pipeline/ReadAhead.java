package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.concurrent.Handoff;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.DirectCopy;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.PlainRange;
import org.linkrescue.migrate.stream.SparseData;
import org.linkrescue.migrate.stream.Stop;

/**
 * Decouples the reading side (scan, open, and for small files the read itself) from the writing
 * side: entries go through a bounded queue to a sink thread, so the writer never waits on the
 * scan and the scan never waits on the writer unless the queue is full. Memory is bounded by the
 * queue length (open descriptors) and the pre-read ring (bytes).
 *
 * Contents pass to the sink thread, which closes each one after the sink has taken it. When the
 * sink fails, the next {@link #accept} throws its exception, so the scan unwinds at once.
 */
final class ReadAhead implements EntrySink {
    private static final Item END = new Item(null, null, 0, 0, null, false);

    /**
     * dev/ino are set for a later path of a linked inode (for the listener), else 0; taken is
     * counted down once the sink is done with the entry, for a producer that must wait for it;
     * above: a directory a resumed stream begins below ({@link EntrySink#writtenAbove}).
     */
    private record Item(Entry entry, Content content, long dev, long ino, CountDownLatch taken, boolean above) {}

    private final EntrySink sink;
    /** Longest a few entries wait before the sleeping writer is woken for them. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Longest the producer waits for room in the queue at a time before it looks whether the writer failed. */
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Queued entries holding a content (an open descriptor) at most; the rest of the queue is links and directories. */
    static final int CONTENTS_MAX = 256;

    private final Handoff<Item> queue;
    private final int contentsMax;
    /** Contents queued or being written: counted up by the producer, down by the sink thread. */
    private final AtomicInteger contentsHeld = new AtomicInteger();
    private volatile Thread waitingForRoom;
    /** A producer's entry it waits to see taken ({@link #acceptInStep}), for the writer to let go if it ends first. */
    private volatile CountDownLatch inStep;
    /** The writer thread has ended: nothing queued will be taken any more. */
    private volatile boolean writerEnded;
    /**
     * Who closes the sink: the one that ends first of the writer and an interrupted
     * {@link #close} hands it to the other, so the sink is never closed while the writer runs.
     */
    private final AtomicInteger sinkCloser =
            new AtomicInteger(WRITER_RUNS);
    private static final int WRITER_RUNS = 0, WRITER_ENDED = 1, LEFT_TO_WRITER = 2;
    private final PreReadRing ring;
    private final long preReadMax;
    private final ExecutorService readers;
    private final Thread writer;
    private final Evacuation.LaterPathListener laterPaths;
    private final Evacuation.ReadOrder order;
    private long fills; // fills handed to the readers so far: the tie-breaker, and the whole key in NAME order
    private volatile Throwable failure;
    private volatile boolean stopped;
    private Stop stop;

    /**
     * Once s is requested the sink takes no further entry (the one it is writing ends, or ends
     * early if large) and the producer's next hand-over throws {@link org.linkrescue.migrate.stream.Stop.Stopped}.
     */
    void stopWith(Stop s) { stop = s; }

    /**
     * @param depth      entries in flight (each FILE holds a descriptor)
     * @param ringBytes  size of the pre-read ring, 0 for none (when the sink copies kernel-side
     *                   from the descriptor, reading into memory first would only cost)
     * @param preReadMax largest file read into the ring; larger ones are read by the sink
     * @param readerThreads threads filling the ring in parallel; 0 fills it on the producer's
     *                   thread (its contents read from one shared stream)
     */
    ReadAhead(EntrySink sink, int depth, int ringBytes, long preReadMax, int readerThreads,
              Evacuation.LaterPathListener laterPaths) {
        this(sink, depth, ringBytes, preReadMax, readerThreads, laterPaths, Evacuation.ReadOrder.NAME);
    }

    /** @param order which waiting file the reader threads fill next (see {@link Evacuation.ReadOrder}) */
    ReadAhead(EntrySink sink, int depth, int ringBytes, long preReadMax, int readerThreads,
              Evacuation.LaterPathListener laterPaths, Evacuation.ReadOrder order) {
        this.order = order;
        this.sink = sink;
        this.laterPaths = laterPaths;
        // Wake the writer early once a quarter of the queue is ready: it then has a burst to work
        // through, and each hand-off costs a fraction of a context switch instead of one.
        this.queue = new Handoff<>(depth, Math.max(1, Math.min(depth, CONTENTS_MAX) / 4), LINGER_NANOS);
        this.contentsMax = Math.min(depth, CONTENTS_MAX);
        this.ring = ringBytes > 0 ? new PreReadRing(ringBytes) : null;
        this.preReadMax = Math.min(preReadMax, ringBytes);
        int n = Math.max(1, readerThreads);
        // A priority queue: the waiting fill with the lowest key goes first (see Fill).
        this.readers = ring == null || readerThreads == 0 ? null : new ThreadPoolExecutor(n, n,
                0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "linkrescue-preread");
            t.setDaemon(true);
            return t;
        });
        this.writer = new Thread(this::drain, "linkrescue-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void accept(Entry entry, Content content) throws IOException {
        put(entry, content, 0, 0, null, 0);
    }

    /** In stream order, on the sink thread, as the entries are. */
    @Override
    public void writtenAbove(Entry dir) throws IOException {
        rethrow();
        Item item = new Item(dir, null, 0, 0, null, true);
        while (!queue.put(item, CHECK_NANOS)) checkWriter();
    }

    /**
     * Files up to this size may be read by their open already (0: none): they are read ahead
     * anyway, and in stream order, so reading them with the open saves a hand-off per file.
     */
    long readWithOpenMax() {
        return ring != null && readers != null && order == Evacuation.ReadOrder.NAME ? preReadMax : 0;
    }

    /** A file whose content was opened from inode ino (the key of {@link Evacuation.ReadOrder#INODE}). */
    void acceptFile(Entry entry, Content content, long ino) throws IOException {
        put(entry, content, 0, 0, null, ino);
    }

    /**
     * Hands over an entry whose content reads from a stream the producer shares (a tar archive)
     * and that is too large to read ahead: returns once the sink has consumed it, so the
     * producer may read on.
     */
    void acceptInStep(Entry entry, Content content) throws IOException {
        CountDownLatch taken = new CountDownLatch(1);
        put(entry, content, 0, 0, taken, 0);
        queue.nudge(); // nothing more comes until the sink has taken it
        inStep = taken; // a writer that ends without taking it lets it go (see drain)
        try {
            if (!writerEnded) taken.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } finally {
            inStep = null;
        }
        rethrow();
    }

    /**
     * A hard link that is a later path of inode (dev, ino). The listener hears of it on the sink
     * thread after the sink took it, so the first path's content has been consumed by then (and
     * a damaged inode is known as damaged).
     */
    void acceptLaterPath(Entry link, long dev, long ino) throws IOException {
        put(link, null, dev, ino, null, 0);
    }

    /**
     * A later path of an inode whose first path could not be opened: nothing goes to the sink,
     * but the listener (the rescue report, which recorded the inode when the open failed) hears
     * of it, so the report names every path of the lost inode.
     */
    void laterPathOfUnreadInode(long dev, long ino, byte[] path) {
        if (laterPaths != null) laterPaths.laterPath(dev, ino, path);
    }

    private void put(Entry entry, Content content, long dev, long ino, CountDownLatch taken,
                     long readKey) throws IOException {
        boolean counted = false;
        try {
            rethrow();
            if (content != null) {
                awaitContentRoom();
                counted = true;
            }
            // A content the sink can copy kernel-side (a plain range) gains nothing from a trip
            // through memory; one with holes would come out of the ring without them.
            if (content != null && ring != null && content.as(PlainRange.class) == null && content.size() <= preReadMax && content.size() > 0
                    && content.as(SparseData.class) == null) {
                if (!ring.fits(content.size())) queue.nudge(); // room comes only as the sink frees it
                DirectCopy direct = content.as(DirectCopy.class);
                boolean inHand = direct != null && direct.readAlready();
                PreReadRing.Replay r;
                try {
                    r = ring.reserve(content, () -> stopped || writerEnded);
                } catch (InterruptedIOException letGo) {
                    rethrow(); // what stopped the writer (a full target, a stop asked for) is the run's reason, not this wait
                    throw letGo;
                }
                content = r;
                if (readers == null || inHand) { // the producer's own stream, or bytes its open read: copy them here, now
                    r.fill();
                    if (readers == null) r.awaitFilled(); // returns at once; a malformed archive stops the producer here
                }
                else readers.execute(new Fill(r, order == Evacuation.ReadOrder.INODE ? readKey : 0, fills++));
            }
            Item item = new Item(entry, content, dev, ino, taken, false);
            while (!queue.put(item, CHECK_NANOS)) checkWriter();
        } catch (IOException | RuntimeException | Error e) {
            if (counted) contentsHeld.decrementAndGet();
            closeQuietly(content);
            throw e;
        }
    }

    /**
     * Waits while CONTENTS_MAX contents are queued: each holds a descriptor until written. The
     * writer wakes it once half the room is free, or as it ends.
     */
    private void awaitContentRoom() throws IOException {
        while (contentsHeld.get() >= contentsMax) {
            rethrow();
            queue.nudge(); // what is queued is all the sink gets until it frees room
            waitingForRoom = Thread.currentThread();
            if (contentsHeld.get() >= contentsMax && !writerEnded) LockSupport.park(this);
            waitingForRoom = null;
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (writerEnded) { rethrow(); throw new IOException("the writer thread ended"); }
        }
        contentsHeld.incrementAndGet();
    }

    /** The queue stayed full for a while: the writer may have failed, or this thread been interrupted. */
    private void checkWriter() throws IOException {
        rethrow();
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** The sink thread is done with a content: room for the producer, woken once half the room is free. */
    private void contentDone() {
        if (contentsHeld.decrementAndGet() <= contentsMax / 2) {
            Thread t = waitingForRoom;
            if (t != null) LockSupport.unpark(t);
        }
    }

    /** A pending fill, ordered by key (the inode, or 0), then by its place in the stream. */
    private record Fill(PreReadRing.Replay replay, long key, long seq) implements Runnable, Comparable<Fill> {
        @Override public void run() { replay.fill(); }

        @Override public int compareTo(Fill o) {
            int c = Long.compareUnsigned(key, o.key);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private void drain() {
        try {
            while (true) {
                Item it = queue.take();
                if (it == END) return;
                if (!stopped && stop != null && stop.requested()) stopped = true; // an entry boundary: the stop is here
                if (stopped) { // the producer gave up: what is still queued is not written
                    closeQuietly(it.content);
                    if (it.content instanceof PreReadRing.Replay r) r.release();
                    if (it.content != null) contentDone();
                    if (it.taken != null) it.taken.countDown();
                    continue;
                }
                try {
                    // Provenance is asked for before the bytes (a tar header carries it): wait for them.
                    if (it.content instanceof PreReadRing.Replay r) r.awaitFilled();
                    if (it.above) {
                        sink.writtenAbove(it.entry);
                        continue;
                    }
                    sink.accept(it.entry, it.content);
                    if (laterPaths != null && (it.dev | it.ino) != 0) laterPaths.laterPath(it.dev, it.ino, it.entry.path());
                } catch (Throwable t) {
                    // Known before a producer waiting in acceptInStep is let go, so it throws this
                    // and does not read on in a stream the sink has given up on.
                    failure = t;
                    stopped = true;
                    throw t;
                } finally {
                    if (it.taken != null) it.taken.countDown();
                    closeQuietly(it.content);
                    if (it.content instanceof PreReadRing.Replay r) r.release();
                    if (it.content != null) contentDone();
                }
            }
        } catch (Throwable t) {
            failure = t;
            stopped = true;
        } finally {
            ended();
        }
    }

    /**
     * The writer's last act: whoever waits for it is let go (a producer waiting for room in the
     * queue's contents or the ring, or for an entry to be taken), and if an interrupted
     * {@link #close} left the sink to it, it closes the sink.
     */
    private void ended() {
        writerEnded = true;
        Thread t = waitingForRoom;
        if (t != null) LockSupport.unpark(t);
        CountDownLatch l = inStep;
        if (l != null) l.countDown();
        if (ring != null) ring.wakeReservers();
        if (!sinkCloser.compareAndSet(WRITER_RUNS, WRITER_ENDED)) {
            closeLeftovers();
            try {
                sink.close();
            } catch (IOException | RuntimeException e) {
                // the run is already ending on whatever interrupted it
            }
        }
    }

    /** Waits for the sink thread to take every entry, then finishes the sink. */
    @Override
    public void finish() throws IOException {
        finish(() -> {});
    }

    /** What runs between the last entry taken and the sink's finish, on the caller's thread. */
    interface BeforeFinish {
        void run() throws IOException;
    }

    /** {@link #finish()}, with before run once the sink has taken every entry and before it is finished. */
    void finish(BeforeFinish before) throws IOException {
        try {
            while (!queue.put(END, CHECK_NANOS)) checkWriter();
            queue.nudge();
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        rethrow();
        if (readers != null) readers.shutdown();
        before.run();
        sink.finish();
    }

    /**
     * After a failure: stops the sink thread, closes every content still queued, closes the
     * sink. The sink is never closed while the writer thread runs: interrupted while waiting
     * for the writer, this returns and leaves the closing to the writer as it ends.
     */
    @Override
    public void close() throws IOException {
        stopped = true;
        boolean interrupted = Thread.interrupted(); // END must go in all the same, or the writer never ends
        stopReaders();
        if (writer.isAlive()) {
            // The writer, seeing stopped, only closes what it takes now, so room for END comes soon.
            while (!queue.put(END, CHECK_NANOS)) {
                if (!writer.isAlive()) break;
            }
            queue.nudge();
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (!sinkCloser.compareAndSet(WRITER_RUNS, LEFT_TO_WRITER)) { // the writer has ended: the rest is ours
            closeLeftovers();
            sink.close();
        }
    }

    /** Closes the contents still queued once the writer has ended (it took none of them). */
    private void closeLeftovers() {
        Item it;
        while ((it = queue.poll()) != null) closeQuietly(it.content);
    }

    /**
     * Fills not started are dropped (their files closed unread); fills under way are waited for:
     * each closes its file when done, so no descriptor outlives the run. Each is bounded by the
     * content's own reads (a rescue read gives up after the read timeout).
     */
    private void stopReaders() {
        if (readers == null) return;
        List<Runnable> notStarted = new ArrayList<>();
        ((ThreadPoolExecutor) readers).getQueue().drainTo(notStarted);
        readers.shutdown();
        for (Runnable r : notStarted) ((Fill) r).replay().drop();
        boolean interrupted = false;
        while (true) {
            try {
                if (readers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS)) break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void rethrow() throws IOException {
        if (stop != null) stop.check();
        Throwable t = failure;
        if (t == null) return;
        if (t instanceof IOException io) throw io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        throw new IOException(t);
    }

    private static void closeQuietly(Content c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a read descriptor: nothing left to lose
        }
    }
}
