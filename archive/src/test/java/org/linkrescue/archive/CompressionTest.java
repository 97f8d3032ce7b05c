package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each codec round-trips, is found by its magic bytes on a pipe, and the real tools agree. */
class CompressionTest {
    @TempDir Path tmp;

    /** Compressible but not trivial: text-like lines with random parts. */
    static byte[] sample(int n) {
        java.util.Random r = new java.util.Random(42);
        ByteArrayOutputStream b = new ByteArrayOutputStream(n + 100);
        while (b.size() < n) b.writeBytes(("line " + r.nextInt(5000) + " of some text " + Long.toHexString(r.nextLong()) + "\n").getBytes());
        return java.util.Arrays.copyOf(b.toByteArray(), n);
    }

    static byte[] compress(Compression c, byte[] data, int threads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = c.compress(out, threads)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void t01_namesAndFileExtensionsChooseTheCodec() {
        assertEquals(Compression.ZSTD, Compression.fromName("zstd"));
        assertEquals(Compression.NONE, Compression.fromName("none"));
        assertEquals("unknown compression 'bzip2': use none, gzip, zstd or xz",
                assertThrows(IllegalArgumentException.class, () -> Compression.fromName("bzip2")).getMessage());
        assertEquals(Compression.GZIP, Compression.fromFileName("a.tar.gz"));
        assertEquals(Compression.GZIP, Compression.fromFileName("A.TGZ"));
        assertEquals(Compression.ZSTD, Compression.fromFileName("a.tar.zst"));
        assertEquals(Compression.ZSTD, Compression.fromFileName("a.tzst"));
        assertEquals(Compression.XZ, Compression.fromFileName("a.tar.xz"));
        assertEquals(Compression.XZ, Compression.fromFileName("a.txz"));
        assertEquals(Compression.NONE, Compression.fromFileName("a.tar"));
    }

    @Test
    void t02_everyCodecRoundTripsAndIsDetectedByMagic() throws IOException {
        byte[] data = sample(3 << 20);
        for (Compression c : Compression.values()) {
            byte[] z = compress(c, data, 2);
            if (c != Compression.NONE) assertTrue(z.length < data.length / 2, c + " compresses");
            try (InputStream in = Compression.decompressDetected(new ByteArrayInputStream(z))) {
                assertArrayEquals(data, in.readAllBytes(), c.name());
            }
            assertEquals(c, Compression.detect(new java.io.BufferedInputStream(new ByteArrayInputStream(z))));
        }
    }

    @Test
    void t03_detectionWorksOnAPipeWithoutLosingBytes() throws Exception {
        byte[] tar = Specimen.oddTree().tar();
        for (Compression c : Compression.values()) {
            byte[] z = compress(c, tar, 2);
            PipedInputStream pipe = new PipedInputStream(4096);
            PipedOutputStream feed = new PipedOutputStream(pipe);
            Thread t = new Thread(() -> {
                try (feed) {
                    for (int i = 0; i < z.length; i += 1000) feed.write(z, i, Math.min(1000, z.length - i));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            t.start();
            Listing.Read read = Listing.read(Compression.decompressDetected(pipe));
            t.join();
            assertEquals(Specimen.oddTree().entries.size(), read.entries().size(), c.name());
        }
    }

    @Test
    void t04_parallelXzWritesIndependentStreamsThatXzReadsWhole() throws IOException {
        byte[] data = sample(1 << 20);
        Path f = tmp.resolve("p.xz");
        try (OutputStream z = new ParallelXzOutputStream(Files.newOutputStream(f), 2, 1, 64 << 10)) {
            for (int i = 0; i < data.length; i += 10_000) z.write(data, i, Math.min(10_000, data.length - i));
        }
        String robot = new String(Peer.ok(tmp, "xz", "--robot", "--list", f.toString()));
        String totals = robot.lines().filter(l -> l.startsWith("totals")).findFirst().orElseThrow();
        assertEquals("16", totals.split("\t")[1], "one .xz stream per 64 KiB block: " + totals);
        assertArrayEquals(data, Peer.ok(tmp, "xz", "-dc", f.toString()));
        try (InputStream in = Compression.XZ.decompress(Files.newInputStream(f))) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void t05_emptyInputStillMakesAValidXzStream() throws IOException {
        Path f = tmp.resolve("empty.xz");
        Files.write(f, compress(Compression.XZ, new byte[0], 4));
        assertEquals(0, Peer.ok(tmp, "xz", "-dc", f.toString()).length);
    }

    @Test
    void t06_concatenatedGzipMembersAreReadWhole() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Files.writeString(a, "first member\n");
        Files.writeString(b, "second member\n");
        ByteArrayOutputStream cat = new ByteArrayOutputStream();
        cat.writeBytes(Peer.ok(tmp, "gzip", "-c", "a"));
        cat.writeBytes(Peer.ok(tmp, "gzip", "-c", "b"));
        try (InputStream in = Compression.decompressDetected(new ByteArrayInputStream(cat.toByteArray()))) {
            assertEquals("first member\nsecond member\n", new String(in.readAllBytes()));
        }
    }

    @Test
    void t07_theRealToolsReadWhatWeCompress() throws IOException {
        byte[] data = sample(2 << 20);
        String[][] tools = {{"gzip", "-dc"}, {"zstd", "-dcq"}, {"xz", "-dc"}};
        Compression[] codecs = {Compression.GZIP, Compression.ZSTD, Compression.XZ};
        for (int i = 0; i < codecs.length; i++) {
            Path f = tmp.resolve("out." + i);
            Files.write(f, compress(codecs[i], data, 2));
            assertArrayEquals(data, Peer.ok(tmp, tools[i][0], tools[i][1], f.toString()), codecs[i].name());
        }
    }

    @Test
    void t08_aCompressedTarFromGnuTarIsReadThroughDetection() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.writeString(src.resolve("f"), "content");
        for (String flag : new String[] {"-z", "--zstd", "-J"}) {
            byte[] z = Peer.ok(src, "tar", flag, "-cf", "-", "f");
            Listing.Read r = Listing.read(Compression.decompressDetected(new ByteArrayInputStream(z)));
            assertArrayEquals(Names.bytes("content"), r.data().get("f"), flag);
        }
    }
}
