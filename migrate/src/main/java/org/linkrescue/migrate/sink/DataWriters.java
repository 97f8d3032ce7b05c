package org.linkrescue.migrate.sink;

import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Threads that write the data of files the disk sink has created, while the sink's own thread
 * goes on with the next entries. Measured on a snapshot tree, one thread doing both the
 * namespace work (mkdir, create, link) and the copying of bytes was the bottleneck of migrate
 * and extract, with the second core partly idle.
 *
 * <p>At most maxInFlight jobs are queued or running: each holds a target descriptor and its
 * bytes in memory. Results come back in completion order through {@link #poll}, to be settled
 * on the sink's thread, which owns every table and counter; a job never throws.
 *
 * @param <R> what a job reports
 */
final class DataWriters<R> implements AutoCloseable {
    private final int maxInFlight;
    private final Semaphore room;
    private final ExecutorService pool;
    private final ConcurrentLinkedQueue<R> done = new ConcurrentLinkedQueue<>();

    DataWriters(int threads, int maxInFlight) {
        if (threads < 1 || maxInFlight < 1) throw new IllegalArgumentException(threads + " threads, " + maxInFlight + " in flight");
        this.maxInFlight = maxInFlight;
        this.room = new Semaphore(maxInFlight);
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "linkrescue-data");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs job on a data thread; waits while maxInFlight jobs are unfinished. */
    void submit(Supplier<R> job) throws InterruptedIOException {
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a data writer");
        }
        pool.execute(() -> {
            try {
                done.add(job.get());
            } finally {
                room.release();
            }
        });
    }

    /** The next finished job's result, or null when none has finished since the last poll. */
    R poll() { return done.poll(); }

    /** Waits until every submitted job has finished (their results wait in {@link #poll}). */
    void awaitIdle() throws InterruptedIOException {
        try {
            room.acquire(maxInFlight);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the data writers");
        }
        room.release(maxInFlight);
    }

    /** Lets queued jobs finish, then ends the threads (call awaitIdle first to wait for them). */
    @Override
    public void close() { pool.shutdown(); }
}
