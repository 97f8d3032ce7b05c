package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.linkrescue.migrate.fs.PosixException;

/**
 * The failing drive, read through timed workers ({@link TimedCalls}): reads of a caller's
 * array here, opens in {@link #opens()}, a large file's chunks in {@link #copies()}. A read
 * that hangs past the timeout costs its worker, never the caller: the worker reads into a
 * direct buffer of its own, and only a read that came back in time is copied into the
 * caller's array, on the caller's thread, so an array is never written after its read was
 * given up and may be used again at once.
 */
public final class TimedReads implements AutoCloseable {
    private final BlockReader reader;
    private final int bufferSize;
    private final TimedCalls calls;
    private final TimedOpens opens;
    private final ChunkCopies copies;

    public TimedReads(BlockReader reader, Duration timeout, int bufferSize) {
        this(reader, timeout, bufferSize, 1);
    }

    /**
     * @param openLanes opens a caller may have in flight at once ({@link TimedOpens#startOpen}),
     *                  each on a worker of its own
     */
    public TimedReads(BlockReader reader, Duration timeout, int bufferSize, int openLanes) {
        this.reader = reader;
        this.bufferSize = bufferSize;
        this.calls = new TimedCalls(timeout, bufferSize);
        this.opens = new TimedOpens(calls, reader, bufferSize, openLanes);
        this.copies = new ChunkCopies(calls, reader, bufferSize);
    }

    public BlockReader reader() { return reader; }

    /** Opens, one at a time or in runs. */
    public TimedOpens opens() { return opens; }

    /** A large file's chunks: direct reads, copies into the target, kernel-side copies. */
    public ChunkCopies copies() { return copies; }

    /** Any other call on the drive, on this caller's worker (an lstat, a directory listing). */
    public TimedCalls calls() { return calls; }

    /**
     * Reads up to len bytes at off into dst[dstOff..]: returns the bytes read (0 at end of file).
     * dst is written only by this call's own thread, and only when the read came back in time.
     *
     * @throws PosixException       the read failed (EIO and friends)
     * @throws ReadTimeoutException the read did not return within the timeout (dst is untouched)
     */
    public int pread(int fd, byte[] dst, int dstOff, int len, long off) throws IOException {
        if (len > bufferSize) throw new IllegalArgumentException("read of " + len + " > buffer " + bufferSize);
        TimedWorker w = calls.mine();
        ByteBuffer b = w.buffer();
        w.begin(() -> reader.pread(fd, b, len, off));
        int n = calls.<Integer>await(w, System.nanoTime() + calls.timeoutNanos(), "read", off);
        b.get(0, dst, dstOff, n);
        return n;
    }

    /** Workers given up for lost so far (each blocked in a call, or ended since). */
    public int lostWorkers() { return calls.lostWorkers(); }

    /** Ends the idle workers; a lost one stays where the kernel holds it (it is a daemon). */
    @Override
    public void close() { calls.close(); }
}
