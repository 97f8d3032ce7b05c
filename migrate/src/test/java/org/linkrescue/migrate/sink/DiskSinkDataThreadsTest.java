package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.linkrescue.migrate.sink.Entries.dir;
import static org.linkrescue.migrate.sink.Entries.file;
import static org.linkrescue.migrate.sink.Entries.hardLink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Retainable;

/**
 * A disk sink with data threads: files whose bytes a content can hand over past accept
 * ({@link Content#retain}) are written on a thread of their own, and the tree comes out exactly
 * as with one thread, failures included.
 */
class DiskSinkDataThreadsTest {
    @TempDir Path base;
    final RecordingProblems problems = new RecordingProblems();
    DiskSink sink;
    Path target;

    @AfterEach
    void closeSink() {
        if (sink != null) sink.close();
    }

    private DiskSink open(Path t, int threads) throws IOException {
        target = t;
        sink = DiskSink.open(Names.bytes(t.toString()), DiskSink.Options.defaults().withDataThreads(threads), problems);
        return sink;
    }

    /** Bytes in memory a sink may keep past accept; feeding the retained handle waits for gate. */
    static class Held implements Content, Retainable {
        final byte[] bytes;
        final CountDownLatch gate;
        final AtomicInteger open = new AtomicInteger();
        final int deliver; // bytes the handle actually feeds (fewer: a source that ended early)

        Held(byte[] bytes, CountDownLatch gate, int deliver) {
            this.bytes = bytes;
            this.gate = gate;
            this.deliver = deliver;
        }

        Held(String s) { this(Names.bytes(s), new CountDownLatch(0), s.length()); }

        @Override public long size() { return bytes.length; }
        @Override public Provenance provenance() { return Provenance.CLEAN; }
        /** Without data threads the sink feeds the content itself, inside accept. */
        @Override public void feed(Chunks out) throws IOException { out.accept(bytes, 0, deliver); }

        @Override
        public Content retain() {
            open.incrementAndGet();
            return new Content() {
                boolean closed;
                @Override public long size() { return bytes.length; }
                @Override public Provenance provenance() { return Provenance.CLEAN; }

                @Override
                public void feed(Chunks out) throws IOException {
                    try {
                        if (!gate.await(10, TimeUnit.SECONDS)) throw new AssertionError("gate never opened");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    out.accept(bytes, 0, deliver);
                }

                @Override
                public void close() {
                    if (!closed) open.decrementAndGet();
                    closed = true;
                }
            };
        }
    }

    private static String listing(Path root) throws Exception {
        return TreeSnapshot.run(List.of("find", root.toString(), "-mindepth", "1", "-printf", "%P %y %m %s %n %T@\\n"))
                .lines().sorted().reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void theTreeIsTheSameAsWithOneThread() throws Exception {
        List<String> listings = new ArrayList<>();
        List<Held> contents = new ArrayList<>();
        for (int threads : new int[] {0, 1, 2}) {
            open(base.resolve("t" + threads), threads);
            for (int s = 0; s < 3; s++) {
                sink.accept(dir("s" + s), null);
                for (int f = 0; f < 200; f++) {
                    String p = "s" + s + "/f" + f;
                    if (s > 0 && f % 3 != 0) {
                        sink.accept(hardLink(p, "s0/f" + f), null);
                    } else {
                        Held h = new Held("data of " + p + " ".repeat(f));
                        contents.add(h);
                        sink.accept(file(p, h.size()), h);
                    }
                }
            }
            sink.finish();
            listings.add(listing(target));
            assertEquals("data of s2/f3   ", Files.readString(target.resolve("s2/f3")));
        }
        assertEquals(List.of(), problems.reports);
        assertEquals(listings.get(0), listings.get(1));
        assertEquals(listings.get(0), listings.get(2));
        assertTrue(contents.stream().allMatch(h -> h.open.get() == 0), "every retained handle closed");
    }

    @Test
    void aHardLinkToAFileStillBeingWrittenWaitsForItsBytes() throws Exception {
        target = base.resolve("t");
        sink = DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults().withDataThreads(1).withLanes(1), problems);
        CountDownLatch gate = new CountDownLatch(1);
        Held h = new Held(Names.bytes("late bytes"), gate, 10);
        sink.accept(file("a", h.size()), h);
        Thread sinkThread = Thread.currentThread();
        new Thread(() -> { // the bytes come once the sink's thread waits for them
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sinkThread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
            gate.countDown();
        }).start();
        sink.accept(hardLink("b", "a"), null);
        assertEquals(0, gate.getCount(), "the link waited for the data");
        sink.finish();
        assertEquals("late bytes", Files.readString(target.resolve("b")));
        assertEquals("2", TreeSnapshot.run(List.of("stat", "-c", "%h", target.resolve("a").toString())).strip());
        assertEquals(List.of(), problems.reports);
    }

    @Test
    void aFileWhoseSourceEndedEarlyIsRemovedReportedAndNotLinkable() throws Exception {
        open(base.resolve("t"), 1);
        Held h = new Held(Names.bytes("0123456789"), new CountDownLatch(0), 4);
        sink.accept(file("short", h.size()), h);
        sink.accept(hardLink("link", "short"), null);
        sink.finish();
        assertFalse(Files.exists(target.resolve("short")), "no file with invented bytes");
        assertFalse(Files.exists(target.resolve("link")));
        assertEquals(Grade.FAILED, problems.only("short").grade());
        assertEquals("not written: source delivered 4 of 10 bytes", problems.only("short").what());
        assertTrue(problems.only("link").what().startsWith("refused: hard link to 'short'"), problems.toString());
        assertEquals(0, h.open.get());
    }

    @Test
    void aFullTargetMetOnADataThreadStopsTheRunOnce() throws Exception {
        assumeTrue(Posix.isRoot(), "needs root to mount a 1 MiB tmpfs; skipped");
        Path mnt = Files.createDirectory(base.resolve("small"));
        TreeSnapshot.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()));
        try {
            open(mnt.resolve("target"), 1);
            byte[] big = new byte[2 << 20];
            Held h = new Held(big, new CountDownLatch(0), big.length);
            sink.accept(file("big", big.length), h);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (h.open.get() > 0 && System.nanoTime() < deadline) Thread.onSpinWait(); // the data thread is done with it
            TargetWriteException e = assertThrows(TargetWriteException.class,
                    () -> sink.accept(dir("later"), null)); // the failure surfaces at the next accept
            assertEquals("cannot write the target at 'big': write: ENOSPC (No space left on device)", e.getMessage());
            assertEquals(Grade.FATAL, problems.only("big").grade());
            assertThrows(TargetWriteException.class, () -> sink.finish(), "nothing more is accepted");
            sink.close();
            assertFalse(Files.exists(target.resolve("big")), "no half-written file is left behind");
            assertEquals(0, h.open.get());
        } finally {
            if (sink != null) sink.close();
            TreeSnapshot.run(List.of("umount", mnt.toString()));
        }
    }
}
