package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.linkrescue.migrate.sink.Entries.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.sink.DiskSinkDataThreadsTest.Held;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * A disk sink whose entries are made by several lanes at once, each in directories of its own:
 * the tree, the hard-link partition, the refusals and the counts come out as with one thread,
 * whichever lane gets where first.
 */
class DiskSinkLanesTest {
    @TempDir Path base;
    final RecordingProblems problems = new RecordingProblems();
    DiskSink sink;
    Path target;

    @AfterEach
    void closeSink() {
        if (sink != null) sink.close();
    }

    private DiskSink open(Path t, int lanes) throws IOException {
        target = t;
        sink = DiskSink.open(Names.bytes(t.toString()), DiskSink.Options.defaults().withLanes(lanes), problems)
                .allowLinksToNonRegular();
        return sink;
    }

    /** A snapshot tree as a stream: snapshot 0 all files; later ones link most, change some, and link across directories. */
    private static List<Object[]> snapshots(int snaps, int dirs, int files) {
        List<Object[]> s = new ArrayList<>();
        for (int n = 0; n < snaps; n++) {
            String sn = "snap" + n;
            s.add(new Object[] {dir(sn, 0755)});
            for (int d = 0; d < dirs; d++) {
                String dn = sn + "/d" + d;
                s.add(new Object[] {dir(dn, 0750 + d % 8)});
                for (int f = 0; f < files; f++) {
                    String p = dn + "/f" + f;
                    boolean changed = n == 0 || (f + n) % 7 == 0;
                    if (changed) s.add(new Object[] {file(p, 0640, 0), "v" + n + " of " + p});
                    else s.add(new Object[] {hardLink(p, firstPathOf(n, d, f))});
                }
                s.add(new Object[] {symlink(dn + "/sym", "f0")});
                if (n > 0) s.add(new Object[] {hardLink(dn + "/sym-link", "snap0/d" + d + "/sym")}); // cp -al links symlinks too
                if (d > 0) s.add(new Object[] {hardLink(dn + "/from-d0", sn + "/d0/f1")}); // across directories of one snapshot
            }
            s.add(new Object[] {special(EntryType.FIFO, sn + "/fifo", 0600, 0, 0)});
        }
        return s;
    }

    /** The first path of file f of directory d, as of snapshot n: the last snapshot up to n that changed it. */
    private static String firstPathOf(int n, int d, int f) {
        int k = n;
        while (k > 0 && (f + k) % 7 != 0) k--;
        return "snap" + k + "/d" + d + "/f" + f;
    }

    private void put(List<Object[]> stream) throws IOException {
        for (Object[] o : stream) {
            Entry e = (Entry) o[0];
            if (o.length == 1) {
                sink.accept(e, null);
            } else {
                Held h = new Held((String) o[1]);
                sink.accept(new Entry(e.path(), e.type(), e.mode(), e.uid(), e.gid(), null, null, h.size(), e.mtimeSec(),
                        e.mtimeNsec(), null, 0, 0, null), h);
            }
        }
    }

    private static String listing(Path root) throws Exception {
        return TreeSnapshot.run(List.of("find", root.toString(), "-mindepth", "1", "-printf", "%P %y %m %s %n %T@ %l\\n"))
                .lines().sorted().reduce("", (a, b) -> a + b + "\n");
    }

    /** The hard-link partition: the paths of each inode, as find sees them. */
    private static String partition(Path root) throws Exception {
        Map<String, List<String>> byInode = new TreeMap<>();
        for (String l : TreeSnapshot.run(List.of("find", root.toString(), "-mindepth", "1", "!", "-type", "d", "-printf", "%i %P\\n"))
                .lines().toList()) {
            String[] f = l.split(" ", 2);
            byInode.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
        }
        return byInode.values().stream().map(g -> g.stream().sorted().toList().toString()).sorted()
                .reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void theTreeAndItsLinksAreTheSameWithOneTwoOrThreeLanes() throws Exception {
        List<Object[]> stream = snapshots(6, 5, 40);
        List<String> listings = new ArrayList<>(), partitions = new ArrayList<>();
        List<DiskSink.Counts> counts = new ArrayList<>();
        for (int lanes : new int[] {1, 2, 3}) {
            open(base.resolve("t" + lanes), lanes);
            put(stream);
            counts.add(sink.counts());
            sink.finish();
            listings.add(listing(target));
            partitions.add(partition(target));
        }
        assertEquals(List.of(), problems.reports);
        for (int i = 1; i < 3; i++) {
            assertEquals(listings.get(0), listings.get(i), (i + 1) + " lanes");
            assertEquals(partitions.get(0), partitions.get(i), (i + 1) + " lanes");
            assertEquals(counts.get(0), counts.get(i), (i + 1) + " lanes");
        }
        assertEquals("v3 of snap3/d2/f4", Files.readString(target.resolve("snap5/d2/f4")));
        assertTrue(partitions.get(0).contains("[snap0/d1/sym, snap1/d1/sym-link, snap2/d1/sym-link, snap3/d1/sym-link, snap4/d1/sym-link, snap5/d1/sym-link]"),
                partitions.get(0));
    }

    @Test
    void aLinkInAnotherDirectoryWaitsForItsTargetStillBeingWrittenOnAnotherLane() throws Exception {
        open(base.resolve("t"), 2);
        CountDownLatch gate = new CountDownLatch(1);
        sink.accept(dir("a"), null);
        Held slow = new Held(Names.bytes("slow bytes"), gate, 10);
        sink.accept(file("a/f", slow.size()), slow); // its lane waits at the gate
        sink.accept(dir("b"), null); // another lane: a's has work
        sink.accept(file("b/before", 1), new Held("x"));
        sink.accept(hardLink("b/link", "a/f"), null);
        sink.accept(file("b/after", 1), new Held("y"));
        Thread.sleep(200);
        assertTrue(Files.exists(target.resolve("b/before")), "b's lane went on meanwhile");
        assertFalse(Files.exists(target.resolve("b/link")), "the link waits for its target");
        gate.countDown();
        sink.finish();
        assertEquals("slow bytes", Files.readString(target.resolve("b/link")));
        assertEquals(Files.getAttribute(target.resolve("a/f"), "unix:ino"), Files.getAttribute(target.resolve("b/link"), "unix:ino"));
        assertEquals(List.of(), problems.reports);
        assertEquals(0, slow.open.get(), "the handle was closed");
    }

    @Test
    void aLinkToATargetThatFailedIsRefusedFromEveryLane() throws Exception {
        open(base.resolve("t"), 2);
        sink.accept(dir("a"), null);
        Held shortOne = new Held(Names.bytes("0123456789"), new CountDownLatch(0), 4);
        sink.accept(file("a/short", shortOne.size()), shortOne);
        for (String d : new String[] {"b", "c", "d"}) {
            sink.accept(dir(d), null);
            sink.accept(hardLink(d + "/link", "a/short"), null);
        }
        sink.finish();
        assertFalse(Files.exists(target.resolve("a/short")), "no file with invented bytes");
        assertEquals("not written: source delivered 4 of 10 bytes", problems.only("a/short").what());
        for (String d : new String[] {"b", "c", "d"}) {
            assertFalse(Files.exists(target.resolve(d + "/link")));
            assertTrue(problems.only(d + "/link").what().startsWith("refused: hard link to 'a/short' which is not a regular file extracted"),
                    problems.toString());
        }
        assertEquals(3, sink.counts().refused());
        assertEquals(1, sink.counts().failed());
    }

    @Test
    void aLinkBeforeItsTargetIsRefusedEvenWhenAnotherLaneMadeTheTargetFirst() throws Exception {
        open(base.resolve("t"), 2);
        CountDownLatch gate = new CountDownLatch(1);
        sink.accept(dir("b"), null);
        Held slow = new Held(Names.bytes("slow"), gate, 4);
        sink.accept(file("b/slow", slow.size()), slow); // b's lane waits here...
        sink.accept(hardLink("b/early", "a/f"), null); // ...so a/f is made before this link is
        sink.accept(dir("a"), null);
        sink.accept(file("a/f", 1), new Held("f"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(target.resolve("a/f")) && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(Files.exists(target.resolve("a/f")), "a's lane made its file while b's waited");
        gate.countDown();
        sink.finish();
        assertFalse(Files.exists(target.resolve("b/early")));
        assertTrue(problems.only("b/early").what().startsWith("refused: hard link to 'a/f' which is not a regular file extracted"),
                problems.toString());
    }

    @Test
    void withinADirectoryTheFirstOfTwoEntriesOfOneNameWins_evenWhenTheSecondIsASubdirectoryOfAnotherLane() throws Exception {
        open(base.resolve("t"), 2);
        sink.accept(dir("d"), null);
        sink.accept(dir("d/sub"), null); // another lane's
        sink.accept(file("d/sub/x", 1), new Held("x"));
        sink.accept(file("d/sub", 1), new Held("!")); // d's lane, after sub's mkdir
        sink.accept(file("d/f", 1), new Held("f"));
        sink.accept(dir("d/f"), null); // sub's lane: after d/f
        sink.accept(file("d/f/y", 1), new Held("y"));
        sink.finish();
        assertTrue(Files.isDirectory(target.resolve("d/sub")));
        assertEquals("x", Files.readString(target.resolve("d/sub/x")));
        assertEquals("refused: exists", problems.only("d/sub").what());
        assertEquals("f", Files.readString(target.resolve("d/f")));
        assertEquals("refused: exists", problems.only("d/f").what());
        assertEquals("refused: parent 'd/f' is not a directory", problems.only("d/f/y").what());
    }

    @Test
    void aFailingContentOnALaneIsThrownOnceAndNothingIsWrittenAfterIt() throws Exception {
        open(base.resolve("t"), 2);
        IOException eio = new org.linkrescue.migrate.fs.PosixException("read", Names.bytes("src/f"), 5);
        sink.accept(dir("a"), null);
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        class Failing implements Content, org.linkrescue.migrate.stream.Retainable { // bytes kept past accept, whose reading fails on the lane
            @Override public long size() { return 10; }
            @Override public org.linkrescue.migrate.stream.Provenance provenance() { return org.linkrescue.migrate.stream.Provenance.CLEAN; }
            @Override public void feed(Chunks out) throws IOException { throw eio; }

            @Override
            public Content retain() {
                open.incrementAndGet();
                Content outer = this;
                return new Content() {
                    @Override public long size() { return 10; }
                    @Override public org.linkrescue.migrate.stream.Provenance provenance() { return outer.provenance(); }
                    @Override public void feed(Chunks out) throws IOException { throw eio; }
                    @Override public void close() { open.decrementAndGet(); }
                };
            }
        }
        sink.accept(file("a/bad", 10), new Failing());
        IOException thrown = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                sink.accept(dir("later" + i), null);
                Thread.sleep(1);
            }
        });
        assertSame(eio, thrown);
        assertEquals(List.of(), problems.of(Grade.FATAL));
        sink.close();
        assertFalse(Files.exists(target.resolve("a/bad")));
        assertEquals(0, open.get(), "the handle was closed");
    }

    @Test
    void aHandleKeptForAnEntryRefusedBecauseALaneFailedIsClosed() throws Exception {
        open(base.resolve("t"), 2);
        IOException eio = new org.linkrescue.migrate.fs.PosixException("read", Names.bytes("src/f"), 5);
        CountDownLatch failed = new CountDownLatch(1);
        sink.accept(dir("a"), null);
        class Failing implements Content, org.linkrescue.migrate.stream.Retainable { // a lane's own failure, met after accept returned
            @Override public long size() { return 10; }
            @Override public org.linkrescue.migrate.stream.Provenance provenance() { return org.linkrescue.migrate.stream.Provenance.CLEAN; }
            @Override public void feed(Chunks out) throws IOException { throw eio; }

            @Override
            public Content retain() {
                return new Content() {
                    @Override public long size() { return 10; }
                    @Override public org.linkrescue.migrate.stream.Provenance provenance() { return org.linkrescue.migrate.stream.Provenance.CLEAN; }
                    @Override public void feed(Chunks out) throws IOException { failed.countDown(); throw eio; }
                };
            }
        }
        sink.accept(file("a/bad", 10), new Failing());
        // The next entry's bytes are kept (retained) before the sink learns that a lane failed: the
        // window the run's stop falls into when a lane fails while the caller is between entries.
        Held late = new Held("late") {
            @Override
            public Content retain() {
                try {
                    assertTrue(failed.await(10, TimeUnit.SECONDS));
                    Thread.sleep(200); // the lane records its failure right after feed throws
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return super.retain();
            }
        };
        assertSame(eio, assertThrows(IOException.class, () -> sink.accept(file("a/late", 4), late)));
        sink.close();
        assertEquals(0, late.open.get(), "the handle kept for the refused entry was closed");
    }

    @Test
    void aFullTargetMetOnOneLaneStopsEveryLaneOnce() throws Exception {
        assumeTrue(Posix.isRoot(), "needs root to mount a 1 MiB tmpfs; skipped");
        Path mnt = Files.createDirectory(base.resolve("small"));
        TreeSnapshot.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()));
        List<Held> contents = new ArrayList<>();
        try {
            open(mnt.resolve("target"), 2);
            TargetWriteException e = assertThrows(TargetWriteException.class, () -> {
                for (int n = 0; n < 100; n++) {
                    sink.accept(dir("s" + n), null);
                    for (int f = 0; f < 20; f++) {
                        Held h = new Held(new byte[8192], new CountDownLatch(0), 8192);
                        contents.add(h);
                        sink.accept(file("s" + n + "/f" + f, h.size()), h);
                    }
                }
                sink.finish();
            });
            assertTrue(e.getMessage().matches("cannot write the target at 's\\d+/f\\d+': (write|open): ENOSPC \\(No space left on device\\)"),
                    e.getMessage());
            assertEquals(1, problems.of(Grade.FATAL).size(), "said once: " + problems.of(Grade.FATAL));
            assertThrows(TargetWriteException.class, () -> sink.accept(dir("more"), null), "nothing more is accepted");
            sink.close();
            assertEquals(0, contents.stream().mapToInt(h -> h.open.get()).sum(), "every handle closed");
            String full = TreeSnapshot.run(List.of("find", target.toString(), "-type", "f", "-size", "-8k"));
            assertEquals("", full, "no half-written file is left behind");
        } finally {
            if (sink != null) sink.close();
            TreeSnapshot.run(List.of("umount", mnt.toString()));
        }
    }
}
