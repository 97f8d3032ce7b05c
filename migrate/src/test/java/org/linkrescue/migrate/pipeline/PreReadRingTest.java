package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.DirectCopy;
import org.linkrescue.migrate.stream.Provenance;

/** The read-ahead ring: room comes back only when every holder of the oldest regions let go. */
class PreReadRingTest {
    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    private static byte[] fed(Content c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.feed(out::write);
        return out.toByteArray();
    }

    private static byte[] direct(Content c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = c.as(DirectCopy.class).copyPrefix(b -> {
            assertTrue(b.isDirect());
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a);
        });
        assertEquals(c.size(), n);
        c.as(DirectCopy.class).feedFrom(n, (b, o, l) -> fail("nothing left to feed"));
        return out.toByteArray();
    }

    @Test
    void aRegionStillRetainedKeepsItsRoomAndEveryLaterRegionsRoom() throws Exception {
        PreReadRing ring = new PreReadRing(100);
        PreReadRing.Replay a = ring.reserve(new BytesContent(bytes(40, 1)), () -> false);
        PreReadRing.Replay b = ring.reserve(new BytesContent(bytes(40, 2)), () -> false);
        a.fill();
        b.fill();
        Content held = a.retain(); // a sink writes a on a thread of its own
        a.release();
        b.release();
        assertFalse(ring.fits(40), "b was released, but a is older and still held");
        assertArrayEquals(bytes(40, 1), direct(held), "the held bytes are intact");
        held.close();
        held.close(); // once only
        assertTrue(ring.fits(100), "both regions free once a's last holder let go");
    }

    @Test
    void bytesThatWrapAroundTheRingReplayWholeFedOrDirect() throws Exception {
        PreReadRing ring = new PreReadRing(100);
        PreReadRing.Replay first = ring.reserve(new BytesContent(bytes(70, 3)), () -> false);
        first.fill();
        first.release();
        PreReadRing.Replay wrapped = ring.reserve(new BytesContent(bytes(90, 4), 7), () -> false);
        wrapped.fill();
        assertArrayEquals(bytes(90, 4), fed(wrapped));
        assertArrayEquals(bytes(90, 4), direct(wrapped.retain()));
        wrapped.release();
    }

    @Test
    void aReaderThatDeliversAChunkInNativeMemoryIsCopiedFromIt() throws Exception {
        byte[] data = bytes(50, 5);
        final class Straight implements Content, DirectCopy {
            @Override public long size() { return data.length; }
            @Override public Provenance provenance() { return Provenance.CLEAN; }
            @Override public void feed(Chunks out) { fail("fed from 0 although 30 bytes came straight"); }
            @Override public long copyPrefix(DirectTarget t) throws IOException {
                ByteBuffer b = ByteBuffer.allocateDirect(30).put(data, 0, 30).flip();
                t.fromBuffer(b);
                return 30; // the rest through feedFrom, as a rescue does after a bad block
            }
            @Override public void feedFrom(long from, Chunks out) throws IOException {
                assertEquals(30, from);
                out.accept(data, 30, 20);
            }
        }
        PreReadRing ring = new PreReadRing(64);
        PreReadRing.Replay r = ring.reserve(new Straight(), () -> false);
        r.fill();
        r.awaitFilled();
        assertArrayEquals(data, fed(r));
    }

    @Test
    void aRingWhoseSinkKeepsUpCyclesThroughItsFrontAndNeverReachesTheRest() throws Exception {
        PreReadRing ring = new PreReadRing(10_000, 100);
        for (int i = 0; i < 1000; i++) {
            PreReadRing.Replay r = ring.reserve(new BytesContent(bytes(30, i)), () -> false);
            r.fill();
            assertArrayEquals(bytes(30, i), direct(r));
            r.release();
        }
        assertTrue(ring.reached() <= 130, "30,000 bytes went through the first " + ring.reached() + " of 10,000");
    }

    @Test
    void goingBackToTheStartNeverWritesOverBytesStillInFlight() throws Exception {
        PreReadRing ring = new PreReadRing(1000, 100);
        java.util.ArrayDeque<PreReadRing.Replay> inFlight = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> seeds = new java.util.ArrayDeque<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            int n = 1 + random.nextInt(120);
            // Free the oldest until this one fits: up to nine regions stay in flight, across the wrap.
            while (!ring.fits(n) || inFlight.size() > 8) {
                PreReadRing.Replay oldest = inFlight.poll();
                assertArrayEquals(bytes((int) oldest.size(), seeds.poll()), direct(oldest), "region " + i + " intact");
                oldest.release();
            }
            PreReadRing.Replay r = ring.reserve(new BytesContent(bytes(n, i)), () -> false);
            r.fill();
            inFlight.add(r);
            seeds.add(i);
        }
        while (!inFlight.isEmpty()) assertArrayEquals(bytes((int) inFlight.peek().size(), seeds.poll()), direct(inFlight.poll()));
        assertTrue(ring.reached() <= 1000);
    }
}
