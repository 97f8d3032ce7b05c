package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.read.PlainContentSource;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.PlainRange;
import org.linkrescue.migrate.stream.Problems;

class EvacuationTest {
    @TempDir Path dir;
    final List<String> problems = new ArrayList<>();
    final Problems log = (g, p, w) -> { synchronized (problems) { problems.add(g + " " + (p == null ? "" : Names.latin1(p)) + ": " + w); } };

    private void file(String rel, String data) throws IOException {
        Path p = dir.resolve("src").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, data, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private void link(String existing, String rel) throws IOException {
        Path p = dir.resolve("src").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.createLink(p, dir.resolve("src").resolve(existing));
    }

    private RecordingSink run(ContentSource source, Evacuation.SinkKind kind, Evacuation.Tuning tuning, RunTotals totals) throws IOException {
        return run(source, kind, tuning, totals, new RecordingSink());
    }

    private RecordingSink run(ContentSource source, Evacuation.SinkKind kind, Evacuation.Tuning tuning, RunTotals totals,
                              RecordingSink sink) throws IOException {
        new Evacuation(source, log, totals, tuning).run(Names.bytes(dir.resolve("src").toString()), sink, kind);
        return sink;
    }

    @Test
    void t01_aLinkedInodeIsReadOnceAtItsFirstPathAndEveryLaterPathLinksToIt() throws IOException {
        file("2024-01-01/a", "AAA");
        link("2024-01-01/a", "2024-01-02/a");
        link("2024-01-01/a", "2024-01-03/a");
        file("2024-01-02/b", "B");
        Files.createSymbolicLink(dir.resolve("src/2024-01-03/s"), Path.of("../x\u00e9"));
        AtomicInteger opens = new AtomicInteger();
        PlainContentSource plain = new PlainContentSource(log);
        ContentSource counting = (p, fd, n, st) -> { opens.incrementAndGet(); return plain.open(p, fd, n, st); };
        RunTotals totals = new RunTotals();
        RecordingSink sink = run(counting, Evacuation.SinkKind.COPIES_FROM_DESCRIPTOR, Evacuation.Tuning.DEFAULT, totals);
        assertEquals(List.of(
                "DIRECTORY .",
                "DIRECTORY 2024-01-01",
                "FILE 2024-01-01/a =AAA",
                "DIRECTORY 2024-01-02",
                "HARDLINK 2024-01-02/a -> 2024-01-01/a",
                "FILE 2024-01-02/b =B",
                "DIRECTORY 2024-01-03",
                "HARDLINK 2024-01-03/a -> 2024-01-01/a",
                "SYMLINK 2024-01-03/s -> ../x\u00e9"), sink.lines);
        assertEquals(2, opens.get(), "data of an inode is opened once, however many paths link it");
        assertTrue(sink.finished);
        assertTrue(sink.closed);
        assertEquals("linkrescue-writer", sink.threadName, "the sink runs behind the read-ahead queue");
        assertEquals(9, totals.paths());
        assertEquals(2, totals.files());
        assertEquals(2, totals.hardLinks());
        assertEquals(4, totals.bytes());
        assertEquals(List.of(), problems);
    }

    @Test
    void t02_aFileThatCannotBeOpenedIsReported_itsLaterPathsToo_andTheRunGoesOn() throws IOException {
        file("d1/gone", "lost");
        link("d1/gone", "d2/gone");
        file("d2/kept", "kept");
        PlainContentSource plain = new PlainContentSource(log);
        // The first path moves away between scan and open (the inode keeps its two links): the
        // open fails for real (ENOENT).
        ContentSource vanishing = (p, fd, n, st) -> {
            if (Names.latin1(p).equals("d1/gone")) Files.move(dir.resolve("src/d1/gone"), dir.resolve("elsewhere"));
            return plain.open(p, fd, n, st);
        };
        RecordingSink sink = run(vanishing, Evacuation.SinkKind.CONSUMES_BYTES, Evacuation.Tuning.DEFAULT, new RunTotals());
        assertEquals(List.of("DIRECTORY .", "DIRECTORY d1", "DIRECTORY d2", "FILE d2/kept =kept"), sink.lines);
        assertEquals(List.of(
                "FAILED d1/gone: open: ENOENT (No such file or directory)",
                "FAILED d2/gone: not archived: its inode could not be read"), problems);
    }

    @Test
    void t02b_aSourceThatReportedItsOwnOpenFailureGetsNoSecondLine_itsLaterPathsStillDo() throws IOException {
        file("d1/gone", "lost");
        link("d1/gone", "d2/gone");
        file("d2/kept", "kept");
        PlainContentSource plain = new PlainContentSource(log);
        ContentSource reporting = (p, fd, n, st) -> {
            if (!Names.latin1(p).equals("d1/gone")) return plain.open(p, fd, n, st);
            log.report(Problems.Grade.FAILED, p, "open: EIO (Input/output error); no alternate fits; left out");
            throw new ContentSource.Reported(new IOException("open: EIO (Input/output error)"));
        };
        RecordingSink sink = run(reporting, Evacuation.SinkKind.CONSUMES_BYTES, Evacuation.Tuning.DEFAULT, new RunTotals());
        assertEquals(List.of("DIRECTORY .", "DIRECTORY d1", "DIRECTORY d2", "FILE d2/kept =kept"), sink.lines);
        assertEquals(List.of(
                "FAILED d1/gone: open: EIO (Input/output error); no alternate fits; left out",
                "FAILED d2/gone: not archived: its inode could not be read"), problems);
    }

    @Test
    void t03_whenTheSinkFailsTheScanStopsWithItsErrorAndEveryContentIsClosed() throws IOException {
        for (int i = 0; i < 50; i++) file("f" + i, "x" + i);
        List<Content> opened = new ArrayList<>();
        PlainContentSource plain = new PlainContentSource(log);
        ContentSource tracking = (p, fd, n, st) -> {
            Content c = plain.open(p, fd, n, st);
            synchronized (opened) { opened.add(c); }
            return c;
        };
        RecordingSink sink = new RecordingSink();
        sink.failAt = 5;
        IOException e = assertThrows(IOException.class, () -> new Evacuation(tracking, log, new RunTotals(),
                new Evacuation.Tuning(4, 0, 0, 1)).run(Names.bytes(dir.resolve("src").toString()), sink,
                Evacuation.SinkKind.COPIES_FROM_DESCRIPTOR));
        assertEquals("target full (simulated)", e.getMessage());
        assertTrue(sink.closed);
        assertFalse(sink.finished);
        assertTrue(opened.size() < 50, "the scan stopped early (opened " + opened.size() + ")");
        for (Content c : opened) assertEquals(-1, c.as(PlainRange.class).fd(), "content left open: " + c);
    }

    @Test
    void t04_readAheadThroughASmallRingKeepsEveryByteInOrder() throws IOException {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String data = ("file" + i + ":").repeat(1 + i * 7);
            file(String.format("f%02d", i), data);
        }
        // A 4 KiB ring: files wrap around its end and the reader waits for the sink to free room.
        RecordingSink sink = run(new PlainContentSource(log), Evacuation.SinkKind.CONSUMES_BYTES,
                new Evacuation.Tuning(8, 4096, 4096, 3), new RunTotals());
        assertEquals(41, sink.lines.size());
        for (int i = 0; i < 40; i++) {
            assertEquals(String.format("FILE f%02d =", i) + ("file" + i + ":").repeat(1 + i * 7), sink.lines.get(i + 1));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void t05_aMissingSourceRootThrows() {
        IOException e = assertThrows(IOException.class, () -> new Evacuation(new PlainContentSource(log), log, new RunTotals(),
                Evacuation.Tuning.DEFAULT).run(Names.bytes(dir.resolve("nope").toString()), new RecordingSink(),
                Evacuation.SinkKind.CONSUMES_BYTES));
        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
    }

    @Test
    void t06_inodeOrderReadsTheWaitingFilesLowestInodeFirstWhileTheStreamStaysInNameOrder() throws Exception {
        int n = 20;
        for (int i = n - 1; i >= 0; i--) file(String.format("f%02d", i), "data" + i); // inodes against names
        java.util.concurrent.CountDownLatch allOpened = new java.util.concurrent.CountDownLatch(1);
        List<Long> fed = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger opens = new AtomicInteger();
        PlainContentSource plain = new PlainContentSource(log);
        Thread scan = Thread.currentThread();
        ContentSource gated = (p, fd, name, st) -> {
            Content c = plain.open(p, fd, name, st);
            if (opens.incrementAndGet() == n) allOpened.countDown();
            return new Content() {
                @Override public long size() { return c.size(); }
                @Override public org.linkrescue.migrate.stream.Provenance provenance() { return c.provenance(); }
                @Override public void close() throws IOException { c.close(); }
                @Override public void feed(Chunks out) throws IOException {
                    if (fed.isEmpty()) { // the first fill waits until every file waits behind it
                        try {
                            allOpened.await();
                            // until the scan waits for the writer at the end: every fill is queued
                            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                            while (scan.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                    }
                    fed.add(st.ino());
                    c.feed(out);
                }
            };
        };
        RecordingSink sink = run(gated, Evacuation.SinkKind.CONSUMES_BYTES,
                new Evacuation.Tuning(64, 1 << 20, 1 << 20, 1, Evacuation.ReadOrder.INODE), new RunTotals());
        for (int i = 0; i < n; i++) assertEquals(String.format("FILE f%02d =data%d", i, i), sink.lines.get(i + 1));
        assertEquals(n, fed.size());
        List<Long> rest = new ArrayList<>(fed.subList(1, n));
        List<Long> sorted = new ArrayList<>(rest);
        sorted.sort(Long::compareUnsigned);
        assertEquals(sorted, rest, "after the first, every fill took the lowest inode waiting");
        assertEquals(List.of(), problems);
    }

    @Test
    void t07_opensThatAnswerLateKeepTheStreamInScanOrderAndTheirDirectoryOpen() throws IOException {
        file("d1/a", "A");
        link("d1/a", "d1/b");
        file("d1/sub/c", "C");
        link("d1/a", "d2/a");
        file("d2/x", "X");
        link("d2/x", "d3/x");
        PlainContentSource plain = new PlainContentSource(log);
        List<String> finished = new ArrayList<>();
        ContentSource late = new ContentSource() {
            @Override
            public Content open(byte[] p, int fd, byte[] n, org.linkrescue.migrate.fs.Stat st) throws IOException {
                return plain.open(p, fd, n, st);
            }

            @Override
            public Opening startOpen(byte[] p, int fd, byte[] n, org.linkrescue.migrate.fs.Stat st) {
                return new Opening() {
                    @Override public boolean done() { return false; } // the scan runs ahead until it must wait

                    @Override
                    public Content finish() throws IOException {
                        finished.add(Names.latin1(p));
                        if (Names.latin1(p).equals("d2/x")) throw new IOException("open: EIO (Input/output error)");
                        return plain.open(p, fd, n, st); // by its directory's descriptor, still open now
                    }
                };
            }
        };
        RecordingSink sink = run(late, Evacuation.SinkKind.CONSUMES_BYTES, Evacuation.Tuning.DEFAULT, new RunTotals());
        assertEquals(List.of(
                "DIRECTORY .",
                "DIRECTORY d1",
                "FILE d1/a =A",
                "HARDLINK d1/b -> d1/a",
                "DIRECTORY d1/sub",
                "FILE d1/sub/c =C",
                "DIRECTORY d2",
                "HARDLINK d2/a -> d1/a",
                "DIRECTORY d3"), sink.lines);
        assertEquals(List.of("d1/a", "d1/sub/c", "d2/x"), finished);
        assertEquals(List.of(
                "FAILED d2/x: open: EIO (Input/output error)",
                "FAILED d3/x: not archived: its inode could not be read"), problems);
    }
    /** c, counted in open until it is closed. */
    private static Content countingOpen(Content c, AtomicInteger open) {
        open.incrementAndGet();
        return new Content() {
            @Override public long size() { return c.size(); }
            @Override public void feed(Chunks out) throws IOException { c.feed(out); }
            @Override public org.linkrescue.migrate.stream.Provenance provenance() { return c.provenance(); }
            @Override public void close() throws IOException {
                open.decrementAndGet();
                c.close();
            }
        };
    }

    /**
     * A source that opens lazily and never says an open is done before it is finished (a slow
     * drive; unless fast), so the scan starts opens ahead; it records each run and how many were
     * in flight.
     */
    private final class RunRecordingSource implements ContentSource {
        final PlainContentSource plain = new PlainContentSource(log);
        final List<List<String>> runs = new ArrayList<>();
        final List<String> opened = new ArrayList<>();
        final java.util.Set<String> failing = new java.util.HashSet<>();
        int inFlight, mostInFlight;
        final List<String> cancelled = new ArrayList<>();
        final AtomicInteger stillOpen = new AtomicInteger();
        /** Opens answer at once (a healthy drive, as fast as the scan): done as soon as started. */
        boolean fast;

        @Override public Content open(byte[] p, int fd, byte[] n, org.linkrescue.migrate.fs.Stat st) throws IOException {
            opened.add(Names.latin1(p));
            if (failing.contains(Names.latin1(p))) throw new IOException("open: EIO (Input/output error)");
            return plain.open(p, fd, n, st);
        }

        @Override public int opensInFlight() { return 2; }

        @Override public Opening startOpen(byte[] p, int fd, byte[] n, org.linkrescue.migrate.fs.Stat st, long readUpTo) {
            return startOpens(List.of(new OpenRequest(p, fd, n, st)), readUpTo).get(0);
        }

        @Override public List<Opening> startOpens(List<OpenRequest> files, long readUpTo) {
            runs.add(files.stream().map(f -> Names.latin1(f.path())).toList());
            mostInFlight = Math.max(mostInFlight, ++inFlight);
            int[] left = {files.size()};
            List<Opening> out = new ArrayList<>();
            for (OpenRequest f : files) out.add(lazy(f.path(), f.parentFd(), f.name(), f.stat(), left));
            return out;
        }

        private Opening lazy(byte[] p, int fd, byte[] n, org.linkrescue.migrate.fs.Stat st, int[] runLeft) {
            boolean[] finished = {false};
            return new Opening() {
                @Override public boolean done() { return fast; } // slow: the scan goes on meanwhile

                @Override public Content finish() throws IOException {
                    finished[0] = true;
                    if (--runLeft[0] == 0) inFlight--;
                    return countingOpen(open(p, fd, n, st), stillOpen);
                }

                @Override public boolean cancel() {
                    if (finished[0]) return false;
                    cancelled.add(Names.latin1(p));
                    return true;
                }
            };
        }
    }

    @Test
    void t20_opensRunAheadInRunsWhileEntriesGoOutInScanOrder_aSecondPathInTheWindowIsNeverOpened() throws IOException {
        for (int i = 0; i < 40; i++) file(String.format("d/a%02d", i), "A" + i);
        file("d/x", "X");
        link("d/x", "d/y"); // the same inode, a few paths later in the same directory
        file("d/z", "Z");
        RunRecordingSource source = new RunRecordingSource();
        source.failing.add("d/x");
        RecordingSink sink = run(source, Evacuation.SinkKind.CONSUMES_BYTES, Evacuation.Tuning.DEFAULT, new RunTotals());
        List<String> expected = new ArrayList<>(List.of("DIRECTORY .", "DIRECTORY d"));
        for (int i = 0; i < 40; i++) expected.add(String.format("FILE d/a%02d =A%d", i, i));
        expected.add("FILE d/z =Z");
        assertEquals(expected, sink.lines);
        assertEquals(List.of(
                "FAILED d/x: open: EIO (Input/output error)",
                "FAILED d/y: not archived: its inode could not be read"), problems);
        assertTrue(source.runs.stream().anyMatch(r -> r.size() > 1), "opens were started ahead in runs: " + source.runs);
        assertTrue(source.runs.stream().allMatch(r -> r.size() <= OpensAhead.RUN_FILES), source.runs.toString());
        assertFalse(source.opened.contains("d/y"), "a later path of an inode is linked, never opened");
        List<String> started = source.runs.stream().flatMap(List::stream).toList();
        assertEquals(started.stream().distinct().toList(), started, "no file is opened twice");
        assertEquals(42, started.size(), "every first path is opened exactly once");
        assertTrue(source.mostInFlight <= 2, "at most opensInFlight runs at once: " + source.mostInFlight);
    }

    @Test
    void t24_inALaterSnapshotTheNewFilesAmongItsLinksAreOpenedInOneRunPerDirectory_notOneHandOffPerFile() throws IOException {
        // A snapshot after the first: a new file every eighth name among hard links to the last
        // one. Each new file once went to the drive's worker alone (a hand-off and two wake-ups
        // per file: 12,800 of 15,800 hand-offs on a 228,000-path snapshot tree).
        for (int i = 0; i < 40; i++) file(String.format("s1/f%02d", i), "old" + i);
        for (int i = 0; i < 40; i++) {
            if (i % 8 == 3) file(String.format("s2/f%02d", i), "new" + i);
            else link(String.format("s1/f%02d", i), String.format("s2/f%02d", i));
        }
        file("s2/z/only", "Z"); // below a subdirectory: the directory's end does not wait for it
        RunRecordingSource source = new RunRecordingSource();
        source.fast = true;
        RecordingSink sink = run(source, Evacuation.SinkKind.CONSUMES_BYTES, Evacuation.Tuning.DEFAULT, new RunTotals());
        assertEquals(List.of(), problems);
        assertEquals(2 + 40 + 1 + 40 + 2, sink.lines.size(), sink.lines.toString());
        List<String> started = source.runs.stream().flatMap(List::stream).toList();
        assertEquals(46, started.size(), "every first path opened once: " + source.runs);
        assertEquals(started.stream().sorted().toList(), started, "opened in scan order");
        assertTrue(source.runs.size() <= 5, "40 + 5 + 1 files in runs of up to " + OpensAhead.RUN_FILES
                + ", broken where the walk enters a directory: " + source.runs);
        assertTrue(source.runs.stream().anyMatch(r -> r.containsAll(List.of("s2/f03", "s2/f11", "s2/f19", "s2/f27", "s2/f35"))),
                "s2's new files in one run: " + source.runs);
        assertTrue(source.runs.stream().allMatch(r -> r.size() <= OpensAhead.RUN_FILES), source.runs.toString());
        assertTrue(source.mostInFlight <= 2, "at most opensInFlight runs at once: " + source.mostInFlight);
    }

    @Test
    void t21_theQueueRunsThousandsOfEntriesDeepButHoldsAtMostCONTENTS_MAXOpenFiles() throws IOException {
        for (int i = 0; i < 1500; i++) file(String.format("d/f%04d", i), "x");
        PlainContentSource plain = new PlainContentSource(log);
        AtomicInteger open = new AtomicInteger(), mostOpen = new AtomicInteger(), opened = new AtomicInteger();
        java.util.concurrent.CountDownLatch ranAhead = new java.util.concurrent.CountDownLatch(1);
        ContentSource counting = (p, fd, n, st) -> {
            Content c = countingOpen(plain.open(p, fd, n, st), open);
            mostOpen.accumulateAndGet(open.get(), Math::max);
            if (opened.incrementAndGet() >= ReadAhead.CONTENTS_MAX) ranAhead.countDown();
            return c;
        };
        RecordingSink slow = new RecordingSink() {
            @Override public void accept(org.linkrescue.archive.Entry e, Content c) throws IOException {
                if (entries.isEmpty()) {
                    try { // a writer behind: the scan runs ahead, its open contents bounded
                        assertTrue(ranAhead.await(30, java.util.concurrent.TimeUnit.SECONDS), "the scan did run ahead: " + opened);
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.accept(e, c);
            }
        };
        assertTrue(Evacuation.Tuning.DEFAULT.depth() > 1500, "the queue alone would hold every file");
        new Evacuation(counting, log, new RunTotals(), Evacuation.Tuning.DEFAULT)
                .run(Names.bytes(dir.resolve("src").toString()), slow, Evacuation.SinkKind.CONSUMES_BYTES);
        assertEquals(1502, slow.lines.size());
        assertEquals(0, open.get(), "every content closed");
        assertTrue(mostOpen.get() <= ReadAhead.CONTENTS_MAX + 2, "descriptors held at once: " + mostOpen.get());
    }

    @Test
    void t22_whenTheSinkFailsOpensStartedAheadAreGivenUpUnopenedAndEveryOpenedContentIsClosed() throws IOException {
        for (int i = 0; i < 1000; i++) file(String.format("d/a%04d", i), "A" + i);
        RunRecordingSource source = new RunRecordingSource();
        RecordingSink failing = new RecordingSink();
        failing.failAt = 5;
        assertThrows(IOException.class, () -> run(source, Evacuation.SinkKind.CONSUMES_BYTES, Evacuation.Tuning.DEFAULT, new RunTotals(), failing));
        assertEquals(0, source.stillOpen.get(), "every opened content was closed");
        assertFalse(source.cancelled.isEmpty(), "opens started ahead were given up (" + source.runs.size() + " runs)");
        for (String c : source.cancelled) assertFalse(source.opened.contains(c), c + " was given up, never opened");
    }

    @Test
    void t23_aFileStillBeingReadAheadWhenTheSinkFailsIsClosedBeforeTheRunReturns() throws IOException {
        // t22 failed now and then with one content still open: a reader thread was still filling
        // the ring from a file when the run gave up, and the run returned without waiting for it.
        for (int i = 0; i < 40; i++) file(String.format("d/a%02d", i), "A" + i);
        PlainContentSource plain = new PlainContentSource(log);
        AtomicInteger open = new AtomicInteger();
        java.util.concurrent.CountDownLatch slowReadStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch sinkFailed = new java.util.concurrent.CountDownLatch(1);
        ContentSource slowLater = (p, fd, n, st) -> {
            Content c = plain.open(p, fd, n, st);
            if (!Names.latin1(p).equals("d/a20")) return countingOpen(c, open);
            return countingOpen(new Content() { // a slow read on a reader thread
                @Override public long size() { return c.size(); }
                @Override public void feed(Chunks out) throws IOException {
                    slowReadStarted.countDown();
                    try { // still reading when the sink fails, and for a while after
                        sinkFailed.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    c.feed(out);
                }
                @Override public org.linkrescue.migrate.stream.Provenance provenance() { return c.provenance(); }
                @Override public void close() throws IOException { c.close(); }
            }, open);
        };
        RecordingSink failing = new RecordingSink() {
            @Override public void accept(org.linkrescue.archive.Entry e, Content c) throws IOException {
                boolean failsNow = entries.size() == 5;
                if (failsNow) {
                    try {
                        slowReadStarted.await(); // the slow file is being read ahead when the sink fails
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                }
                try {
                    super.accept(e, c);
                } finally {
                    if (failsNow) sinkFailed.countDown(); // the slow read goes on while the run gives up
                }
            }
        };
        failing.failAt = 5;
        assertThrows(IOException.class, () -> run(slowLater, Evacuation.SinkKind.CONSUMES_BYTES, Evacuation.Tuning.DEFAULT, new RunTotals(), failing));
        assertEquals(0, open.get(), "every opened content was closed when the run returned");
    }

    @Test
    void t24_opensStillWaitingWhenTheWalkLeavesTheirDirectoryUseThatDirectoryStill_andEveryDescriptorIsClosedAtTheEnd()
            throws IOException {
        // The walk hands a directory it is done with to the stream while opens below it wait
        // (so they need not all end before the next directory is walked): each must still find
        // its own directory behind the descriptor it was given, never a closed or reused one.
        for (int d = 0; d < 40; d++) for (int f = 0; f < 5; f++) file(String.format("s/d%02d/f%d", d, f), d + "/" + f);
        for (int d = 0; d < 40; d++) link(String.format("s/d%02d/f0", d), String.format("t/d%02d/f0", d));
        PlainContentSource plain = new PlainContentSource(log);
        List<String> wrongDirectory = new ArrayList<>();
        AtomicInteger opened = new AtomicInteger();
        ContentSource late = new ContentSource() { // no open is done before the stream has to finish it
            @Override public Content open(byte[] p, int fd, byte[] n, org.linkrescue.migrate.fs.Stat st) throws IOException {
                return plain.open(p, fd, n, st);
            }

            @Override public Opening startOpen(byte[] p, int fd, byte[] n, org.linkrescue.migrate.fs.Stat st) {
                return new Opening() {
                    @Override public boolean done() { return false; }

                    @Override public Content finish() throws IOException {
                        long dirIno = (Long) Files.getAttribute(dir.resolve("src").resolve(Names.latin1(p)).getParent(), "unix:ino");
                        if (org.linkrescue.migrate.fs.Posix.fstat(fd).ino() != dirIno) wrongDirectory.add(Names.latin1(p));
                        opened.incrementAndGet();
                        return plain.open(p, fd, n, st);
                    }
                };
            }
        };
        int before = java.util.Objects.requireNonNull(new java.io.File("/proc/self/fd").list()).length;
        RecordingSink sink = run(late, Evacuation.SinkKind.CONSUMES_BYTES, Evacuation.Tuning.DEFAULT, new RunTotals());
        assertEquals(List.of(), wrongDirectory);
        assertEquals(200, opened.get());
        int after = java.util.Objects.requireNonNull(new java.io.File("/proc/self/fd").list()).length;
        assertTrue(after <= before, after + " descriptors open, " + before + " before: a directory handed to the stream was kept");
        assertTrue(sink.lines.contains("FILE s/d39/f4 =39/4"), sink.lines.toString());
        assertTrue(sink.lines.contains("HARDLINK t/d07/f0 -> s/d07/f0"), sink.lines.toString());
        assertEquals(List.of(), problems);
    }
}
