package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs calls that may hang on worker threads and waits for each at most the timeout. A dying
 * disk can stall a read, an open, a directory listing or an lstat for minutes, and a thread
 * stuck in the kernel cannot be interrupted from Java: such a worker is given up for lost (it
 * stays blocked, holding only what its call holds; when the kernel lets it go it ends) and the
 * caller's next call gets a fresh worker.
 *
 * <p>Any call can be made this way ({@link #call}); reads, opens and chunk copies of a failing
 * drive are built on the same workers ({@link TimedReads}, {@link TimedOpens}, {@link ChunkCopies}).
 * Each calling thread has its own worker, made on first use: calls from one thread run one at a
 * time, calls from several threads side by side.
 */
public final class TimedCalls implements AutoCloseable {
    /** A call to run on a worker: whatever it returns or throws reaches the caller. */
    public interface Call<T> {
        T run() throws IOException;
    }

    private final Duration timeout;
    private final long timeoutNanos;
    private final int bufferSize;
    private final ThreadLocal<TimedWorker> mine = new ThreadLocal<>();
    /** Each thread's worker for calls it {@link #start}s, apart from its {@link #call}s. */
    private final ThreadLocal<TimedWorker> started = new ThreadLocal<>();
    private final Set<TimedWorker> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lost = new AtomicInteger();
    private volatile boolean closed;

    public TimedCalls(Duration timeout) {
        this(timeout, 0);
    }

    /** @param bufferSize bytes of each worker's direct buffer, for reads (0: none) */
    TimedCalls(Duration timeout, int bufferSize) {
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.bufferSize = bufferSize;
    }

    public Duration timeout() { return timeout; }

    long timeoutNanos() { return timeoutNanos; }

    /**
     * Runs call on this thread's worker and returns what it returns, or throws what it throws.
     *
     * @param what names the call in the timeout's message ("lstat", "getdents")
     * @throws ReadTimeoutException  it did not return within the timeout: its worker is given up
     *                               for lost, and whatever the call was to fill must not be used
     * @throws InterruptedIOException this thread was interrupted while waiting (the worker is
     *                               given up too)
     */
    public <T> T call(String what, Call<T> call) throws IOException {
        TimedWorker w = mine();
        w.begin(call);
        return await(w, System.nanoTime() + timeoutNanos, what, -1);
    }

    /**
     * A call begun on a worker of its own, to be taken later by the thread that began it, which
     * goes on meanwhile (the scan lists the next directory while it hands out this one's
     * names). One at a time per thread; the thread's {@link #call}s use another worker.
     */
    public <T> Started<T> start(Call<T> call) {
        TimedWorker w = worker(started);
        w.begin(call);
        return new Started<>(w);
    }

    /** A call begun by {@link #start}: waited for, taken, given up or abandoned by the thread that began it. */
    public final class Started<T> {
        private final TimedWorker w;

        private Started(TimedWorker w) { this.w = w; }

        /** Whether the call returned. */
        public boolean done() { return w.done(); }

        /**
         * Waits for the call until deadline (System.nanoTime()): true once it returned, false
         * when the deadline passed first (the call goes on: {@link #giveUp} or wait again).
         */
        public boolean await(long deadline) throws InterruptedIOException {
            try {
                return w.await(deadline);
            } catch (InterruptedException e) {
                abandon();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a call begun ahead");
            }
        }

        /** What the returned call returned, or throws what it threw. */
        public T take() throws IOException { return w.take(); }

        /** The call hangs: its worker is given up for lost, as a timed-out {@link #call}'s is. */
        public void giveUp() { TimedCalls.this.giveUp(w); }

        /** Not wanted any more, returned or not: its worker is let go (not counted as lost: it did not hang). */
        public void abandon() {
            if (w.done()) w.taken();
            else drop(w);
        }
    }

    /**
     * Calls given up for hanging that the kernel still holds, in the whole process: the process
     * cannot end before they return (a thread in an uninterruptible read does not die, even
     * from SIGKILL), however finished the run is.
     */
    public static int stuckInKernel() { return TimedWorker.stuckCalls(); }

    /** Workers given up for lost so far (each blocked in a call, or ended since). */
    public int lostWorkers() { return lost.get(); }

    /** Ends the idle workers; a lost one stays where the kernel holds it (it is a daemon). */
    @Override
    public void close() {
        closed = true;
        for (TimedWorker w : workers) w.end();
        workers.clear();
    }

    /** This thread's worker (made on first use). */
    TimedWorker mine() { return worker(mine); }

    /** This thread's worker in slot (made on first use; a thread may have several, for calls in flight at once). */
    TimedWorker worker(ThreadLocal<TimedWorker> slot) {
        if (closed) throw new IllegalStateException("timed calls closed");
        TimedWorker w = slot.get();
        if (w == null) {
            w = newWorker(lostOne -> {
                if (slot.get() == lostOne) slot.remove();
            });
            slot.set(w);
        }
        return w;
    }

    /** A worker of its own for the caller to keep; forget drops it from where it is kept once given up. */
    TimedWorker newWorker(TimedWorker.Forget forget) {
        if (closed) throw new IllegalStateException("timed calls closed");
        TimedWorker w = new TimedWorker(bufferSize, forget);
        workers.add(w);
        return w;
    }

    /**
     * Waits for w's call until deadline and takes it; past the deadline the worker is given up
     * for lost.
     *
     * @param off the byte the call was at, for the message (-1: none)
     */
    <T> T await(TimedWorker w, long deadline, String what, long off) throws IOException {
        boolean returned;
        try {
            returned = w.await(deadline);
        } catch (InterruptedException e) {
            drop(w);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + what);
        }
        if (!returned) {
            giveUp(w);
            throw timedOut(what, off);
        }
        return w.take();
    }

    /**
     * Waits for a call whose worker marks the point of no return in state: past the timeout
     * (or once interrupted) the call is given up only if the worker has not reached it; one
     * past it is waited for, as long as it takes (it writes into the target, which does not
     * hang the way a dying drive's read does).
     */
    <T> T awaitGuarded(TimedWorker w, CallState state, String what, long off) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            if (!w.await(deadline) && state.giveUp()) {
                giveUp(w);
                throw timedOut(what, off);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            if (state.giveUp()) {
                giveUp(w);
                Thread.currentThread().interrupt();
                throw timedOut(what, off);
            }
        }
        w.awaitReturn(); // returned, or past the point of no return
        if (interrupted) Thread.currentThread().interrupt();
        return w.take();
    }

    /** A worker stuck in the kernel: forgotten and counted; it ends by itself if the kernel ever lets it go. */
    void giveUp(TimedWorker w) {
        drop(w);
        lost.incrementAndGet();
    }

    /** A worker whose caller stopped waiting for it. */
    private void drop(TimedWorker w) {
        w.giveUp();
        workers.remove(w);
    }

    /** @param off the byte the call was at (-1: none) */
    public ReadTimeoutException timedOut(String what, long off) {
        return new ReadTimeoutException(off >= 0 ? what + " at byte " + off : what, Math.max(off, 0), timeout);
    }
}
