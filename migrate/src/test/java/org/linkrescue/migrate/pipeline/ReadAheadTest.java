package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/** The read-ahead on its own: entries through the writer thread, room, failures, and closing. */
class ReadAheadTest {
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach void letGo() { release.countDown(); }

    static Entry file(String path, long size) {
        return new Entry(Names.bytes(path), EntryType.FILE, 0644, 0, 0, null, null, size, 1_600_000_000L, 0, null, 0, 0, null);
    }

    static Entry dir(String path) {
        return new Entry(Names.bytes(path), EntryType.DIRECTORY, 0755, 0, 0, null, null, 0, 1_600_000_000L, 0, null, 0, 0, null);
    }

    static ReadAhead readAhead(RecordingSink sink, int depth, int ringBytes, int readers) {
        return new ReadAhead(sink, depth, ringBytes, ringBytes, readers, null);
    }

    /** A content that knows whether it was closed. */
    static final class Counted implements Content {
        final AtomicBoolean closed = new AtomicBoolean();
        final BytesContent bytes;

        Counted(String s) { bytes = new BytesContent(Names.bytes(s)); }

        @Override public long size() { return bytes.size(); }
        @Override public void feed(Chunks out) throws IOException { bytes.feed(out); }
        @Override public Provenance provenance() { return Provenance.CLEAN; }
        @Override public void close() { closed.set(true); }
    }

    @Test void t01_everyEntryReachesTheSinkInOrderOnTheWriterThread_thenTheSinkIsFinished() throws Exception {
        RecordingSink sink = new RecordingSink();
        ReadAhead r = readAhead(sink, 8, 64, 2);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            r.accept(dir("d" + i), null);
            r.accept(file("d" + i + "/f", 2), new BytesContent(Names.bytes("x" + (i % 10))));
            expected.add("DIRECTORY d" + i);
            expected.add("FILE d" + i + "/f =x" + (i % 10));
        }
        r.finish();
        r.close();
        assertEquals(expected, sink.lines);
        assertEquals("linkrescue-writer", sink.threadName);
        assertTrue(sink.finished);
        assertTrue(sink.closed);
    }

    @Test void t02_aFailingSinkStopsTheProducerAtItsNextEntry_andEveryContentIsClosed() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.failAt = 3;
        ReadAhead r = readAhead(sink, 4, 0, 0);
        List<Counted> contents = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 10_000; i++) {
                Counted c = new Counted("ab");
                contents.add(c);
                r.accept(file("f" + i, 2), c);
            }
        });
        assertEquals("target full (simulated)", e.getMessage());
        r.close();
        assertTrue(sink.closed);
        for (Counted c : contents) assertTrue(c.closed.get(), "a content left open");
    }

    @Test void t03_aProducerWaitingForContentRoomIsLetGoWhenTheWriterFails() throws Exception {
        CountDownLatch accepting = new CountDownLatch(1);
        ReadAhead r = readAhead(failsOnceReleased(accepting, "target gone (simulated)"), 4096, 0, 0);
        Throwable got = letGoWhenTheWriterFails(r, accepting, "held at CONTENTS_MAX contents, waiting for a signal", () -> {
            for (int i = 0; i < 10 * ReadAhead.CONTENTS_MAX; i++) r.accept(file("f" + i, 1), new Counted("z"));
        });
        assertEquals("target gone (simulated)", got.getMessage());
    }

    @Test void t03b_aProducerWaitingForRoomInTheRingGetsTheWritersFailure_notThatTheSinkStopped() throws Exception {
        // A full target seen by migrate as "linkrescue: sink stopped" (TargetFullTest, once in a
        // CI run): the scan waited for ring room when the sink failed, and the ring's wait said
        // only that it was let go.
        CountDownLatch accepting = new CountDownLatch(1);
        // four 16-byte files fill the ring; the fifth needs more than one frees
        ReadAhead r = readAhead(failsOnceReleased(accepting, "No space left on device (simulated)"), 4096, 64, 0);
        Throwable got = letGoWhenTheWriterFails(r, accepting, "waiting for ring room", () -> {
            for (int i = 0; i < 4; i++) r.accept(file("f" + i, 16), new Counted("0123456789abcdef"));
            r.accept(file("big", 48), new Counted("0123456789abcdef".repeat(3)));
        });
        assertEquals("No space left on device (simulated)", got.getMessage());
    }

    /** A sink whose first accept counts accepting down, waits for {@link #release}, then fails with why. */
    RecordingSink failsOnceReleased(CountDownLatch accepting, String why) {
        return new RecordingSink() {
            @Override public void accept(Entry e, Content c) throws IOException {
                accepting.countDown();
                try {
                    release.await();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException(why);
            }
        };
    }

    interface Producer { void produce() throws Exception; }

    /**
     * Runs producer on a thread of its own until it waits (what it waits for: waitingFor), lets
     * the sink fail, and returns what the producer threw once let go; closes r.
     */
    Throwable letGoWhenTheWriterFails(ReadAhead r, CountDownLatch accepting, String waitingFor, Producer producer)
            throws Exception {
        AtomicReference<Throwable> producerGot = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                producer.produce();
            } catch (Throwable x) {
                producerGot.set(x);
            }
        });
        t.start();
        assertTrue(accepting.await(10, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
        assertEquals(Thread.State.WAITING, t.getState(), waitingFor);
        release.countDown();
        t.join(10_000);
        assertFalse(t.isAlive(), "let go by the writer's end, not left waiting");
        r.close();
        return producerGot.get();
    }

    @Test void t04_anInterruptedCloseNeverClosesTheSinkWhileTheWriterRuns_theWriterClosesItAsItEnds() throws Exception {
        CountDownLatch accepting = new CountDownLatch(1);
        AtomicBoolean writerInAccept = new AtomicBoolean();
        AtomicBoolean closedDuringAccept = new AtomicBoolean();
        CountDownLatch sinkClosed = new CountDownLatch(1);
        RecordingSink sink = new RecordingSink() {
            @Override public void accept(Entry e, Content c) throws IOException {
                writerInAccept.set(true);
                accepting.countDown();
                try {
                    release.await();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
                writerInAccept.set(false);
            }

            @Override public void close() {
                if (writerInAccept.get()) closedDuringAccept.set(true);
                closed = true;
                sinkClosed.countDown();
            }
        };
        ReadAhead r = readAhead(sink, 16, 0, 0);
        r.accept(dir("d"), null);
        assertTrue(accepting.await(10, TimeUnit.SECONDS));
        AtomicReference<Throwable> closeGot = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                r.close();
            } catch (Throwable t) {
                closeGot.set(t);
            }
        });
        closer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
        closer.interrupt(); // waiting for the writer, which is held inside the sink
        closer.join(10_000);
        assertFalse(closer.isAlive(), "an interrupted close returns");
        assertNull(closeGot.get());
        assertFalse(sink.closed, "not closed while the writer is inside it");
        release.countDown();
        assertTrue(sinkClosed.await(10, TimeUnit.SECONDS), "the writer closes it as it ends");
        assertFalse(closedDuringAccept.get());
    }

    @Test void t05_aProducerWaitingForAnEntryToBeTakenIsLetGoWhenTheWriterFailsFirst() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.failAt = 0;
        ReadAhead r = readAhead(sink, 16, 0, 0);
        assertThrows(IOException.class, () -> {
            r.accept(dir("d"), null); // fails on the writer
            r.acceptInStep(file("f", 1), new Counted("q"));
            r.acceptInStep(file("g", 1), new Counted("q"));
        });
        r.close();
        assertTrue(sink.closed);
    }

    @Test void t06_anInterruptedProducerWaitingForRoomThrowsAndStaysInterrupted() throws Exception {
        CountDownLatch accepting = new CountDownLatch(1);
        RecordingSink sink = new RecordingSink() {
            @Override public void accept(Entry e, Content c) {
                accepting.countDown();
                try {
                    release.await();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ReadAhead r = readAhead(sink, 4, 0, 0);
        AtomicReference<Throwable> got = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < 100; i++) r.accept(dir("d" + i), null);
            } catch (Throwable t) {
                got.set(t);
                interrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        producer.start();
        assertTrue(accepting.await(10, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
        producer.interrupt();
        producer.join(10_000);
        assertInstanceOf(InterruptedIOException.class, got.get());
        assertTrue(interrupted.get());
        release.countDown();
        r.close();
    }
}
