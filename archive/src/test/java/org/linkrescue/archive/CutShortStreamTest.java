package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compressed archive is complete only when its codec says so: an incomplete zstd frame, xz
 * stream or gzip member is a truncated archive, also when the cut falls after the tar's end
 * marker (the last frame's checksum, the xz index and footer, the gzip trailer), and the error
 * names the codec, the compressed offset and what the tar reader was reading. What we write
 * always carries the codec's checksum.
 */
class CutShortStreamTest {
    @TempDir Path tmp;

    /**
     * A tar made by GNU tar with 1 MiB records: most of a MiB of zeros follows the end marker,
     * more than the reader takes in one refill, so only reading on to the end sees the codec's end.
     */
    byte[] gnuTar() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("a"), CompressionTest.sample(300_000));
        Files.write(src.resolve("b"), CompressionTest.sample(5_000));
        return Peer.ok(src, "tar", "-b", "2048", "-cf", "-", "a", "b");
    }

    static byte[] tool(Path dir, byte[] in, String... cmd) {
        Peer.Result r = Peer.run(dir, in, cmd);
        assertEquals(0, r.rc(), r.err());
        return r.out();
    }

    /** Reads every entry and its data as extract does; the reader's error message. */
    static String failure(byte[] compressed) {
        return assertThrows(TarFormatException.class, () -> {
            try (TarReader r = new TarReader(Compression.decompressDetected(new ByteArrayInputStream(compressed)))) {
                while (r.next() != null) r.transferTo(OutputStream.nullOutputStream());
            }
        }).getMessage();
    }

    static int entries(byte[] compressed) throws IOException {
        int n = 0;
        try (TarReader r = new TarReader(Compression.decompressDetected(new ByteArrayInputStream(compressed)))) {
            while (r.next() != null) n++;
        }
        return n;
    }

    static byte[] cut(byte[] b, int bytes) { return Arrays.copyOf(b, b.length - bytes); }

    @Test
    void t01_aZstdFrameWithoutChecksumCutByItsLast4BytesIsTruncated() throws IOException {
        byte[] z = tool(tmp, gnuTar(), "zstd", "-q", "--no-check", "-c");
        assertEquals(2, entries(z));
        String m = failure(cut(z, 4));
        assertTrue(m.startsWith("compressed input ends inside a zstd frame (after "), m);
        assertTrue(m.endsWith("): truncated, after the end-of-archive marker at byte offset 307200"), m);
    }

    @Test
    void t02_anXzStreamWithoutItsFooterIsTruncated() throws IOException {
        byte[] xz = tool(tmp, gnuTar(), "xz", "-c");
        assertEquals(2, entries(xz));
        String m = failure(cut(xz, 12));
        assertTrue(m.startsWith("compressed input ends inside a xz stream (after "), m);
    }

    @Test
    void t03_aGzipMemberCutInItsTrailerOrItsDataIsTruncatedAndSaysWhere() throws IOException {
        byte[] gz = tool(tmp, gnuTar(), "gzip", "-c");
        assertTrue(failure(cut(gz, 4)).startsWith("compressed input ends inside a gzip member"));
        String m = failure(Arrays.copyOf(gz, gz.length / 2));
        assertTrue(m.startsWith("compressed input ends inside a gzip member (after "), m);
        assertTrue(m.contains("reading the data of 'a' at byte offset "), m);
    }

    @Test
    void t04_aFlippedBitIsCaughtByTheChecksumsWeWrite() throws IOException {
        gnuTar();
        byte[] tar = Peer.ok(tmp.resolve("src"), "tar", "-cf", "-", "b"); // small: xz at preset 6 is slow
        for (Compression c : new Compression[] {Compression.ZSTD, Compression.XZ, Compression.GZIP}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream z = c.compress(out, 1)) {
                z.write(tar);
            }
            byte[] b = out.toByteArray();
            b[b.length / 2] ^= 0x10;
            String m = failure(b);
            assertTrue(m.startsWith("corrupt ") || m.startsWith("compressed input ends"), c + ": " + m);
        }
    }

    @Test
    void t05_zstdAndXzWeWriteCarryTheirChecksum() throws IOException {
        byte[] data = CompressionTest.sample(64 << 10);
        for (int threads : new int[] {1, 2}) {
            byte[] z = CompressionTest.compress(Compression.ZSTD, data, threads);
            assertEquals(0x04, z[4] & 0x04, "Content_Checksum_flag of the frame header descriptor");
            Files.write(tmp.resolve("z.zst"), z);
            String listed = new String(tool(tmp, null, "zstd", "-lv", "z.zst"), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(listed.contains("Check: XXH64"), listed);
            byte[] xz = CompressionTest.compress(Compression.XZ, data, threads);
            assertEquals(0x04, xz[7], "stream flags: CRC64");
        }
    }

    @Test
    void t06_aCompleteArchiveIsStillReadWholeAfterItsEndMarker() throws IOException {
        byte[] tar = gnuTar();
        for (String[] cmd : new String[][] {{"zstd", "-q", "-c"}, {"xz", "-c"}, {"gzip", "-c"}}) {
            byte[] z = tool(tmp, tar, cmd);
            ByteArrayInputStream in = new ByteArrayInputStream(z);
            try (TarReader r = new TarReader(Compression.decompressDetected(in))) {
                while (r.next() != null) { }
                assertEquals(0, in.available(), cmd[0] + ": the whole compressed input is read, so its end is checked");
            }
        }
    }
}
