package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.linkrescue.migrate.fs.PosixException;

/**
 * Runs each read of the failing drive on a worker thread and waits at most the read timeout.
 * A dying disk can stall a read for minutes, and a thread stuck in the kernel cannot be
 * interrupted from Java: such a worker is given up for lost (it stays blocked, holding only its
 * own direct buffer and the caller's abandoned array), and the next read gets a fresh thread
 * from the pool. The caller must never reuse an array a lost read may still write into; see
 * {@link ReadTimeoutException}.
 */
public final class TimedReads implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final BlockReader reader;
    private final long timeoutNanos;
    private final int bufferSize;
    /** Idle workers are reused; a lost one never comes back, so the pool grows by one per hang. */
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "linkrescue-read-" + THREADS.incrementAndGet());
        t.setDaemon(true); // a worker stuck in the kernel must not keep the JVM alive
        return t;
    });
    private final ThreadLocal<ByteBuffer> direct;
    private final AtomicInteger lost = new AtomicInteger();

    public TimedReads(BlockReader reader, Duration timeout, int bufferSize) {
        this.reader = reader;
        this.timeoutNanos = timeout.toNanos();
        this.bufferSize = bufferSize;
        this.direct = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(bufferSize));
    }

    public BlockReader reader() { return reader; }

    /**
     * Reads up to len bytes at off into dst[dstOff..]: returns the bytes read (0 at end of file).
     *
     * @throws PosixException       the read failed (EIO and friends)
     * @throws ReadTimeoutException the read did not return within the timeout; dst is abandoned
     */
    public int pread(int fd, byte[] dst, int dstOff, int len, long off) throws IOException {
        if (len > bufferSize) throw new IllegalArgumentException("read of " + len + " > buffer " + bufferSize);
        return timed(() -> {
            ByteBuffer b = direct.get();
            int n = reader.pread(fd, b, len, off);
            b.get(0, dst, dstOff, n);
            return n;
        }, "read at byte " + off, off);
    }

    /** An open file and what fstat said of it. */
    public record Opened(int fd, org.linkrescue.migrate.fs.Stat stat) {}

    /**
     * Opens name below dirFd and fstats it, on a worker: a dying drive can stall while reading an
     * inode as much as while reading data. A descriptor a lost open returns late is never closed
     * (one leaked descriptor per hang, in a run that goes on).
     *
     * @throws PosixException       open or fstat failed (the descriptor is closed)
     * @throws ReadTimeoutException it did not return within the timeout
     */
    public Opened open(int dirFd, byte[] name, int flags) throws IOException {
        return timed(() -> {
            int fd = reader.open(dirFd, name, flags);
            try {
                return new Opened(fd, reader.fstat(fd));
            } catch (IOException | RuntimeException e) {
                reader.close(fd);
                throw e;
            }
        }, "open", 0);
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T timed(Call<T> call, String what, long off) throws IOException {
        Future<T> f = pool.submit(call::run);
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true); // does not free a thread inside the kernel, but one waiting in Java
            lost.incrementAndGet();
            throw new ReadTimeoutException(what, off, Duration.ofNanos(timeoutNanos));
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new InterruptedIOException("interrupted while reading");
        }
    }

    /** Workers given up for lost so far (each still blocked in a read). */
    public int lostWorkers() { return lost.get(); }

    @Override public void close() { pool.shutdownNow(); }

    /** A read that did not return in time; the array it was reading into must not be reused. */
    public static final class ReadTimeoutException extends IOException {
        private final long offset;

        public ReadTimeoutException(String what, long offset, Duration timeout) {
            super(what + " did not return within " + timeout.toMillis() / 1000.0 + " s");
            this.offset = offset;
        }

        public long offset() { return offset; }
    }
}
