package org.linkrescue.archive;

import java.io.IOException;
import java.io.InputStream;

/**
 * The archive's bytes as the tar reader consumes them (libarchive's read-ahead, consume and
 * seek): a buffer over the input, refilled on demand, that knows the stream offset of every
 * byte. A forward skip inside a {@link TarReader.Seekable} input is a seek, never a read.
 * End of input is reported to the caller (who knows what was being read), never thrown here.
 */
final class BlockInput {
    /** Says what the reader is reading, for a codec's failure: "the data of 'a/b'". */
    interface Context {
        String reading();
    }

    static final int BLOCK = 512;
    /** Smallest refill after a seek: a header or two, not the next file's data. */
    private static final int SEEK_FILL = 4096;

    private final InputStream in;
    private final TarReader.Seekable seekable; // in, when it can move forward without reading; else null
    private final byte[] buf = new byte[128 * 1024];
    private int pos;
    private int lim;
    private long base; // stream offset of buf[0]
    private boolean eof;
    private int fillSize; // bytes the next refill asks for (small after a seek)
    private final Context context;

    BlockInput(InputStream in, Context context) {
        this.in = in;
        this.context = context;
        this.seekable = in instanceof TarReader.Seekable s ? s : null;
        this.fillSize = seekable != null ? SEEK_FILL : buf.length;
    }

    /** Stream offset of the next byte to be consumed. */
    long position() { return base + pos; }

    /** Reads up to one block into dst; fewer bytes (0 at the end) only where the input ends. */
    int readBlock(byte[] dst) throws IOException {
        int got = 0;
        while (got < BLOCK) {
            if (pos == lim && !fill()) break;
            int k = Math.min(BLOCK - got, lim - pos);
            System.arraycopy(buf, pos, dst, got, k);
            pos += k;
            got += k;
        }
        return got;
    }

    /** Reads exactly len bytes into dst; false when the input ends first. */
    boolean readFully(byte[] dst, int len) throws IOException {
        int got = 0;
        while (got < len) {
            if (pos == lim && !fill()) return false;
            int k = Math.min(len - got, lim - pos);
            System.arraycopy(buf, pos, dst, got, k);
            pos += k;
            got += k;
        }
        return true;
    }

    /**
     * Reads up to want bytes (at least one) into b; -1 at the end of input. A large read
     * goes straight from the input into b when the buffer is empty.
     */
    int read(byte[] b, int off, int want) throws IOException {
        if (pos < lim) {
            int n = Math.min(want, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        if (want >= buf.length) {
            int n = eof ? -1 : readIn(b, off, want);
            if (n <= 0) {
                eof = true;
                return -1;
            }
            base += n; // consumed straight from the stream: keep position() right
            return n;
        }
        if (!fill()) return -1;
        int n = Math.min(want, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /**
     * Moves n bytes on; returns how many it moved before the input ended (n when it did not).
     * When the whole skip lies inside a seekable input it seeks; a skip past its end reads
     * through instead, so a truncated archive fails exactly as it does from a pipe.
     */
    long skip(long n) throws IOException {
        long beyond = n - (lim - pos); // bytes past what the buffer holds
        if (seekable != null && beyond > 0 && beyond <= seekable.remaining()) {
            seekable.skipExactly(beyond);
            base += lim + beyond;
            pos = 0;
            lim = 0;
            fillSize = SEEK_FILL;
            return n;
        }
        long done = 0;
        while (done < n) {
            if (pos == lim && !fill()) return done;
            int k = (int) Math.min(n - done, lim - pos);
            pos += k;
            done += k;
        }
        return done;
    }

    /**
     * Consumes the rest of the 10240-byte record after the end marker, as tar does: a writer on
     * the other end of a pipe (GNU tar, bsdtar) still writes that padding and would fail with
     * EPIPE if we closed early. End of input before it is fine.
     */
    void drainRecord() throws IOException {
        skip((TarWriter.RECORD - position() % TarWriter.RECORD) % TarWriter.RECORD);
    }

    /**
     * After the tar's end marker: a compressed input is read to its end, so the codec checks
     * what follows (the last checksum, an xz index and footer, a gzip trailer).
     */
    void readCompressedToEnd() throws IOException {
        if (!(in instanceof DecompressingInput d)) return;
        try {
            d.readToEnd();
        } catch (TarFormatException e) {
            throw new TarFormatException(e.getMessage() + ", after the end-of-archive marker at byte offset " + position());
        }
    }

    void close() throws IOException { in.close(); }

    /**
     * Refills the buffer (it is empty); false at end of input. After a seek the refills start
     * small and double: headers in a row are read in few calls, while a refill that runs into
     * the next entry's data reads little of what the next seek skips.
     */
    private boolean fill() throws IOException {
        if (eof) return false;
        base += lim;
        pos = 0;
        lim = 0;
        while (lim == 0) {
            int n = readIn(buf, 0, fillSize);
            if (n < 0) {
                eof = true;
                return false;
            }
            lim = n;
        }
        fillSize = Math.min(buf.length, fillSize * 2);
        return true;
    }

    private int readIn(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (TarFormatException e) { // a codec's failure: say where in the tar it struck
            throw new TarFormatException(e.getMessage() + ", reading " + context.reading() + " at byte offset " + position());
        }
    }
}
