package org.linkrescue.migrate.sink;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.linkrescue.migrate.concurrent.Handoff;

/**
 * Threads that write the data of files the disk sink has created, while the sink's own threads
 * go on with the next entries. Measured on a snapshot tree, one thread doing both the
 * namespace work (mkdir, create, link) and the copying of bytes was the bottleneck of migrate
 * and extract, with the second core partly idle.
 *
 * <p>Jobs go to the least busy thread through {@link Handoff} queues, so a tree of small files
 * costs no wake-up per file. At most {@code perThread} jobs wait per thread, plus the one it
 * runs: each holds a target descriptor and its bytes in memory. Results come back in completion
 * order to the {@link Client} that submitted the job, to be settled on that client's thread,
 * which owns its tables and counters; a job never throws.
 *
 * <p>Several threads may submit at once (the sink's lanes, each through a client of its own);
 * each client polls, waits for its own jobs, and is used by one thread at a time. The
 * one-client methods ({@link #submit}, {@link #poll}, {@link #awaitIdle}) go through a client
 * made with the writers.
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
    private static final Job<?> END = new Job<>(() -> null, null, false);

    /** Started on the first job (a sink whose lanes write small files themselves may never need one). */
    private volatile List<Worker> workers = List.of();
    private final int threads, perThread;
    /**
     * Large files no thread was free for, for whichever frees first: given to a busy thread, a
     * third large file waited out the first on its thread while the other thread, done with the
     * second, sat idle (three files of 2 GiB: one thread busy 7.8 s, the other 2.8 s).
     */
    private final ConcurrentLinkedQueue<Job<R>> shared = new ConcurrentLinkedQueue<>();
    /**
     * Large files waiting in {@link #shared} at most: each holds three descriptors (the drive's
     * file, the target's, its directory's) until it is written, and a run of large files off a
     * slow drive would otherwise queue them all. Two: whichever thread frees first has the next
     * at hand, and the read-ahead's bound of 256 descriptors stays the bound of the run.
     */
    static final int SHARED_MAX = 2;
    /** The submitter waiting for room in the shared queue (submissions are one at a time). */
    private volatile Thread waitingForRoom;
    /**
     * A thread for large files only, made when the first large file finds every data thread
     * busy: it takes from the shared queue, so one large file more copies at once. A large
     * file's copy is mostly the kernel's work, and often waits (page cache to allocate, on a VM
     * host faults behind it; writeback); copied alone, the last of three large files took as
     * long as the first two together (3 x 2 GiB to a disk: 4.73 s with two at most at once,
     * 3.69 s with three, cp 3.6 s).
     */
    private volatile Worker largeOnly; // made under the lock, read by any client's awaitIdle
    private int next;
    private boolean closed;
    /** The client of the one-client methods. */
    private final Client own;

    DataWriters(int threads, int perThread) {
        if (threads < 1 || perThread < 1) throw new IllegalArgumentException(threads + " threads, " + perThread + " per thread");
        this.threads = threads;
        this.perThread = perThread;
        own = new Client();
    }

    /**
     * A job and the client its result goes to. shared: in the shared queue, counted on
     * whichever thread runs it, not on one given it.
     */
    private record Job<R>(Supplier<R> work, DataWriters<R>.Client to, boolean shared) {}

    private Job<?> takeShared() {
        Job<?> j = shared.poll();
        if (j != null) roomMade();
        return j;
    }

    /** Wakes a submitter waiting for room in the shared queue, or for an idle thread. */
    private void roomMade() {
        Thread t = waitingForRoom;
        if (t != null) LockSupport.unpark(t);
    }

    /** A submitter of its own: its jobs' results, and a wait for its jobs alone. */
    Client client() { return new Client(); }

    /**
     * One submitting thread's share of the writers: the results of its jobs, in completion
     * order, and a wait for its own jobs only (another client's stream of small files never
     * keeps it waiting). Used by one thread at a time.
     */
    final class Client {
        private final ConcurrentLinkedQueue<R> done = new ConcurrentLinkedQueue<>();
        private volatile long submitted; // written by the client's thread only
        private volatile long finished;
        private volatile Thread waiting; // the client's thread, parked in awaitIdle

        /** As {@link DataWriters#submit(Supplier, boolean)}, the result coming back here. */
        void submit(Supplier<R> job, boolean large) throws InterruptedIOException {
            DataWriters.this.submit(job, large, this);
        }

        /** The next finished job's result, or null when none has finished since the last poll. */
        R poll() { return done.poll(); }

        /** Waits until every job this client submitted has finished (their results wait in {@link #poll}). */
        void awaitIdle() throws InterruptedIOException {
            nudgeAll(); // nothing more comes from here: do not wait for a fuller queue
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

        private synchronized void finishedOne(R r) {
            if (r != null) done.add(r);
            finished = finished + 1; // several workers: one at a time
            Thread t = waiting;
            if (t != null && finished == submitted) LockSupport.unpark(t);
        }
    }

    /**
     * Runs job on a data thread; waits while that thread's queue is full. The thread is the one
     * with the fewest jobs not yet finished (the next in turn among equals), passing over any
     * whose current job has run for {@link #LONG_JOB_NANOS} already (a large file, read as it is
     * written) while another has none such: round-robin would queue half the small files behind
     * it, and soon stop the submitter at its full queue.
     */
    void submit(Supplier<R> job) throws InterruptedIOException {
        own.submit(job, false);
    }

    /**
     * large: the job is a large file (it reads its bytes as it writes them, for seconds). It
     * goes to a thread with nothing to do, else to the shared queue, taken from by the thread
     * for large files only and by the first data thread to run out of its own work.
     */
    void submit(Supplier<R> job, boolean large) throws InterruptedIOException {
        own.submit(job, large);
    }

    /** One submission at a time: the choice of a thread and the hand-off to it go together. */
    private synchronized void submit(Supplier<R> work, boolean large, Client to) throws InterruptedIOException {
        if (closed) throw new IllegalStateException("data writers closed");
        if (workers.isEmpty()) {
            List<Worker> started = new ArrayList<>();
            for (int i = 0; i < threads; i++) started.add(new Worker(perThread));
            workers = started;
        }
        if (large) {
            for (Worker c : workers) {
                if (c.unfinished() == 0) {
                    give(c, new Job<>(work, to, false));
                    return;
                }
            }
            if (largeOnly == null) largeOnly = new Worker(1); // it finds the shared queue on its first look
            while (shared.size() >= SHARED_MAX) { // full: wait for room, or for a thread with nothing to do
                waitingForRoom = Thread.currentThread();
                for (Worker c : workers) {
                    if (c.unfinished() == 0) {
                        waitingForRoom = null;
                        give(c, new Job<>(work, to, false));
                        return;
                    }
                }
                if (shared.size() >= SHARED_MAX) LockSupport.parkNanos(this, ROOM_WAIT_NANOS);
                waitingForRoom = null;
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a data writer");
                }
            }
            to.submitted++;
            shared.add(new Job<>(work, to, true));
            largeOnly.queue.wake();
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
        give(w, new Job<>(work, to, false));
    }

    private void give(Worker w, Job<R> job) throws InterruptedIOException {
        w.given++; // before the job can end: given - ended never goes below 0
        job.to().submitted++; // likewise for the client's count
        while (!w.queue.put(job, ROOM_WAIT_NANOS)) {
            if (Thread.interrupted()) {
                w.given--;
                job.to().submitted--;
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a data writer");
            }
        }
    }

    /** The next finished job's result, or null when none has finished since the last poll. */
    R poll() { return own.poll(); }

    /** Waits until every job submitted through {@link #submit} has finished (their results wait in {@link #poll}). */
    void awaitIdle() throws InterruptedIOException { own.awaitIdle(); }

    private void nudgeAll() {
        for (Worker w : all()) w.queue.nudge();
    }

    /** Lets queued jobs finish, then ends the threads (call awaitIdle first to wait for them). */
    @Override
    public synchronized void close() {
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

    private List<Worker> all() {
        if (largeOnly == null) return workers;
        List<Worker> a = new ArrayList<>(workers);
        a.add(largeOnly);
        return a;
    }

    private final class Worker implements Runnable {
        final Handoff<Job<?>> queue;
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
                Job<?> job;
                try {
                    job = queue.takeOr(this::takeShared);
                } catch (InterruptedException e) {
                    return;
                }
                if (job == END) { // what waits in the shared queue still runs first
                    Job<?> s;
                    while ((s = takeShared()) != null) run(s);
                    return;
                }
                run(job);
            }
        }

        /**
         * A large file from the shared queue, counted as this thread's before it is taken: the
         * submitter, seeing this thread idle in between, would give it one more large file, and
         * the bound of large files in flight would not hold.
         */
        private Job<?> takeShared() {
            runningShared = true;
            Job<?> j = DataWriters.this.takeShared();
            if (j == null) runningShared = false;
            return j;
        }

        private void run(Job<?> job) {
            @SuppressWarnings("unchecked") Job<R> j = (Job<R>) job;
            runningShared = j.shared();
            runningSince = Math.max(1, System.nanoTime());
            R r = null;
            try {
                r = j.work().get();
            } finally {
                runningSince = 0;
                if (j.shared()) runningShared = false;
                else ended = ended + 1;
                j.to().finishedOne(r);
                roomMade(); // a thread with nothing to do may take a large file directly
            }
        }
    }
}
