package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.DirectCopy;
import org.linkrescue.migrate.stream.PlainRange;
import org.linkrescue.migrate.stream.SparseData;

/**
 * Writes the bytes of one file into a freshly created, empty target file: kernel-side from a
 * plain source descriptor when there is one (a source file, or an entry's range of an
 * uncompressed archive file: copy_file_range, across file systems sendfile), else as far as the
 * content can write them itself (a large file straight off the drive: copied chunk by chunk
 * inside the kernel, or from the read worker's direct buffer), else as the content feeds them.
 * One instance serves a thread for the whole run, so the copy buffer is allocated once. Keeps
 * the two sides' failures apart: a write error is the target's ({@link PosixException}), a read
 * error the source's ({@link SourceFailed}); an error of the content itself passes through
 * unchanged.
 */
final class FileData implements Content.Chunks {
    private static final int BUFFER = 1 << 20;

    /** Reading the source descriptor failed; the target is fine. */
    static final class SourceFailed extends IOException {
        final long offset;

        SourceFailed(PosixException cause, long offset) {
            super("read source at byte " + offset + ": " + cause.reason(), cause);
            this.offset = offset;
        }
    }

    /**
     * The content itself failed (a truncated archive, say). Wrapped so that an errno from the
     * source side is never graded as the target's; {@link #getCause()} is the original.
     */
    static final class ContentFailed extends IOException {
        ContentFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }

        IOException original() { return (IOException) getCause(); }
    }

    private ByteBuffer buffer;
    /** What a content may write into straight: the target file itself, or buffers handed over. */
    private final DirectCopy.DirectTarget direct = new DirectCopy.DirectTarget() {
        @Override public void fromBuffer(ByteBuffer b) throws IOException { FileData.this.fromBuffer(b); }
        @Override public int descriptor() { return out; }

        @Override
        public void writeFailed(PosixException e) throws IOException {
            writeError = e;
            throw e;
        }

        @Override public boolean replaceable() { return file != null && file.replaceable(); }

        @Override
        public void replace(long keep) throws IOException {
            try {
                out = file.replace(keep);
            } catch (PosixException x) {
                writeError = x;
                throw x;
            }
        }
    };
    private boolean copyRange = true;
    private boolean sendFile = true;
    // state of the feed in progress
    private TargetFile file;
    private int out = -1;
    private long written;
    private PosixException writeError;

    /**
     * As {@link #write(int, Content)}, into a file the content may have replaced by a fresh inode
     * on the way ({@link DirectCopy.DirectTarget#replace}): file's descriptor is the one written.
     */
    long write(TargetFile file, Content content) throws IOException {
        this.file = file;
        try {
            return write(file.fd(), content);
        } finally {
            this.file = null;
        }
    }

    /**
     * Writes content into out and returns the number of bytes written, which is less than
     * content.size() only when a plain source ended early.
     */
    long write(int out, Content content) throws IOException {
        PlainRange plain = content.as(PlainRange.class);
        if (plain != null) return copy(plain.fd(), plain.offset(), out, content.size());
        SparseData sparse = content.as(SparseData.class);
        if (sparse != null) {
            feed(out, () -> writeSparse(out, sparse, content.size()));
            return content.size();
        }
        DirectCopy straight = content.as(DirectCopy.class);
        feed(out, () -> {
            // Straight first where the content can (a large file off the drive: written by the
            // read workers at their offsets); the rest, if the drive failed part-way, is fed.
            long from = straight == null ? 0 : straight.copyPrefix(direct);
            written = from;
            if (from < content.size()) {
                // pwrite left the position at 0; a replaced file's is anywhere
                if (from > 0) Posix.lseek(this.out, from, Posix.SEEK_SET);
                if (straight == null) content.feed(this);
                else straight.feedFrom(from, this);
            }
        });
        return written;
    }

    /** One way of writing a content into {@link #out}. */
    private interface Feeding {
        void run() throws IOException;
    }

    /**
     * Runs a feeding into out and sorts its failure: a write error is the target's, thrown as
     * it came (also when the content then stopped because of it); anything else is the
     * content's ({@link ContentFailed}).
     */
    private void feed(int out, Feeding feeding) throws IOException {
        this.out = out;
        this.written = 0;
        this.writeError = null;
        try {
            feeding.run();
        } catch (IOException e) {
            if (writeError != null) throw writeError;
            throw new ContentFailed(e);
        } finally {
            this.out = -1;
        }
        if (writeError != null) throw writeError;
    }

    /**
     * Writes only a sparse content's data, each run at its offset, and sets the size with
     * ftruncate: the holes hold no blocks (seeking past them, as bsdtar and GNU tar do).
     */
    private void writeSparse(int out, SparseData sparse, long size) throws IOException {
        long[] at = {0}; // where the file position is
        try {
            sparse.feedData((offset, buf, off, len) -> {
                writeChunk(offset != at[0] ? offset : -1, buf, off, len);
                at[0] = offset + len;
            });
            if (writeError == null) Posix.ftruncate(out, size);
        } catch (PosixException x) {
            if (writeError == null) writeError = x;
        }
    }

    @Override
    public void accept(byte[] buf, int off, int len) throws IOException {
        writeChunk(-1, buf, off, len);
    }

    /**
     * Writes a chunk at the file position, first moved to seekTo unless that is -1. After a
     * write error the rest is swallowed: the producer's stream (a tar archive) has to stay in
     * step even though this entry is lost.
     */
    private void writeChunk(long seekTo, byte[] buf, int off, int len) throws PosixException {
        if (writeError != null) return;
        try {
            if (seekTo >= 0) Posix.lseek(out, seekTo, Posix.SEEK_SET);
            Posix.writeFully(out, buf, off, len);
            written += len;
        } catch (PosixException x) {
            writeError = x;
            if (TargetWriteException.isTargetFailure(x.errno())) throw x;
        }
    }

    /**
     * Writes bytes a content holds in native memory; a failure is the target's, as in {@link #accept}.
     * Not counted here: what copyPrefix returns says how many went, whichever way they went.
     */
    private void fromBuffer(ByteBuffer b) throws PosixException {
        try {
            Posix.writeFully(out, b, b.remaining());
        } catch (PosixException x) {
            writeError = x;
            throw x;
        }
    }

    /** Consumes a content whose entry is not written, so the producer's stream stays in step. */
    static void discard(Content content) throws ContentFailed {
        if (content.as(PlainRange.class) != null) return; // a plain source has nothing to skip
        SparseData sparse = content.as(SparseData.class);
        try {
            if (sparse != null) { // its data alone: a TiB of holes is not fed as zeros
                sparse.feedData((at, buf, off, len) -> { });
                return;
            }
            content.feed((buf, off, len) -> { });
        } catch (IOException e) {
            throw new ContentFailed(e);
        }
    }

    /** Copies [0, size) of in to out (empty); returns bytes copied, less only if in ended early. */
    long copy(int in, int out, long size) throws IOException {
        return copy(in, 0, out, size);
    }

    /**
     * Copies [inOff, inOff + size) of in to out (empty); returns bytes copied, less only if in
     * ended early. in's own file position never moves (another thread may be reading it).
     */
    long copy(int in, long inOff, int out, long size) throws IOException {
        if (size == 0) return 0;
        if (copyRange) {
            try {
                long n = Posix.copyFileRange(in, inOff, out, 0, size);
                if (n == size) return n;
                // Source shorter than announced: read/write below finds out where and why.
                return readWrite(in, inOff, out, size);
            } catch (PosixException x) {
                int e = x.errno();
                if (Errno.isTargetOnly(e)) throw x;
                if (!Errno.isCopyUnsupported(e)) return readWrite(in, inOff, out, size);
                copyRange = false; // this pair of file systems cannot; do not ask again
            }
        }
        if (sendFile) {
            try {
                long n = Posix.sendfile(out, in, inOff, size);
                if (n == size) return n;
            } catch (PosixException x) {
                int e = x.errno();
                if (Errno.isTargetOnly(e)) throw x;
                if (Errno.isCopyUnsupported(e)) sendFile = false;
            }
            // sendfile wrote from out's position on and moved it: read/write starts over at 0.
            Posix.lseek(out, 0, Posix.SEEK_SET);
        }
        // Anything else (EIO may be either side) is sorted out by read/write, which tells a
        // read error from a write error.
        return readWrite(in, inOff, out, size);
    }

    private long readWrite(int in, long inOff, int out, long size) throws IOException {
        if (buffer == null) buffer = ByteBuffer.allocateDirect(BUFFER);
        // write(2) starts at position 0: copy_file_range with explicit offsets never moved it
        // (and after sendfile it was set back), so whatever a kernel copy wrote before failing
        // is overwritten.
        long off = 0;
        while (off < size) {
            int want = (int) Math.min(BUFFER, size - off);
            int n;
            try {
                n = Posix.pread(in, buffer, want, inOff + off);
            } catch (PosixException x) {
                throw new SourceFailed(x, off);
            }
            if (n == 0) break;
            Posix.writeFully(out, buffer, n);
            off += n;
        }
        if (off < size) Posix.ftruncate(out, off); // drop what a partial kernel copy left beyond
        return off;
    }
}
