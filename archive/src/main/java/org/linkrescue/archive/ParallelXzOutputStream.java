package org.linkrescue.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.LockSupport;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * xz on every core: the input is cut into blocks (8 MiB by default), each block compressed on
 * its own as a complete .xz stream, and the streams written out in order. A concatenation of
 * .xz streams is itself a valid .xz file: `xz -d` and XZInputStream read it whole.
 *
 * <p>Memory is bounded: at most {@code threads} blocks are being compressed while one more is
 * being filled; a full block waits for the oldest to be written. Compression errors surface on
 * the next write or on close. Ratio is a little worse than one long stream (each block starts
 * with an empty dictionary); that is the price of using all cores, as with `xz -T0`.
 *
 * <p>A block takes seconds at preset 6, so the work in flight can be given up: the writer
 * waiting for a block sleeps until the block is done or its {@link Cancellation} wakes it, and
 * {@link #abandon} drops the work outright. Then the blocks still compressing stop at their next
 * 64 KiB, nothing more is written, and every later write or flush throws the reason.
 */
public final class ParallelXzOutputStream extends OutputStream {
    public static final int DEFAULT_BLOCK = 8 << 20;

    /**
     * Each block needs a fresh encoder, and an encoder at preset 6 allocates about 90 MiB of
     * match-finder arrays: without reuse every 8 MiB block left that much garbage (measured on a
     * 180 MB tree: peak RSS 700 MB without the cache, 530 MB with it). One cache per
     * compressing thread hands the same arrays back.
     */
    private static final ThreadLocal<ArrayCache> ENCODER_ARRAYS = ThreadLocal.withInitial(BasicArrayCache::new);

    private final OutputStream out;
    private final int threads;
    private final LZMA2Options options;
    private final int blockSize;
    private final ExecutorService pool;
    private final Cancellation cancel;
    private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private byte[] block;
    private int fill;
    private boolean wroteAny;
    private boolean closed;
    /** Why the work in flight was given up; null while it is not. */
    private IOException gaveUp;
    /** Set with gaveUp, read by the compressing threads. */
    private volatile boolean abandoned;
    /** The writer while it sleeps until a block is done (the block's end wakes it). */
    private volatile Thread waiting;
    /** Input a compressing thread takes between its looks at whether the block was given up. */
    private static final int SLICE = 64 << 10;

    public ParallelXzOutputStream(OutputStream out, int threads, int preset, int blockSize) throws IOException {
        this(out, threads, preset, blockSize, Cancellation.NONE);
    }

    /** @param cancel asked while a block is waited for; when it throws, the work in flight is given up */
    public ParallelXzOutputStream(OutputStream out, int threads, int preset, int blockSize, Cancellation cancel) throws IOException {
        this.out = out;
        this.cancel = cancel;
        this.threads = Math.max(1, threads);
        this.blockSize = blockSize;
        try {
            this.options = new LZMA2Options(preset);
            // a dictionary larger than a block is memory for nothing
            if (options.getDictSize() > blockSize) options.setDictSize(Math.max(LZMA2Options.DICT_SIZE_MIN, blockSize));
        } catch (UnsupportedOptionsException e) {
            throw new IOException("bad xz preset " + preset + ": " + e.getMessage(), e);
        }
        this.block = new byte[blockSize];
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "xz-block");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) throw new IOException("xz stream already closed");
        if (gaveUp != null) throw gaveUp;
        while (len > 0) {
            int k = Math.min(len, blockSize - fill);
            System.arraycopy(b, off, block, fill, k);
            fill += k;
            off += k;
            len -= k;
            if (fill == blockSize) submit();
        }
    }

    private void submit() throws IOException {
        while (inFlight.size() >= threads) writeOldest();
        byte[] data = block;
        int n = fill;
        FutureTask<byte[]> task = new FutureTask<>(() -> compress(data, n)) {
            @Override
            protected void done() {
                Thread w = waiting;
                if (w != null) LockSupport.unpark(w);
            }
        };
        pool.execute(task);
        inFlight.add(task);
        wroteAny = true;
        block = new byte[blockSize];
        fill = 0;
    }

    private byte[] compress(byte[] data, int n) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream(n / 4 + 1024);
        XZOutputStream xz = new XZOutputStream(bo, options, XZ.CHECK_CRC64, ENCODER_ARRAYS.get());
        for (int off = 0; off < n; off += SLICE) {
            // Given up: dropped unfinished (finishing it would compress what is left).
            if (abandoned) throw new InterruptedIOException("xz block given up");
            xz.write(data, off, Math.min(SLICE, n - off));
        }
        xz.close();
        return bo.toByteArray();
    }

    private void writeOldest() throws IOException {
        byte[] z = awaitOldest();
        inFlight.poll();
        out.write(z);
    }

    /** The oldest block compressed, waited for while the cancellation lets the wait go on. */
    private byte[] awaitOldest() throws IOException {
        Future<byte[]> f = inFlight.peek();
        if (!f.isDone()) {
            Thread me = Thread.currentThread();
            waiting = me;
            try (Cancellation.Subscription s = cancel.onCancel(() -> LockSupport.unpark(me))) {
                while (!f.isDone()) {
                    try {
                        cancel.check();
                    } catch (IOException stop) {
                        giveUp(stop);
                        throw stop;
                    }
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        me.interrupt();
                        throw new InterruptedIOException("interrupted while compressing xz");
                    }
                }
            } finally {
                waiting = null;
            }
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing xz");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException("xz compression failed: " + c, c);
        }
    }

    /**
     * Gives up the blocks in flight and the one being filled: nothing more is written, the
     * compressing threads stop at their next 64 KiB, and a later write or flush throws. For a
     * caller whose output is worth nothing any more (it failed, or a stop leaves it to be cut
     * back); close afterwards only closes.
     */
    public void abandon() {
        if (gaveUp == null) giveUp(new IOException("xz output abandoned"));
    }

    private void giveUp(IOException why) {
        gaveUp = why;
        abandoned = true;
        for (Future<byte[]> f : inFlight) f.cancel(true);
        inFlight.clear();
        block = null;
        fill = 0;
        pool.shutdownNow();
    }

    /**
     * Writes everything buffered so far as whole .xz streams (a flush ends a block early): the
     * next byte starts a new stream, on the same threads and encoder arrays.
     */
    @Override
    public void flush() throws IOException {
        if (gaveUp != null) throw gaveUp;
        if (fill > 0) submit();
        while (!inFlight.isEmpty()) writeOldest();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        try {
            if (gaveUp != null) return; // nothing of it is worth writing
            if (fill > 0 || !wroteAny) submit(); // an empty input still makes one valid (empty) stream
            while (!inFlight.isEmpty()) writeOldest();
            out.flush();
        } finally {
            closed = true;
            pool.shutdownNow();
            out.close();
        }
    }
}
