package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * A large file's chunks on their way from the failing drive to the target, each call on a
 * worker and timed like any read, started and finished apart so that the caller overlaps them:
 * <ul>
 *   <li>direct reads into one of a worker's two buffers, handed to the caller as a view, while
 *       the caller writes out the previous chunk ({@link #startDirect});</li>
 *   <li>copies read and then written at their offset by a worker, two workers per caller, so
 *       one chunk's read overlaps the other's write, each chunk written whole or never
 *       ({@link #startCopy});</li>
 *   <li>copies inside the kernel, one sendfile(2) per chunk ({@link #startKernelCopy}).</li>
 * </ul>
 */
public final class ChunkCopies {
    private final TimedCalls calls;
    private final BlockReader reader;
    private final int bufferSize;
    /** A caller's second worker, for copies: two chunks of a large file in flight at once. */
    private final ThreadLocal<TimedWorker> second = new ThreadLocal<>();

    ChunkCopies(TimedCalls calls, BlockReader reader, int bufferSize) {
        this.calls = calls;
        this.reader = reader;
        this.bufferSize = bufferSize;
    }

    /**
     * A read of fd at off started on this caller's worker by {@link #startDirect}, to be taken
     * with {@link #finishDirect} before this caller makes any other call on that worker.
     */
    public static final class DirectRead {
        private final TimedWorker worker;
        private final long off;

        private DirectRead(TimedWorker worker, long off) {
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
        fits(len);
        TimedWorker w = calls.mine();
        ByteBuffer b = w.nextBuffer();
        w.begin(() -> {
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
        return calls.await(r.worker, System.nanoTime() + calls.timeoutNanos(), "read", r.off);
    }

    /**
     * A chunk of a large file copied by a worker: read into the worker's buffer, then written
     * by the same worker at the same offset of the target, so the bytes are written from a warm
     * cache. It is written whole or not at all: a worker given up for lost while reading may
     * not write afterwards, and one already writing is waited for (a write to the target does
     * not hang the way a dying drive's read does).
     */
    public static final class Copy {
        private final TimedWorker worker;
        private final CallState state;
        private final long off;
        private final int len;

        private Copy(TimedWorker worker, CallState state, long off, int len) {
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
     * copy workers (onSecond false: the usual one) and returns at once.
     */
    public Copy startCopy(boolean onSecond, int in, int out, long off, int len) {
        fits(len);
        CallState state = CallState.running();
        TimedWorker w = onSecond ? calls.worker(second) : calls.mine();
        ByteBuffer b = w.buffer();
        w.begin(() -> {
            int n = reader.pread(in, b, len, off);
            if (n == 0) return 0;
            if (!state.handOver()) return -1; // given up: write nothing
            try {
                Posix.pwriteFully(out, b.duplicate().position(0).limit(n), n, off);
            } catch (PosixException x) {
                throw new CopyWriteFailed(x);
            }
            return n;
        });
        return new Copy(w, state, off, len);
    }

    /**
     * Waits for a copy: the bytes copied (fewer than asked at end of file or where a bad block
     * starts; 0 at end of file; -1 when the read came back just after it was given up, and
     * wrote nothing).
     *
     * @throws PosixException       the read failed (nothing was written)
     * @throws CopyWriteFailed      the write into the target failed
     * @throws ReadTimeoutException the read did not return within the timeout (nothing was
     *                              written, and nothing will be)
     */
    public int finishCopy(Copy c) throws IOException {
        Integer n = calls.awaitGuarded(c.worker, c.state, "read", c.off);
        return n;
    }

    /** A chunk copied inside the kernel by a worker ({@link #startKernelCopy}). */
    public static final class KernelCopy {
        private final TimedWorker worker;
        private final long off;

        private KernelCopy(TimedWorker worker, long off) {
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
        int own = Posix.dup(out);
        TimedWorker w;
        try {
            w = calls.mine();
            w.begin(() -> {
                try {
                    Posix.lseek(own, off, Posix.SEEK_SET);
                    return reader.sendfile(own, in, off, len);
                } finally {
                    Posix.close(own);
                }
            });
        } catch (RuntimeException e) {
            Posix.close(own);
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
        Long n = calls.await(c.worker, System.nanoTime() + calls.timeoutNanos(), "copy", c.off);
        return n;
    }

    private void fits(int len) {
        if (len > bufferSize) throw new IllegalArgumentException("chunk of " + len + " > buffer " + bufferSize);
    }
}
