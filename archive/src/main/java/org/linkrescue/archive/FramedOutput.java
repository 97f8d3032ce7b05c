package org.linkrescue.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A compressed output that can be ended at any point and go on as a new frame: a zstd frame,
 * a gzip member, an xz stream. Every reader takes such a concatenation as one stream of bytes
 * (zstd -d, gzip -d, xz -d, GNU tar, bsdtar, ours). A rescue map's checkpoint ends a frame, so a
 * resumed run can cut the file back to that point and append: the bytes before the cut are a
 * whole compressed stream, the ones after start anew. Uncompressed, ending a frame only flushes.
 *
 * <p>zstd and gzip start a new compressor ({@link Compression#compress}) for each frame. xz keeps
 * one {@link ParallelXzOutputStream} for the whole output: its blocks are whole .xz streams
 * already, so a frame's end is its flush, and the next frame goes on with the same threads and
 * their encoders' arrays. A new one for each frame started new threads, whose array caches were
 * empty: every checkpoint allocated the ~90 MiB of match-finder arrays a thread needs at preset 6
 * anew (measured in the commit that made this change).
 *
 * <p>Once a write, flush or frame end has failed (the disk, or a {@link Cancellation} that gave up
 * the xz blocks in flight), the output is broken: what it holds past the last frame end is not a
 * whole stream, so every later call throws that failure again, and {@link #close} only closes.
 */
public final class FramedOutput extends OutputStream {
    private final OutputStream raw;
    private final Compression compression;
    private final int threads;
    private Cancellation cancel = Cancellation.NONE;
    private OutputStream frame;
    private IOException failed;
    private boolean closed;

    /** Compresses into raw (closed by {@link #close}, never by a frame's end). */
    public FramedOutput(OutputStream raw, Compression compression, int threads) {
        this.raw = raw;
        this.compression = compression;
        this.threads = threads;
    }

    /**
     * Waits on compression in flight (xz) only while cancel lets it: once it throws, that work
     * is given up and its exception thrown here. Set before the first byte.
     */
    public FramedOutput cancelWith(Cancellation cancel) {
        this.cancel = cancel;
        return this;
    }

    private OutputStream frame() throws IOException {
        if (closed) throw new IOException("compressed output already closed");
        if (failed != null) throw failed;
        if (frame == null) {
            frame = compression == Compression.NONE ? raw : compression.compress(new FilterOutputStream(raw) {
                @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
                @Override public void close() throws IOException { out.flush(); } // the frame ends; the file goes on
            }, threads, cancel);
        }
        return frame;
    }

    /** Does op on the output; a failure breaks it for good. */
    private void guarded(Op op) throws IOException {
        try {
            op.run();
        } catch (IOException e) {
            failed = e;
            throw e;
        }
    }

    private interface Op {
        void run() throws IOException;
    }

    @Override public void write(int b) throws IOException { guarded(() -> frame().write(b)); }

    @Override public void write(byte[] b, int off, int len) throws IOException { guarded(() -> frame().write(b, off, len)); }

    /**
     * Ends the frame in progress (if any bytes went into it) and flushes everything to the
     * underlying stream: what it holds now is a whole compressed stream.
     */
    public void endFrame() throws IOException {
        if (failed != null) throw failed;
        guarded(() -> {
            if (frame instanceof ParallelXzOutputStream xz) {
                xz.flush(); // its blocks are whole streams: flushed, the next byte starts a new one
            } else if (frame != null && frame != raw) {
                frame.close();
                frame = null;
            }
            raw.flush();
        });
    }

    @Override
    public void flush() throws IOException {
        if (failed != null) throw failed;
        guarded(() -> {
            if (frame != null) frame.flush();
            raw.flush();
        });
    }

    /**
     * Ends the last frame and closes the underlying stream. A broken output is closed as it
     * stands (its xz blocks in flight given up): nothing more of it could be read.
     */
    @Override
    public void close() throws IOException {
        if (closed) return;
        try {
            if (failed == null) {
                endFrame();
                if (frame != null && frame != raw) frame.close(); // xz's: ends its threads
            }
        } finally {
            if (failed != null && frame instanceof ParallelXzOutputStream xz) xz.abandon(); // its threads stop
            closed = true;
            raw.close();
        }
    }
}
