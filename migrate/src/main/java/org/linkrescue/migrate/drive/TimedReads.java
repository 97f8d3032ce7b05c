package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Runs each open and read of the failing drive on a worker thread and waits at most the read
 * timeout. A dying disk can stall a read for minutes, and a thread stuck in the kernel cannot be
 * interrupted from Java: such a worker is given up for lost (it stays blocked, holding only its
 * own direct buffer and the caller's abandoned array; when the kernel lets it go it ends), and
 * the caller's next call gets a fresh worker. The caller must never reuse an array a lost read
 * may still write into; see {@link ReadTimeoutException}.
 *
 * Each calling thread has its own worker, handed tasks by park/unpark: an executor's queue
 * costs several microseconds per call, which a tree of millions of small files would feel. It
 * also has open workers, one per run of opens it has in flight ({@link #startOpens}), and two
 * copy workers for large files (one of which also makes kernel-side copies).
 */
public final class TimedReads implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final BlockReader reader;
    private final long timeoutNanos;
    private final int bufferSize;
    private final ThreadLocal<Worker> mine = new ThreadLocal<>();
    /** A caller's second worker, for copies: two chunks of a large file in flight at once. */
    private final ThreadLocal<Worker> second = new ThreadLocal<>();
    /** A caller's workers for opens: one per open it has in flight. */
    private final ThreadLocal<Lanes> openers;
    private final int openLanes;
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lost = new AtomicInteger();
    private volatile boolean closed;

    public TimedReads(BlockReader reader, Duration timeout, int bufferSize) {
        this(reader, timeout, bufferSize, 1);
    }

    /**
     * @param openLanes opens a caller may have in flight at once ({@link #startOpen}), each on a
     *                  worker of its own
     */
    public TimedReads(BlockReader reader, Duration timeout, int bufferSize, int openLanes) {
        if (openLanes < 1) throw new IllegalArgumentException("openLanes " + openLanes);
        this.reader = reader;
        this.timeoutNanos = timeout.toNanos();
        this.bufferSize = bufferSize;
        this.openLanes = openLanes;
        this.openers = ThreadLocal.withInitial(() -> new Lanes(openLanes));
    }

    public int openLanes() { return openLanes; }

    public BlockReader reader() { return reader; }

    /**
     * Reads up to len bytes at off into dst[dstOff..]: returns the bytes read (0 at end of file).
     *
     * @throws PosixException       the read failed (EIO and friends)
     * @throws ReadTimeoutException the read did not return within the timeout; dst is abandoned
     */
    public int pread(int fd, byte[] dst, int dstOff, int len, long off) throws IOException {
        if (len > bufferSize) throw new IllegalArgumentException("read of " + len + " > buffer " + bufferSize);
        return timed(w -> {
            int n = reader.pread(fd, w.direct, len, off);
            w.direct.get(0, dst, dstOff, n);
            return n;
        }, "read at byte " + off, off);
    }

    /**
     * A read of fd at off started on this caller's worker by {@link #startDirect}, to be taken
     * with {@link #finishDirect} before this caller makes any other call here.
     */
    public final class DirectRead {
        private final Worker worker;
        private final long off;

        private DirectRead(Worker worker, long off) {
            this.worker = worker;
            this.off = off;
        }
    }

    /**
     * Starts reading up to len bytes of fd at off into one of this caller's worker's two direct
     * buffers (the one the previous direct read did not use) and returns at once: the caller
     * writes out the previous chunk meanwhile, so reading and writing a large file overlap.
     */
    public DirectRead startDirect(int fd, long off, int len) {
        if (len > bufferSize) throw new IllegalArgumentException("read of " + len + " > buffer " + bufferSize);
        Worker w = begin(k -> {
            ByteBuffer b = k.nextDirect();
            int n = reader.pread(fd, b, len, off);
            return b.duplicate().position(0).limit(n);
        });
        return new DirectRead(w, off);
    }

    /**
     * Waits for a read started by {@link #startDirect} and returns a view of the bytes read
     * (none at end of file). The view stays valid until the next direct read after this one is
     * finished: bytes on their way to a descriptor need no copy on the Java heap. A worker lost
     * to a hang keeps its buffers, so a late read never lands in one still in use.
     *
     * @throws PosixException       the read failed (EIO and friends)
     * @throws ReadTimeoutException it did not return within the timeout
     */
    public ByteBuffer finishDirect(DirectRead r) throws IOException {
        // The timeout counts from here, not from the start: a slow write of the previous chunk
        // must not make a healthy read look hung.
        return await(r.worker, System.nanoTime() + timeoutNanos, "read at byte " + r.off, r.off);
    }

    /** An open file and what fstat said of it. */
    /**
     * An open file and what fstat said of it; early: its whole content when the open was asked
     * to read a small file at once and could (else null), in the worker's buffer, valid only
     * until this caller's next call here and only on the calling thread ({@link Early}).
     */
    public record Opened(int fd, Stat stat, Early early) {
        public Opened(int fd, Stat stat) { this(fd, stat, null); }
    }

    /** Bytes an open read at once, in a worker's buffer that the worker's next call overwrites. */
    public final class Early {
        private final Worker worker;
        private final long call;
        private final Thread caller;
        private final ByteBuffer bytes;

        private Early(Worker worker, long call, Thread caller, ByteBuffer bytes) {
            this.worker = worker;
            this.call = call;
            this.caller = caller;
            this.bytes = bytes;
        }

        /** The bytes, or null when the buffer may have been reused since (or this is another thread). */
        public ByteBuffer bytes() {
            return Thread.currentThread() == caller && worker.calls == call && !worker.lost ? bytes.duplicate() : null;
        }
    }

    /**
     * Opens name below dirFd and fstats it, on a worker: a dying drive can stall while reading an
     * inode as much as while reading data. An open given up for lost that returns late closes
     * its descriptor itself (see {@link #handOver}).
     *
     * @throws PosixException       open or fstat failed (the descriptor is closed)
     * @throws ReadTimeoutException it did not return within the timeout
     */
    public Opened open(int dirFd, byte[] name, int flags) throws IOException {
        return finishOpen(startOpen(dirFd, name, flags));
    }

    /**
     * A chunk of a large file copied by a worker: read into the worker's buffer, then written
     * by the same worker at the same offset of the target, so the bytes are written from a warm
     * cache. It is written whole or not at all: a worker given up for lost while reading may
     * not write afterwards, and one already writing is waited for (a write to the target does
     * not hang the way a dying drive's read does).
     */
    public final class Copy {
        private final Worker worker;
        private final AtomicInteger state;
        private final long off;
        private final int len;

        private Copy(Worker worker, AtomicInteger state, long off, int len) {
            this.worker = worker;
            this.state = state;
            this.off = off;
            this.len = len;
        }

        public long offset() { return off; }
        public int length() { return len; }
    }

    /** The target refused a chunk's bytes (its failure, not the drive's). */
    public static final class CopyWriteFailed extends IOException {
        private final PosixException error;

        CopyWriteFailed(PosixException error) {
            super(error.getMessage(), error);
            this.error = error;
        }

        public PosixException error() { return error; }
    }

    /**
     * Starts copying up to len bytes of in at off to out at off on one of this caller's two
     * copy workers (second false: the usual one) and returns at once.
     */
    public Copy startCopy(boolean onSecond, int in, int out, long off, int len) {
        if (len > bufferSize) throw new IllegalArgumentException("copy of " + len + " > buffer " + bufferSize);
        AtomicInteger state = new AtomicInteger(RUNNING);
        Worker w = begin(onSecond ? second : mine, k -> {
            ByteBuffer b = k.direct;
            int n = reader.pread(in, b, len, off);
            if (n == 0) return 0;
            if (!state.compareAndSet(RUNNING, HANDED_OVER)) return -1; // given up: write nothing
            try {
                org.linkrescue.migrate.fs.Posix.pwriteFully(out, b.duplicate().position(0).limit(n), n, off);
            } catch (PosixException x) {
                throw new CopyWriteFailed(x);
            }
            return n;
        });
        return new Copy(w, state, off, len);
    }

    /**
     * Waits for a copy: the bytes copied (fewer than asked at end of file or where a bad block
     * starts; 0 at end of file).
     *
     * @throws PosixException       the read failed (nothing was written)
     * @throws CopyWriteFailed      the write into the target failed
     * @throws ReadTimeoutException the read did not return within the timeout (nothing was
     *                              written, and nothing will be)
     */
    public int finishCopy(Copy c) throws IOException {
        Integer n = awaitGuarded(c.worker, c.state, "read at byte " + c.off, c.off);
        return n; // -1: the read came back just after it was given up, and wrote nothing
    }

    /** A chunk copied inside the kernel by a worker ({@link #startKernelCopy}). */
    public final class KernelCopy {
        private final Worker worker;
        private final long off;

        private KernelCopy(Worker worker, long off) {
            this.worker = worker;
            this.off = off;
        }
    }

    /**
     * Starts copying up to len bytes of in at off into out at off inside the kernel (one
     * sendfile(2), out's position set to off first) on this caller's worker, and returns at
     * once. Reading and writing are one call here, so unlike {@link #startCopy} a copy given up
     * for lost may still write into out's file when the kernel lets it go: the caller must then
     * let that file go (see {@link #finishKernelCopy}). The worker writes through a descriptor
     * of its own, closed by itself when the call returns, so a late write can never land in a
     * file that later took over out's number.
     */
    public KernelCopy startKernelCopy(int in, int out, long off, int len) throws PosixException {
        int own = org.linkrescue.migrate.fs.Posix.dup(out);
        Worker w;
        try {
            w = begin(mine, k -> {
                try {
                    org.linkrescue.migrate.fs.Posix.lseek(own, off, org.linkrescue.migrate.fs.Posix.SEEK_SET);
                    return reader.sendfile(own, in, off, len);
                } finally {
                    org.linkrescue.migrate.fs.Posix.close(own);
                }
            });
        } catch (RuntimeException e) {
            org.linkrescue.migrate.fs.Posix.close(own);
            throw e;
        }
        return new KernelCopy(w, off);
    }

    /**
     * Waits for a kernel copy: the bytes copied, fewer than asked at end of file or where a bad
     * block starts (0 at end of file). Its error may be either file's: EIO or ENOSPC alike.
     *
     * @throws ReadTimeoutException it did not return within the timeout: whether the drive or
     *                              the target stalled is not known, and the worker, given up for
     *                              lost, may yet write the chunk's range of out's file
     */
    public long finishKernelCopy(KernelCopy c) throws IOException {
        Long n = await(c.worker, System.nanoTime() + timeoutNanos, "copy at byte " + c.off, c.off);
        return n;
    }

    /** An open started by {@link #startOpen} or {@link #startOpens}, one of a batch. */
    public final class PendingOpen {
        private final Batch batch;
        private final int dirFd;
        private final byte[] name;
        /** QUEUED until its worker takes it (or the caller gives it up), then as for copies. */
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private volatile boolean done;
        private Opened result; // published by done
        private Throwable error;

        private PendingOpen(Batch batch, int dirFd, byte[] name) {
            this.batch = batch;
            this.dirFd = dirFd;
            this.name = name;
        }

        /** Whether {@link #finishOpen} would return without waiting. */
        public boolean done() { return done; }
    }

    /** Opens handed to one worker in one call; finished by the caller in order. */
    private static final class Batch {
        final int flags;
        final long readUpTo;
        PendingOpen[] opens;
        Worker worker;
        int finished; // the caller's thread only
        volatile Thread waiter;

        Batch(int flags, long readUpTo) {
            this.flags = flags;
            this.readUpTo = readUpTo;
        }
    }

    /**
     * {@link #open}, started on one of this caller's open workers and returned from at once.
     * The caller may have {@link #openLanes} opens (or batches) in flight, and finishes them in
     * the order it started them. The timeout counts from {@link #finishOpen}.
     */
    public PendingOpen startOpen(int dirFd, byte[] name, int flags) {
        return startOpens(new int[] {dirFd}, new byte[][] {name}, flags, 0)[0];
    }

    /**
     * {@link #startOpen}, and when the file turns out to hold 1 to readUpTo bytes (at most the
     * buffer size), also reads it whole into the worker's buffer in the same call: a small
     * file then costs one hand-off to the worker instead of two. A read that fails or comes
     * back short is dropped silently: the content reads again the usual way.
     */
    public PendingOpen startOpenAndRead(int dirFd, byte[] name, int flags, long readUpTo) {
        return startOpens(new int[] {dirFd}, new byte[][] {name}, flags, readUpTo)[0];
    }

    /**
     * Several opens (and reads, as {@link #startOpenAndRead}; the small files' bytes share the
     * worker's buffer while they fit) in one call to one worker: one hand-off, one wake-up, for
     * a run of files. They count as one open in flight. Each is finished with {@link #finishOpen},
     * in order; each has its own timeout. An open that hangs loses the worker; the ones after it
     * are then opened one by one on a fresh worker when finished.
     */
    public PendingOpen[] startOpens(int[] dirFds, byte[][] names, int flags, long readUpTo) {
        Batch batch = new Batch(flags, Math.min(readUpTo, bufferSize));
        PendingOpen[] opens = new PendingOpen[names.length];
        for (int i = 0; i < opens.length; i++) opens[i] = new PendingOpen(batch, dirFds[i], names[i]);
        batch.opens = opens;
        Thread caller = Thread.currentThread();
        batch.worker = begin(freeOpener(), w -> {
            int packed = 0; // bytes of the worker's buffer holding earlier files of the batch
            for (PendingOpen p : opens) {
                if (w.lost || !p.state.compareAndSet(QUEUED, RUNNING)) break; // the caller opens the rest itself
                try {
                    Opened o = openAndStat(p.dirFd, p.name, batch.flags);
                    long size = o.stat().size();
                    if (size > 0 && size <= batch.readUpTo && packed + size <= w.direct.capacity()) {
                        ByteBuffer into = w.direct.slice(packed, (int) size);
                        int n = 0;
                        try {
                            n = reader.pread(o.fd(), into, (int) size, 0);
                        } catch (PosixException e) {
                            // the drive's error is met again, and handled, by the usual read
                        }
                        if (n == size) {
                            o = new Opened(o.fd(), o.stat(), new Early(w, w.calls, caller, into.duplicate().position(0).limit(n)));
                            packed += n;
                        }
                    }
                    p.result = handOver(o, p.state);
                } catch (Throwable e) {
                    p.error = e;
                }
                p.done = true;
                Thread t = batch.waiter;
                if (t != null) LockSupport.unpark(t);
            }
            return null;
        });
        return opens;
    }

    /** Waits for an open started by {@link #startOpen}; what {@link #open} would return or throw. */
    public Opened finishOpen(PendingOpen p) throws IOException {
        Batch b = p.batch;
        try {
            if (p.state.get() == QUEUED && b.worker.lost && p.state.compareAndSet(QUEUED, GIVEN_UP))
                return open(p.dirFd, p.name, b.flags); // its worker hung on an earlier open of the batch
            long deadline = System.nanoTime() + timeoutNanos;
            boolean interrupted = false;
            b.waiter = Thread.currentThread();
            try {
                while (!p.done) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || interrupted) {
                        // Not taken yet, or taken and not handed over: either way the worker is given up.
                        if (p.state.compareAndSet(QUEUED, GIVEN_UP) || p.state.compareAndSet(RUNNING, GIVEN_UP)) {
                            giveUp(b.worker);
                            if (interrupted) Thread.currentThread().interrupt();
                            throw new ReadTimeoutException("open", 0, Duration.ofNanos(timeoutNanos));
                        }
                        // handed over already: the descriptor is on its way
                    }
                    LockSupport.parkNanos(this, left > 0 ? left : 1_000_000);
                    if (Thread.interrupted()) interrupted = true;
                }
            } finally {
                b.waiter = null;
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (p.error != null) throw rethrown(p.error);
            return p.result;
        } finally {
            if (++b.finished == b.opens.length) b.worker.inUse = false;
        }
    }

    /**
     * Gives up an open of a run that its worker has not begun: true when nothing was or will be
     * opened for it (finish it no more); false when it is under way or done (finish it, and
     * close what it opened). A run that is ending need not open files only to close them, nor
     * wait for each behind a hung one.
     */
    public boolean cancel(PendingOpen p) {
        return p.state.compareAndSet(QUEUED, GIVEN_UP);
    }

    /** A worker stuck in the kernel: forgotten; it ends by itself if the kernel ever lets it go. */
    private void giveUp(Worker w) {
        w.lost = true;
        w.forget.run();
        workers.remove(w);
        lost.incrementAndGet();
    }

    private static final int RUNNING = 0, HANDED_OVER = 1, GIVEN_UP = 2, QUEUED = 3;

    /**
     * On the worker, at the end of an open: the descriptor goes to the caller, unless the caller
     * gave the open up meanwhile; then it is closed here, so an open that returns after its
     * timeout leaks nothing.
     */
    private Opened handOver(Opened o, AtomicInteger state) throws ReadTimeoutException {
        if (state.compareAndSet(RUNNING, HANDED_OVER)) return o;
        reader.close(o.fd());
        throw new ReadTimeoutException("open", 0, Duration.ofNanos(timeoutNanos));
    }

    /**
     * Waits for a call whose worker marks the point of no return (state RUNNING -> HANDED_OVER):
     * past the timeout the call is given up only if the worker has not reached it; one past it
     * (writing a chunk into the target, handing a descriptor over) is waited for.
     */
    private <T> T awaitGuarded(Worker w, AtomicInteger state, String what, long off) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        while (!w.done) {
            long left = deadline - System.nanoTime();
            if ((left <= 0 || interrupted) && state.compareAndSet(RUNNING, GIVEN_UP)) {
                if (interrupted) Thread.currentThread().interrupt(); // await then gives the worker up
                return await(w, System.nanoTime(), what, off);
            }
            LockSupport.parkNanos(this, left > 0 ? left : 1_000_000); // still running, or past the point: wait
            if (Thread.interrupted()) interrupted = true;
        }
        if (interrupted) Thread.currentThread().interrupt();
        return await(w, deadline, what, off);
    }

    /** open and fstat, on a worker; the descriptor is closed if fstat fails. */
    private Opened openAndStat(int dirFd, byte[] name, int flags) throws IOException {
        int fd = reader.open(dirFd, name, flags);
        try {
            return new Opened(fd, reader.fstat(fd));
        } catch (IOException | RuntimeException e) {
            reader.close(fd);
            throw e;
        }
    }

    private interface Call<T> {
        T run(Worker w) throws IOException;
    }

    private <T> T timed(Call<T> call, String what, long off) throws IOException {
        Worker w = begin(call);
        return await(w, System.nanoTime() + timeoutNanos, what, off);
    }

    /** Hands call to this caller's worker (made on first use) and returns at once. */
    private Worker begin(Call<?> call) {
        return begin(mine, call);
    }

    private Worker begin(ThreadLocal<Worker> slot, Call<?> call) {
        if (closed) throw new IllegalStateException("reads closed");
        Worker w = slot.get();
        if (w == null) {
            w = new Worker(bufferSize);
            w.forget = slot::remove;
            slot.set(w);
        }
        return begin(w, call);
    }

    /** A caller's open workers; null where none was made yet or one was given up for lost. */
    private static final class Lanes {
        Worker[] workers;

        Lanes(int n) { workers = new Worker[n]; }
    }

    /**
     * One of this caller's open workers with no call in flight (made on first use). With all of
     * them busy, one more is added for good: an open retried inside a finish (without O_NOATIME,
     * see RescueContentSource) comes while the runs in flight still hold theirs.
     */
    private Worker freeOpener() {
        if (closed) throw new IllegalStateException("reads closed");
        Lanes lanes = openers.get();
        int i = 0;
        for (; i < lanes.workers.length; i++) {
            Worker w = lanes.workers[i];
            if (w == null) break;
            if (!w.inUse) return w;
        }
        if (i == lanes.workers.length) lanes.workers = java.util.Arrays.copyOf(lanes.workers, i + 1);
        Worker made = new Worker(bufferSize);
        int k = i;
        made.forget = () -> {
            if (lanes.workers[k] == made) lanes.workers[k] = null;
        };
        lanes.workers[i] = made;
        return made;
    }

    private Worker begin(Worker w, Call<?> call) {
        if (closed) throw new IllegalStateException("reads closed");
        w.inUse = true;
        w.caller = Thread.currentThread();
        w.calls++;
        w.done = false;
        w.result = null;
        w.error = null;
        w.task = call;
        LockSupport.unpark(w.thread);
        return w;
    }

    /** Waits for w's call until deadline; past it the worker is given up for lost. */
    private <T> T await(Worker w, long deadline, String what, long off) throws IOException {
        try {
            return awaitCall(w, deadline, what, off);
        } finally {
            w.inUse = false;
        }
    }

    private <T> T awaitCall(Worker w, long deadline, String what, long off) throws IOException {
        while (!w.done) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                giveUp(w);
                throw new ReadTimeoutException(what, off, Duration.ofNanos(timeoutNanos));
            }
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                w.lost = true;
                w.forget.run();
                workers.remove(w);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading");
            }
        }
        if (w.error != null) throw rethrown(w.error);
        @SuppressWarnings("unchecked") T r = (T) w.result;
        return r;
    }

    /** What a worker's call threw, to be thrown on the caller's thread: unchecked ones as they are. */
    private static IOException rethrown(Throwable e) {
        if (e instanceof IOException io) return io;
        if (e instanceof RuntimeException re) throw re;
        if (e instanceof Error er) throw er;
        return new IOException(e);
    }

    /** Workers given up for lost so far (each blocked in a call, or ended since). */
    public int lostWorkers() { return lost.get(); }

    /** Ends the idle workers; a lost one stays where the kernel holds it (it is a daemon). */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            w.lost = true;
            LockSupport.unpark(w.thread);
        }
        workers.clear();
    }

    /** One worker thread and its direct buffer; fields are handed over through volatile writes. */
    private final class Worker implements Runnable {
        final Thread thread;
        final ByteBuffer direct;
        private ByteBuffer second; // the other buffer of direct reads, made on the first one
        private boolean useSecond;
        volatile Call<?> task;
        volatile Object result;
        volatile Throwable error;
        volatile boolean done, lost;
        volatile Thread caller;
        Runnable forget; // drops it from its caller's workers, once given up for lost
        boolean inUse; // a call begun and not yet awaited (the caller's thread only)
        volatile long calls; // calls begun: bytes an earlier call left in the buffer are stale once it moves

        /** The direct read buffer not used by the previous direct read. */
        ByteBuffer nextDirect() {
            if (second == null) second = ByteBuffer.allocateDirect(direct.capacity());
            useSecond = !useSecond;
            return useSecond ? second : direct;
        }

        Worker(int bufferSize) {
            direct = ByteBuffer.allocateDirect(bufferSize);
            thread = new Thread(this, "linkrescue-read-" + THREADS.incrementAndGet());
            thread.setDaemon(true); // a worker stuck in the kernel must not keep the JVM alive
            workers.add(this);
            thread.start();
        }

        @Override
        public void run() {
            while (!lost) {
                Call<?> t = task;
                if (t == null) {
                    LockSupport.park(this);
                    continue;
                }
                task = null;
                try {
                    result = t.run(this);
                } catch (Throwable e) {
                    error = e;
                }
                done = true;
                LockSupport.unpark(caller);
            }
        }
    }
}
