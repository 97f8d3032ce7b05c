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
    private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private byte[] block;
    private int fill;
    private boolean wroteAny;
    private boolean closed;

    public ParallelXzOutputStream(OutputStream out, int threads, int preset, int blockSize) throws IOException {
        this.out = out;
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
        inFlight.add(pool.submit(() -> compress(data, n)));
        wroteAny = true;
        block = new byte[blockSize];
        fill = 0;
    }

    private byte[] compress(byte[] data, int n) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream(n / 4 + 1024);
        try (XZOutputStream xz = new XZOutputStream(bo, options, XZ.CHECK_CRC64, ENCODER_ARRAYS.get())) {
            xz.write(data, 0, n);
        }
        return bo.toByteArray();
    }

    private void writeOldest() throws IOException {
        Future<byte[]> f = inFlight.poll();
        try {
            out.write(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing xz");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException("xz compression failed: " + c, c);
        }
    }

    /** Writes everything buffered so far as whole .xz streams (a flush ends a block early). */
    @Override
    public void flush() throws IOException {
        if (fill > 0) submit();
        while (!inFlight.isEmpty()) writeOldest();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        try {
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
