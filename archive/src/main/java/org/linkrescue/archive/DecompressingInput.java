package org.linkrescue.archive;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The plain bytes of a compressed archive, with the codec's failures said in one line that
 * names the codec, what it was in (a gzip member, a zstd frame, an xz stream) and how far into
 * the compressed input: the libraries throw a bare EOFException or "Truncated source".
 * {@link #readToEnd} reads on to the end of the compressed input, so that what follows the
 * tar's end marker (the last frame's checksum, the xz index and footer, the gzip trailer) is
 * checked too: an archive cut there, or with a bit flipped before, is not complete.
 */
final class DecompressingInput extends FilterInputStream {
    private final Compression codec;
    private final Counting compressed;

    private DecompressingInput(Compression codec, Counting compressed, InputStream plain) {
        super(plain);
        this.codec = codec;
        this.compressed = compressed;
    }

    /** codec's plain bytes of raw; raw is read through a counter of compressed bytes. */
    static DecompressingInput of(Compression codec, InputStream raw) throws IOException {
        Counting c = new Counting(raw);
        try {
            return new DecompressingInput(codec, c, codec.decoder(c));
        } catch (IOException e) {
            throw failure(codec, c, e);
        }
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw failure(codec, compressed, e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw failure(codec, compressed, e);
        }
    }

    /** Reads and drops the rest of the plain bytes, so the codec checks all of its input. */
    void readToEnd() throws IOException {
        byte[] b = new byte[64 * 1024];
        while (read(b, 0, b.length) >= 0) { }
    }

    private static TarFormatException failure(Compression codec, Counting c, IOException e) {
        if (e instanceof TarFormatException t) return t;
        String unit = switch (codec) {
            case GZIP -> "gzip member";
            case ZSTD -> "zstd frame";
            case XZ -> "xz stream";
            case NONE -> "stream";
        };
        boolean cut = e instanceof EOFException || "Truncated source".equals(e.getMessage());
        String what = cut
                ? String.format(Locale.ROOT, "compressed input ends inside a %s (after %,d bytes): truncated", unit, c.count)
                : String.format(Locale.ROOT, "corrupt %s within the first %,d compressed bytes: %s", unit, c.count,
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        TarFormatException t = new TarFormatException(what);
        t.initCause(e);
        return t;
    }

    /** Counts the compressed bytes the codec has taken. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) { super(in); }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            if (k > 0) count += k;
            return k;
        }

        @Override public boolean markSupported() { return false; }
    }
}
