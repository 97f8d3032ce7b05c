package org.linkrescue.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A compressed output that can be ended at any point and go on as a new frame: a zstd frame,
 * a gzip member, an xz stream ({@link Compression#compress} each time). Every reader takes such
 * a concatenation as one stream of bytes (zstd -d, gzip -d, xz -d, GNU tar, bsdtar, ours). A
 * rescue map's checkpoint ends a frame, so a resumed run can cut the file back to that point and
 * append: the bytes before the cut are a whole compressed stream, the ones after start anew.
 * Uncompressed, ending a frame only flushes.
 */
public final class FramedOutput extends OutputStream {
    private final OutputStream raw;
    private final Compression compression;
    private final int threads;
    private OutputStream frame;
    private boolean closed;

    /** Compresses into raw (closed by {@link #close}, never by a frame's end). */
    public FramedOutput(OutputStream raw, Compression compression, int threads) {
        this.raw = raw;
        this.compression = compression;
        this.threads = threads;
    }

    private OutputStream frame() throws IOException {
        if (closed) throw new IOException("compressed output already closed");
        if (frame == null) {
            frame = compression == Compression.NONE ? raw : compression.compress(new FilterOutputStream(raw) {
                @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
                @Override public void close() throws IOException { out.flush(); } // the frame ends; the file goes on
            }, threads);
        }
        return frame;
    }

    @Override public void write(int b) throws IOException { frame().write(b); }

    @Override public void write(byte[] b, int off, int len) throws IOException { frame().write(b, off, len); }

    /**
     * Ends the frame in progress (if any bytes went into it) and flushes everything to the
     * underlying stream: what it holds now is a whole compressed stream.
     */
    public void endFrame() throws IOException {
        if (frame != null && frame != raw) frame.close();
        frame = null;
        raw.flush();
    }

    @Override
    public void flush() throws IOException {
        if (frame != null) frame.flush();
        raw.flush();
    }

    /** Ends the last frame and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        try {
            endFrame();
        } finally {
            closed = true;
            raw.close();
        }
    }
}
