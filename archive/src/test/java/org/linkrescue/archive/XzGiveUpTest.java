package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xz's work in flight can be given up (a stop must not wait seconds a block), and each frame of
 * a {@link FramedOutput} over xz ends whole .xz streams, so the file cut at a frame's end is a
 * whole .xz file, on the same workers frame after frame; after a failure no frame end can be
 * marked.
 */
class XzGiveUpTest {
    @TempDir Path tmp;

    /** A cancellation set from another thread, as a signal handler would. */
    static final class Flag implements Cancellation {
        final IOException why = new IOException("asked to stop");
        private volatile boolean set;
        private final java.util.List<Runnable> wakes = new java.util.concurrent.CopyOnWriteArrayList<>();

        void set() {
            set = true;
            for (Runnable w : wakes) w.run();
        }

        /** Sets itself after ms milliseconds. */
        Flag after(long ms) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    return;
                }
                set();
            });
            t.setDaemon(true);
            t.start();
            return this;
        }

        @Override
        public void check() throws IOException {
            if (set) throw why;
        }

        @Override
        public Subscription onCancel(Runnable wake) {
            wakes.add(wake);
            if (set) wake.run();
            return () -> wakes.remove(wake);
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void t01_aCancellationThatThrowsEndsTheWaitForABlockAtOnce_andNothingMoreIsWritten() throws Exception {
        // 6 MiB of random bytes at preset 6 on one thread: seconds of compression.
        Flag stop = new Flag();
        IOException why = stop.why;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParallelXzOutputStream xz = new ParallelXzOutputStream(out, 1, 6, 8 << 20, stop);
        xz.write(random(6 << 20, 1));
        stop.after(150);
        long t0 = System.nanoTime();
        assertSame(why, assertThrows(IOException.class, xz::flush), "the cancellation's own exception");
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(took < 1000, "gave up " + took + " ms after the flush began (the block takes seconds)");
        assertSame(why, assertThrows(IOException.class, () -> xz.write(new byte[1])), "given up for good");
        xz.close();
        assertEquals(0, out.size(), "not a byte of the block given up");
    }

    @Test
    void t02_abandonDropsWhatIsInFlight_closeThenOnlyCloses() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParallelXzOutputStream xz = new ParallelXzOutputStream(out, 2, 1, 64 << 10);
        xz.write(random(300 << 10, 2)); // the blocks before the last two in flight are written by now
        int written = out.size();
        xz.abandon();
        xz.close();
        assertEquals(written, out.size(), "the blocks in flight and the one being filled are dropped");
    }

    @Test
    void t03_eachFrameOverXzEndsWholeStreams_theFileCutAtAFrameEndIsWhole_andWhatFollowsReadsAsOne() throws Exception {
        byte[] a = CompressionTest.sample(300 << 10), b = CompressionTest.sample(200 << 10), c = random(100 << 10, 3);
        Path f = tmp.resolve("framed.xz");
        long cut;
        try (FramedOutput out = new FramedOutput(Files.newOutputStream(f), Compression.XZ, 2)) {
            out.write(a);
            out.endFrame();
            cut = Files.size(f);
            out.write(b);
            out.endFrame();
            out.write(c);
        }
        byte[] all = Files.readAllBytes(f);
        byte[] whole = concat(a, b, c);
        assertArrayEquals(whole, Peer.ok(tmp, "xz", "-dc", f.toString()));
        try (InputStream in = Compression.XZ.decompress(Files.newInputStream(f))) {
            assertArrayEquals(whole, in.readAllBytes());
        }
        String robot = new String(Peer.ok(tmp, "xz", "--robot", "--list", f.toString()));
        String totals = robot.lines().filter(l -> l.startsWith("totals")).findFirst().orElseThrow();
        assertEquals("3", totals.split("\t")[1], "one stream per frame (each under a block): " + totals);
        // A resume's cut: the first frame alone is a whole .xz file.
        Path first = tmp.resolve("first.xz");
        Files.write(first, Arrays.copyOf(all, (int) cut));
        assertArrayEquals(a, Peer.ok(tmp, "xz", "-dc", first.toString()));
    }

    @Test
    void t04_afterAFailedWriteAFramedOutputNeitherEndsAFrameNorWritesOn() throws Exception {
        Flag stop = new Flag();
        IOException why = stop.why;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        FramedOutput out = new FramedOutput(raw, Compression.XZ, 1).cancelWith(stop);
        out.write(CompressionTest.sample(100 << 10));
        out.endFrame();
        int atFrameEnd = raw.size();
        out.write(random(3 << 20, 4));
        stop.set();
        assertSame(why, assertThrows(IOException.class, out::endFrame));
        assertSame(why, assertThrows(IOException.class, out::endFrame), "no frame end past a failure: a checkpoint there would lie");
        assertSame(why, assertThrows(IOException.class, () -> out.write(1)));
        out.close();
        assertEquals(atFrameEnd, raw.size(), "nothing past the last frame end");
    }

    @Test
    void t05_everyFrameOverXzGoesOnWithTheSameWorkers_whoseEncoderArraysAreKept() throws Exception {
        // A new compressor each frame meant new threads with empty array caches: ~90 MiB of
        // match-finder arrays a thread allocated anew at every checkpoint.
        java.util.Set<Thread> before = xzWorkers(), seen = new java.util.HashSet<>();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        try (FramedOutput out = new FramedOutput(raw, Compression.XZ, 2)) {
            for (int i = 0; i < 6; i++) {
                byte[] part = CompressionTest.sample((50 + i) << 10);
                out.write(part);
                want.writeBytes(part);
                out.endFrame();
                seen.addAll(xzWorkers());
            }
        }
        seen.removeAll(before);
        assertTrue(seen.size() <= 2, "6 frames on 2 threads, not " + seen.size());
        try (InputStream in = Compression.XZ.decompress(new java.io.ByteArrayInputStream(raw.toByteArray()))) {
            assertArrayEquals(want.toByteArray(), in.readAllBytes());
        }
    }

    private static java.util.Set<Thread> xzWorkers() {
        java.util.Set<Thread> s = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals("xz-block")) s.add(t);
        return s;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }
}
