package org.linkrescue.migrate.sink;

import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.linkrescue.migrate.concurrent.Handoff;

/**
 * Threads that write the data of files the disk sink has created, while the sink's own thread
 * goes on with the next entries. Measured on a snapshot tree, one thread doing both the
 * namespace work (mkdir, create, link) and the copying of bytes was the bottleneck of migrate
 * and extract, with the second core partly idle.
 *
 * <p>Jobs go to the least busy thread through {@link Handoff} queues, so a tree of small files
 * costs no wake-up per file. At most {@code perThread} jobs wait per thread, plus the one it
 * runs: each holds a target descriptor and its bytes in memory. Results come back in completion
 * order through {@link #poll}, to be settled on the sink's thread, which owns every table and
 * counter; a job never throws.
 *
 * <p>One thread at a time (the sink's) submits, polls, waits and closes.
 *
 * @param <R> what a job reports
 */
final class DataWriters<R> implements AutoCloseable {
    /** Longest a few jobs wait before a sleeping data thread is woken for them. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Longest the submitter waits for room at a time before it looks whether it was interrupted. */
    private static final long ROOM_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A job running this long is a large file, not one of many small ones (those take microseconds). */
    static final long LONG_JOB_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Supplier<?> END = () -> null;

    private final java.util.List<Worker> workers = new java.util.ArrayList<>();
    /**
     * Large files no thread was free for, for whichever frees first: given to a busy thread, a
     * third large file waited out the first on its thread while the other thread, done with the
     * second, sat idle (three files of 2 GiB: one thread busy 7.8 s, the other 2.8 s).
     */
    private final ConcurrentLinkedQueue<Shared> shared = new ConcurrentLinkedQueue<>();
    /**
     * A thread for large files only, made when the first large file finds every data thread
     * busy: it takes from the shared queue, so one large file more copies at once. A large
     * file's copy is mostly the kernel's work, and often waits (page cache to allocate, on a VM
     * host faults behind it; writeback); copied alone, the last of three large files took as
     * long as the first two together (3 x 2 GiB to a disk: 4.73 s with two at most at once,
     * 3.69 s with three, cp 3.6 s).
     */
    private Worker largeOnly;
    private final ConcurrentLinkedQueue<R> done = new ConcurrentLinkedQueue<>();
    private int next;
    private volatile long submitted; // written by the submitting thread only
    private volatile long finished;
    private volatile Thread waiting; // the submitter, parked in awaitIdle
    private boolean closed;

    DataWriters(int threads, int perThread) {
        if (threads < 1 || perThread < 1) throw new IllegalArgumentException(threads + " threads, " + perThread + " per thread");
        for (int i = 0; i < threads; i++) workers.add(new Worker(perThread));
    }

    /** A job in the shared queue: counted on whichever thread runs it, not on one given it. */
    private record Shared(Supplier<?> job) implements Supplier<Object> {
        @Override public Object get() { return job.get(); }
    }

    private Supplier<?> takeShared() { return shared.poll(); }

    /**
     * Runs job on a data thread; waits while that thread's queue is full. The thread is the one
     * with the fewest jobs not yet finished (the next in turn among equals), passing over any
     * whose current job has run for {@link #LONG_JOB_NANOS} already (a large file, read as it is
     * written) while another has none such: round-robin would queue half the small files behind
     * it, and soon stop the submitter at its full queue.
     */
    void submit(Supplier<R> job) throws InterruptedIOException {
        submit(job, false);
    }

    /**
     * large: the job is a large file (it reads its bytes as it writes them, for seconds). It
     * goes to a thread with nothing to do, else to the shared queue, taken from by the thread
     * for large files only and by the first data thread to run out of its own work.
     */
    void submit(Supplier<R> job, boolean large) throws InterruptedIOException {
        if (closed) throw new IllegalStateException("data writers closed");
        if (large) {
            for (Worker c : workers) {
                if (c.unfinished() == 0) {
                    give(c, job);
                    return;
                }
            }
            shared.add(new Shared(job));
            submitted++;
            if (largeOnly == null) largeOnly = new Worker(1); // it finds the shared queue on its first look
            else largeOnly.queue.wake();
            for (Worker c : workers) c.queue.wake(); // whichever runs out of work first takes it
            return;
        }
        long now = System.nanoTime();
        int n = workers.size(), chosen = -1;
        Worker w = null;
        boolean wLong = false;
        for (int i = 0; i < n; i++) {
            int k = (next + i) % n;
            Worker c = workers.get(k);
            long since = c.runningSince;
            boolean cLong = since != 0 && now - since > LONG_JOB_NANOS;
            if (w == null || (wLong && !cLong) || (wLong == cLong && c.unfinished() < w.unfinished())) {
                w = c;
                wLong = cLong;
                chosen = k;
            }
        }
        next = (chosen + 1) % n;
        give(w, job);
    }

    private void give(Worker w, Supplier<R> job) throws InterruptedIOException {
        w.given++; // before the job can end: given - ended never goes below 0
        while (!w.queue.put(job, ROOM_WAIT_NANOS)) {
            if (Thread.interrupted()) {
                w.given--;
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a data writer");
            }
        }
        submitted++;
    }

    /** The next finished job's result, or null when none has finished since the last poll. */
    R poll() { return done.poll(); }

    /** Waits until every submitted job has finished (their results wait in {@link #poll}). */
    void awaitIdle() throws InterruptedIOException {
        for (Worker w : all()) w.queue.nudge(); // nothing more comes: do not wait for a fuller queue
        while (finished != submitted) {
            waiting = Thread.currentThread();
            if (finished != submitted) LockSupport.park(this); // the last job to finish wakes it
            waiting = null;
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the data writers");
            }
        }
    }

    /** Lets queued jobs finish, then ends the threads (call awaitIdle first to wait for them). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        boolean interrupted = Thread.interrupted(); // the threads are ended all the same
        for (Worker w : all()) {
            while (!w.queue.put(END, ROOM_WAIT_NANOS)) {
                if (!w.thread.isAlive()) break;
            }
            w.queue.nudge();
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private java.util.List<Worker> all() {
        if (largeOnly == null) return workers;
        java.util.List<Worker> a = new java.util.ArrayList<>(workers);
        a.add(largeOnly);
        return a;
    }

    private final class Worker implements Runnable {
        final Handoff<Supplier<?>> queue;
        final Thread thread;
        long given; // jobs handed to this thread; the submitter's only
        volatile long ended; // of those, finished; written by this thread only
        volatile long runningSince; // System.nanoTime() its current job started at, 0 while idle
        volatile boolean runningShared; // its current job came from the shared queue

        long unfinished() { return given - ended + (runningShared ? 1 : 0); }

        Worker(int capacity) {
            // Woken early once a quarter of its queue waits: a burst to work through per wake-up.
            queue = new Handoff<>(capacity, Math.max(1, capacity / 4), LINGER_NANOS);
            thread = new Thread(this, "linkrescue-data");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (true) {
                Supplier<?> job;
                try {
                    job = queue.takeOr(DataWriters.this::takeShared);
                } catch (InterruptedException e) {
                    return;
                }
                if (job == END) { // what waits in the shared queue still runs first
                    Supplier<?> s;
                    while ((s = takeShared()) != null) run(s);
                    return;
                }
                run(job);
            }
        }

        private void run(Supplier<?> job) {
            runningShared = job instanceof Shared;
            runningSince = Math.max(1, System.nanoTime());
            try {
                @SuppressWarnings("unchecked") R r = (R) job.get();
                done.add(r);
            } finally {
                runningSince = 0;
                if (job instanceof Shared) runningShared = false;
                else ended = ended + 1;
                finishedOne();
            }
        }
    }

    private synchronized void finishedOne() {
        finished = finished + 1; // several workers: one at a time
        Thread t = waiting;
        if (t != null && finished == submitted) LockSupport.unpark(t);
    }
}
