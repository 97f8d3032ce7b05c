package org.linkrescue.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * The compressions an archive may carry. The tar format is ours; the codecs are the
 * libraries' (commons-compress for gzip and zstd via zstd-jni, xz-java for xz).
 *
 * <p>Defaults and why: zstd at level 3 (about 100x faster than xz at a similar ratio to xz -1,
 * so a dying drive does not wait on the CPU); gzip at the deflate default for
 * compatibility; xz at preset 6, split in independent blocks compressed on every core (see
 * {@link ParallelXzOutputStream}), because single-threaded xz runs at a few MB/s. Readers of
 * gzip and xz go on across concatenated members/streams, as `gzip -d` and `xz -d` do.
 */
public enum Compression {
    NONE, GZIP, ZSTD, XZ;

    /** zstd level: the zstd command's default, fast enough to keep up with a disk. */
    public static final int ZSTD_LEVEL = 3;
    /** xz preset: the xz command's default. */
    public static final int XZ_PRESET = 6;

    /** The name --compress takes: none, gzip, zstd or xz. */
    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    /** Parses a --compress value; throws with the list of valid names. */
    public static Compression fromName(String name) {
        for (Compression c : values()) if (c.cliName().equals(name)) return c;
        throw new IllegalArgumentException("unknown compression '" + name + "': use none, gzip, zstd or xz");
    }

    /** By extension: .gz/.tgz, .zst/.tzst, .xz/.txz; anything else is NONE. */
    public static Compression fromFileName(String fileName) {
        String f = fileName.toLowerCase(Locale.ROOT);
        if (f.endsWith(".gz") || f.endsWith(".tgz")) return GZIP;
        if (f.endsWith(".zst") || f.endsWith(".tzst")) return ZSTD;
        if (f.endsWith(".xz") || f.endsWith(".txz")) return XZ;
        return NONE;
    }

    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};

    /**
     * Looks at the first bytes without consuming them. The stream must support mark/reset
     * (wrap a pipe in a BufferedInputStream, or use {@link #decompressDetected}).
     */
    public static Compression detect(InputStream in) throws IOException {
        if (!in.markSupported()) throw new IllegalArgumentException("detect needs a stream with mark/reset");
        byte[] head = new byte[6];
        in.mark(head.length);
        int n = 0;
        try {
            while (n < head.length) {
                int k = in.read(head, n, head.length - n);
                if (k < 0) break;
                n += k;
            }
        } finally {
            in.reset();
        }
        if (startsWith(head, n, XZ_MAGIC)) return XZ;
        if (startsWith(head, n, ZSTD_MAGIC)) return ZSTD;
        if (startsWith(head, n, GZIP_MAGIC)) return GZIP;
        return NONE;
    }

    /** Detects the compression of a stream (a pipe is fine) and returns the plain bytes. */
    public static InputStream decompressDetected(InputStream raw) throws IOException {
        InputStream in = raw.markSupported() ? raw : new BufferedInputStream(raw, 64 * 1024);
        return detect(in).decompress(in);
    }

    private static boolean startsWith(byte[] b, int n, byte[] magic) {
        if (n < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if (b[i] != magic[i]) return false;
        return true;
    }

    /**
     * A compressing stream over out, using up to threads cores where the codec can (zstd
     * workers, parallel xz blocks). Closing it finishes the compressed stream and closes out.
     */
    public OutputStream compress(OutputStream out, int threads) throws IOException {
        return compress(out, threads, Cancellation.NONE);
    }

    /**
     * As {@link #compress(OutputStream, int)}; xz waits on the blocks it compresses only while
     * cancel lets it (see {@link ParallelXzOutputStream}). gzip and zstd never wait long.
     */
    public OutputStream compress(OutputStream out, int threads, Cancellation cancel) throws IOException {
        int t = Math.max(1, threads);
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GzipCompressorOutputStream(out);
            case ZSTD -> ZstdCompressorOutputStream.builder()
                    .setOutputStream(out)
                    .setLevel(ZSTD_LEVEL)
                    .setChecksum(true) // the zstd command's default; without it a flipped bit goes unseen
                    .setWorkers(t > 1 ? t : 0)
                    .get();
            case XZ -> new ParallelXzOutputStream(out, t, XZ_PRESET, ParallelXzOutputStream.DEFAULT_BLOCK, cancel);
        };
    }

    /**
     * The plain bytes of in, compressed with this codec (all members/streams/frames). A codec's
     * failure is a {@link TarFormatException} naming the codec and the compressed offset; a
     * {@link TarReader} over the result reads on to the end of the compressed input once it
     * meets the tar's end marker, so the last checksum and footer are checked too.
     */
    public InputStream decompress(InputStream in) throws IOException {
        return this == NONE ? in : DecompressingInput.of(this, in);
    }

    /** The library's decoder of this codec. */
    InputStream decoder(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GzipCompressorInputStream(in, true);
            case ZSTD -> new ZstdCompressorInputStream(in);
            case XZ -> new XZCompressorInputStream(in, true);
        };
    }
}
