package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker thread that runs one call at a time for one caller, and the call's life: begun by
 * the caller ({@link #begin}), run and finished by the worker, which wakes the caller; taken by
 * the caller ({@link #take}), or given up for lost when it did not finish in time
 * ({@link #giveUp}): the thread stays blocked where the kernel holds it and ends by itself when
 * let go, touching nothing but its own buffers.
 *
 * <p>Handed over by park/unpark: an executor's queue costs several microseconds per call, which
 * a tree of millions of small files would feel. A worker idles parked, without a timeout, and
 * is woken only by a call or by its end.
 *
 * <p>Contracts, held by construction: a second call is refused while one is begun and not
 * taken; a call is never handed to a thread still returning from the previous one (begin waits
 * for it, which takes microseconds: only the return is left); a result is read only after the
 * worker published it (volatile {@code done}).
 */
final class TimedWorker implements Runnable {
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Calls given up while still inside the kernel, that have not returned since: the process cannot end before they do. */
    private static final AtomicInteger STUCK = new AtomicInteger();

    /** Drops a worker given up for lost from wherever its caller keeps it. */
    interface Forget {
        void forget(TimedWorker lost);
    }

    private final Thread thread;
    private final int bufferSize;
    private ByteBuffer direct, second; // made on first use; second only for double-buffered reads
    private boolean useSecond;
    private volatile TimedCalls.Call<?> task;
    private Object result; // published by done
    private Throwable error; // published by done
    /** The worker is not inside a call (true from the start, false from begin until the call returns). */
    private volatile boolean done = true;
    private volatile boolean lost;
    /** Whom the worker wakes when a call returns (the caller, while it waits). */
    private volatile Thread waiter;
    /** A call begun and not yet taken (the caller's thread only). */
    private boolean begun;
    /** Calls begun: a buffer's bytes from an earlier call are stale once this moves. */
    private volatile long calls;
    private final Forget forget;

    /**
     * @param bufferSize bytes of each direct buffer (0: none)
     * @param forget     drops it from its caller's workers once given up
     */
    TimedWorker(int bufferSize, Forget forget) {
        this.bufferSize = bufferSize;
        this.forget = forget;
        thread = new Thread(this, "linkrescue-read-" + THREADS.incrementAndGet());
        thread.setDaemon(true); // a worker stuck in the kernel must not keep the JVM alive
        thread.start();
    }

    /** Its direct buffer; between calls only, or inside its own call. */
    ByteBuffer buffer() {
        if (direct == null) direct = ByteBuffer.allocateDirect(bufferSize);
        return direct;
    }

    /** The direct buffer not used by the previous call to this (double-buffered reads). */
    ByteBuffer nextBuffer() {
        if (second == null) second = ByteBuffer.allocateDirect(bufferSize);
        useSecond = !useSecond;
        return useSecond ? second : buffer();
    }

    /**
     * Hands call over and returns at once.
     *
     * @throws IllegalStateException a call is begun and not taken, or this worker was given up
     */
    void begin(TimedCalls.Call<?> call) {
        if (begun) throw new IllegalStateException(thread.getName() + " has a call in flight");
        if (lost) throw new IllegalStateException(thread.getName() + " was given up");
        if (!done) awaitReturn();
        begun = true;
        calls++;
        result = null;
        error = null;
        done = false;
        task = call;
        LockSupport.unpark(thread);
    }

    /**
     * The caller took everything the call had to give (by other means than {@link #take}, as a
     * run of opens does, or by {@link #take}): another call may begin.
     */
    void taken() { begun = false; }

    /** Whether a call is begun and not taken. */
    boolean begun() { return begun; }

    /** Whether the current call returned. */
    boolean done() { return done; }

    boolean lost() { return lost; }

    long calls() { return calls; }

    /**
     * Waits for the call until deadline (System.nanoTime()): true when it returned, false when
     * the deadline passed first.
     *
     * @throws InterruptedException the caller was interrupted (the call goes on)
     */
    boolean await(long deadline) throws InterruptedException {
        if (done) return true;
        waiter = Thread.currentThread();
        try {
            while (!done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) throw new InterruptedException();
            }
            return true;
        } finally {
            waiter = null;
        }
    }

    /** Waits, without a limit, for a call that is known to return (it is past everything that may hang). */
    void awaitReturn() {
        boolean interrupted = false;
        waiter = Thread.currentThread();
        while (!done) {
            LockSupport.park(this);
            if (Thread.interrupted()) interrupted = true;
        }
        waiter = null;
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * The returned call's result, or what it threw, on the caller's thread (unchecked ones as
     * they are); the call is taken.
     */
    <T> T take() throws IOException {
        begun = false;
        if (error != null) throw rethrown(error);
        @SuppressWarnings("unchecked") T r = (T) result;
        return r;
    }

    /** What a worker's call threw, to be thrown on the caller's thread: unchecked ones as they are. */
    static IOException rethrown(Throwable e) {
        if (e instanceof IOException io) return io;
        if (e instanceof RuntimeException re) throw re;
        if (e instanceof Error er) throw er;
        return new IOException(e);
    }

    /**
     * The thread to wake when the call returns or delivers a part (a run of opens delivers one
     * open at a time), or null: set by a caller only while it waits, so no wake-up is left over
     * for a later, unrelated wait of that thread.
     */
    void waiter(Thread t) { waiter = t; }

    /** Wakes the caller if it waits. */
    void wakeCaller() {
        Thread t = waiter;
        if (t != null) LockSupport.unpark(t);
    }

    /**
     * The call hangs (or the caller stopped waiting): this worker is forgotten; it ends by
     * itself if the kernel ever lets it go.
     */
    void giveUp() {
        lost = true;
        begun = false;
        synchronized (this) {
            if (!done && !stuck) {
                stuck = true;
                STUCK.incrementAndGet();
            }
        }
        forget.forget(this);
        LockSupport.unpark(thread);
    }

    /** Whether this worker's call was given up while it had not returned, and still has not. Guarded by this. */
    private boolean stuck;

    /** Calls given up that have not returned yet, in the whole process. */
    static int stuckCalls() { return STUCK.get(); }

    /** Ends the thread once it is idle (at once when it is). */
    void end() {
        lost = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        while (true) {
            TimedCalls.Call<?> t = task;
            if (t == null) {
                if (lost) return;
                LockSupport.park(this);
                continue;
            }
            task = null;
            try {
                result = t.run();
            } catch (Throwable e) {
                error = e;
            }
            synchronized (this) {
                done = true;
                if (stuck) {
                    stuck = false;
                    STUCK.decrementAndGet();
                }
            }
            wakeCaller();
        }
    }

    @Override public String toString() { return thread.getName(); }
}
