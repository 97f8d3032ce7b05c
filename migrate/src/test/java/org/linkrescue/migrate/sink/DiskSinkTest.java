package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.linkrescue.migrate.sink.Entries.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.PlainRange;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Problems.Grade;

/** What the disk sink makes, checked with find(1) and stat(1) rather than our own code. */
class DiskSinkTest {
    @TempDir Path base;
    final RecordingProblems problems = new RecordingProblems();
    DiskSink sink;
    Path target;

    private DiskSink open() throws IOException {
        target = base.resolve("target");
        sink = DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults(), problems);
        return sink;
    }

    @AfterEach
    void closeSink() {
        if (sink != null) sink.close();
    }

    private void put(Entry e) throws IOException { sink.accept(e, null); }

    private void put(Entry e, String data) throws IOException { sink.accept(e, new BytesContent(Names.bytes(data))); }

    private static String find(Path p, String fmt) throws Exception {
        return TreeSnapshot.run(List.of("find", p.toString(), "-maxdepth", "0", "-printf", fmt));
    }

    private static String ns(long sec, int nsec) { return sec + "." + String.format("%09d", nsec) + "0"; }

    private void noProblems() { assertEquals(List.of(), problems.reports); }

    @Test
    void nanosecondMtimesOnFileDirAndSymlink() throws Exception {
        open();
        put(with(dir("d"), 0, 0, 1_234_567_890L, 987_654_321));
        put(with(file("d/f", 2), 0, 0, 1_234_567_890L, 123_456_789), "hi");
        put(with(symlink("d/s", "f"), 0, 0, 1_111_111_111L, 1));
        put(with(dir("d/e"), 0, 0, 999_999_999L, 999_999_999));
        sink.finish();
        noProblems();
        assertEquals(ns(1_234_567_890L, 123_456_789), find(target.resolve("d/f"), "%T@"));
        assertEquals(ns(1_111_111_111L, 1), find(target.resolve("d/s"), "%T@"));
        assertEquals(ns(999_999_999L, 999_999_999), find(target.resolve("d/e"), "%T@"));
        assertEquals(ns(1_234_567_890L, 987_654_321), find(target.resolve("d"), "%T@"), "set after its contents");
    }

    @Test
    void setuidSetgidAndStickyAreKeptAfterChown() throws Exception {
        assumeTrue(Posix.isRoot(), "needs root: chown to another owner");
        open();
        put(with(file("suid", 06755, 1), 1234, 5678, T, 0), "x");
        put(with(file("sgid", 02711, 1), 1234, 5678, T, 0), "x");
        put(with(dir("tmp", 01777), 1234, 5678, T, 0));
        put(with(special(EntryType.FIFO, "fifo", 04640, 0, 0), 1234, 5678, T, 0));
        sink.finish();
        noProblems();
        assertEquals("6755 1234 5678", find(target.resolve("suid"), "%m %U %G"));
        assertEquals("2711 1234 5678", find(target.resolve("sgid"), "%m %U %G"));
        assertEquals("1777 1234 5678", find(target.resolve("tmp"), "%m %U %G"));
        assertEquals("4640 1234 5678", find(target.resolve("fifo"), "%m %U %G"));
    }

    @Test
    void ownersAreRestoredAsRootByNumber() throws Exception {
        assumeTrue(Posix.isRoot(), "needs root: chown to another owner");
        open();
        put(with(dir("d"), 4001, 4002, T, 0));
        put(with(file("d/f", 1), 4003, 4004, T, 0), "x");
        put(with(symlink("d/s", "f"), 4005, 4006, T, 0));
        put(with(special(EntryType.FIFO, "d/p", 0600, 0, 0), 4007, 4008, T, 0));
        put(with(dir("."), 4009, 4010, T, 0));
        sink.finish();
        noProblems();
        assertEquals("4001 4002", find(target.resolve("d"), "%U %G"));
        assertEquals("4003 4004", find(target.resolve("d/f"), "%U %G"));
        assertEquals("4005 4006", find(target.resolve("d/s"), "%U %G"));
        assertEquals("4007 4008", find(target.resolve("d/p"), "%U %G"));
        assertEquals("4009 4010", find(target, "%U %G"));
    }

    @Test
    void readOnlyDirectoryGetsItsModeOnlyAtTheEnd() throws Exception {
        open();
        put(dir("ro", 0555));
        put(dir("ro/sub", 0500));
        put(file("ro/sub/f", 0444, 4), "data");
        put(file("ro/g", 0400, 1), "g");
        assertEquals("700", find(target.resolve("ro"), "%m"), "closed to others while it is filled");
        sink.finish();
        noProblems();
        assertEquals("555", find(target.resolve("ro"), "%m"));
        assertEquals("500", find(target.resolve("ro/sub"), "%m"));
        assertEquals("444", find(target.resolve("ro/sub/f"), "%m"));
        assertEquals("data", Files.readString(target.resolve("ro/sub/f")));
    }

    @Test
    void fifoCharAndBlockDevicesAreMade() throws Exception {
        assumeTrue(Posix.isRoot(), "needs root: mknod of devices");
        open();
        put(special(EntryType.FIFO, "fifo", 0640, 0, 0));
        put(special(EntryType.CHAR_DEVICE, "null", 0666, 1, 3));
        put(special(EntryType.BLOCK_DEVICE, "loop", 0660, 7, 200));
        put(special(EntryType.CHAR_DEVICE, "big", 0600, 300, 70000)); // beyond the old 8-bit fields
        sink.finish();
        noProblems();
        assertEquals("fifo 640", TreeSnapshot.run(List.of("stat", "-c", "%F %a", target.resolve("fifo").toString())).trim());
        assertEquals("character special file 666 1:3", stat(target.resolve("null")));
        assertEquals("block special file 660 7:200", stat(target.resolve("loop")));
        assertEquals("character special file 600 300:70000", stat(target.resolve("big")));
        assertEquals(4, sink.counts().specials());
    }

    private static String stat(Path p) throws Exception {
        String[] s = TreeSnapshot.run(List.of("stat", "-c", "%F|%a|%Hr|%Lr", p.toString())).trim().split("\\|");
        return s[0] + " " + s[1] + " " + s[2] + ":" + s[3];
    }

    @Test
    void invalidUtf8NewlineAndTabNamesAreByteExact() throws Exception {
        open();
        String d = "d\u00ff\u00fe";             // bytes ff fe: not UTF-8
        String f = d + "/new\nline\ttab\u0080"; // newline, tab, lone continuation byte
        String s = "s\\back";
        String t = "t\u00e9\n../x";               // a symlink target is kept verbatim, whatever it says
        put(dir(d));
        put(file(f, 3), "abc");
        put(symlink(s, t));
        sink.finish();
        noProblems();
        Set<String> names = new TreeSet<>(Arrays.asList(
                TreeSnapshot.run(List.of("find", target.toString(), "-mindepth", "1", "-printf", "%P\\0")).split("\0")));
        assertEquals(new TreeSet<>(List.of(d, f, s)), names);
        assertEquals(t, TreeSnapshot.run(List.of("find", target.resolve(s).toString(), "-printf", "%l")));
        assertEquals("abc", Files.readString(target.resolve(f), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void pathOver4096BytesIsMadeAndStatableThroughTheFdWalk() throws Exception {
        open();
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            if (i > 0) p.append('/');
            p.append(String.valueOf((char) ('a' + i)).repeat(255));
            if (i % 2 == 0) put(dir(p.toString(), 0750)); // every other level only implicit
        }
        String file = p + "/" + "f".repeat(255);
        assertTrue(file.length() > 4096);
        put(file(file, 5), "deep!");
        put(hardLink(p + "/link", file));
        sink.finish();
        noProblems();
        // find walks with descriptors too; it sees both names of the one inode at depth 18
        String out = TreeSnapshot.run(List.of("find", target.toString(), "-type", "f", "-printf", "%d %s %n\\n"));
        assertEquals("18 5 2\n18 5 2\n", out);
        String modes = TreeSnapshot.run(List.of("find", target.toString(), "-mindepth", "1", "-type", "d", "-printf", "%d:%m\\n"));
        for (String line : modes.split("\n")) {
            int depth = Integer.parseInt(line.substring(0, line.indexOf(':')));
            assertEquals(depth % 2 == 1 ? "750" : "755", line.substring(line.indexOf(':') + 1), line);
        }
        TreeSnapshot.run(List.of("rm", "-rf", target.toString())); // Java's @TempDir cleanup cannot go that deep
    }

    @Test
    void hardLinksShareAnInode() throws Exception {
        open();
        put(file("s1/a/f", 5), "hello");
        put(hardLink("s2/a/f", "s1/a/f"));
        put(hardLink("s3/a/f", "s1/a/f"));
        put(hardLink("s3/a/g", "./s2//a/f")); // another spelling of a path made in this run
        sink.finish();
        noProblems();
        String out = TreeSnapshot.run(List.of("find", target.toString(), "-type", "f", "-printf", "%i %n\\n"));
        List<String> lines = out.lines().toList();
        assertEquals(4, lines.size());
        assertEquals(1, lines.stream().distinct().count(), out);
        assertTrue(lines.get(0).endsWith(" 4"));
        assertEquals(3, sink.counts().links());
        assertEquals(1, sink.counts().files());
        assertEquals(5, sink.counts().bytes());
    }

    /** Entries whose data follows one another in one stream, as in a tar archive. */
    static final class StreamContent implements Content {
        private final InputStream in;
        private final long size;

        StreamContent(InputStream in, long size) { this.in = in; this.size = size; }

        @Override public long size() { return size; }

        @Override public void feed(Chunks out) throws IOException {
            byte[] buf = new byte[3];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) throw new IOException("stream ended");
                out.accept(buf, 0, n);
                left -= n;
            }
        }

        @Override public Provenance provenance() { return Provenance.CLEAN; }
    }

    @Test
    void refusedEntryContentIsDrainedSoLaterEntriesStillWork() throws Exception {
        open();
        InputStream stream = new ByteArrayInputStream(Names.bytes("EVIL-DATAfirstexists!second"));
        sink.accept(file("../x", 9), new StreamContent(stream, 9));
        sink.accept(file("one", 5), new StreamContent(stream, 5));
        sink.accept(file("one", 7), new StreamContent(stream, 7));
        sink.accept(file("two", 6), new StreamContent(stream, 6));
        sink.finish();
        assertEquals("first", Files.readString(target.resolve("one")));
        assertEquals("second", Files.readString(target.resolve("two")));
        assertEquals(2, sink.counts().refused());
        assertEquals(2, problems.of(Grade.FAILED).size());
    }

    @Test
    void missingParentsAreMadeAndGetTheDefaultModeUnlessAnEntryComesLater() throws Exception {
        open();
        put(file("x/y/z", 1), "z");
        put(dir("x", 0711));
        sink.finish();
        noProblems();
        assertEquals("711", find(target.resolve("x"), "%m"));
        assertEquals("755", find(target.resolve("x/y"), "%m"));
        assertEquals("755", find(target, "%m"), "a target the sink created, with no '.' entry");
    }

    @Test
    void rootEntryAppliesToTargetItself() throws Exception {
        open();
        put(with(dir(".", 0750), 0, 0, 1_500_000_000L, 42));
        put(file("f", 1), "f");
        sink.finish();
        noProblems();
        assertEquals("750 " + ns(1_500_000_000L, 42), find(target, "%m %T@"));
    }

    @Test
    void plainSourceIsCopiedKernelSide() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        Path src = Files.write(base.resolve("source"), data);
        open();
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(src.toString()), Posix.O_RDONLY, 0);
        try {
            sink.accept(file("copy", data.length), new PlainFile(fd, data.length));
        } finally {
            Posix.close(fd);
        }
        sink.finish();
        noProblems();
        assertArrayEquals(data, Files.readAllBytes(target.resolve("copy")));
    }

    @Test
    void nonEmptyTargetIsRefusedUnlessAllowed() throws Exception {
        Path t = Files.createDirectory(base.resolve("full"));
        Files.writeString(t.resolve("there"), "x");
        TargetWriteException e = assertThrows(TargetWriteException.class,
                () -> DiskSink.open(Names.bytes(t.toString()), DiskSink.Options.defaults(), problems));
        assertEquals("target '" + t + "' is not empty", e.getMessage());
        DiskSink.open(Names.bytes(t.toString()), DiskSink.Options.defaults().withAllowExisting(true), problems).close();
        Path file = Files.writeString(base.resolve("afile"), "x");
        e = assertThrows(TargetWriteException.class,
                () -> DiskSink.open(Names.bytes(file.toString()), DiskSink.Options.defaults(), problems));
        assertTrue(e.getMessage().contains("ENOTDIR"), e.getMessage());
    }

    @Test
    void targetFullStopsTheRunWithAOneLineErrorAndAFatalReport() throws Exception {
        assumeTrue(Posix.isRoot(), "needs root to mount a 1 MiB tmpfs; skipped");
        Path mnt = Files.createDirectory(base.resolve("small"));
        TreeSnapshot.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()));
        try {
            target = mnt.resolve("target");
            sink = DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults(), problems);
            put(file("small", 5), "small");
            byte[] big = new byte[2 << 20];
            TargetWriteException e = assertThrows(TargetWriteException.class,
                    () -> sink.accept(file("dir/big", big.length), new BytesContent(big)));
            assertFalse(e.getMessage().contains("\n"));
            assertEquals("cannot write the target at 'dir/big': write: ENOSPC (No space left on device)", e.getMessage());
            RecordingProblems.Report r = problems.only("dir/big");
            assertEquals(Grade.FATAL, r.grade());
            assertFalse(Files.exists(target.resolve("dir/big")), "no half-written file is left behind");
            assertThrows(TargetWriteException.class, () -> put(dir("later")), "nothing more is accepted");
            sink.close();
            sink.close(); // idempotent
            assertEquals("small", Files.readString(target.resolve("small")));
        } finally {
            if (sink != null) sink.close();
            TreeSnapshot.run(List.of("umount", mnt.toString()));
        }
    }

    @Test
    void aSmallDescriptorCacheStillPutsEveryEntryInItsPlace() throws Exception {
        target = base.resolve("target");
        sink = DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults().withCachedDirFds(2), problems);
        String[] paths = {"a/b/c/d/e/f1", "a/b/c/d/e/f2", "a/x1", "a/b/c/d/y1", "a/b/c/d/e/g/f3", "z", "a/b/x2", "a/b/c/d/e/g/h/f4"};
        for (String p : paths) put(file(p, p.length()), p);
        put(hardLink("a/b/c/l", "a/b/c/d/e/g/h/f4"));
        sink.finish();
        noProblems();
        for (String p : paths) assertEquals(p, Files.readString(target.resolve(p)));
        assertEquals("a/b/c/d/e/g/h/f4", Files.readString(target.resolve("a/b/c/l")));
        String files = TreeSnapshot.run(List.of("find", target.toString(), "-type", "f", "-printf", "%P\\n"));
        assertEquals(paths.length + 1, files.lines().count(), files);
    }

    @Test
    void anUnreadableSourceFailsOnlyThatFile() throws Exception {
        open();
        Path d = Files.createDirectory(base.resolve("notafile"));
        int fd = Posix.openDir(Posix.AT_FDCWD, Names.bytes(d.toString())); // read(2) gives EISDIR
        try {
            sink.accept(file("bad", 10), new PlainFile(fd, 10));
        } finally {
            Posix.close(fd);
        }
        put(file("good", 4), "good");
        sink.finish();
        RecordingProblems.Report r = problems.only("bad");
        assertEquals(Grade.FAILED, r.grade());
        assertEquals("not written: read source at byte 0: EISDIR (Is a directory)", r.what());
        assertFalse(Files.exists(target.resolve("bad")), "no file with invented or missing bytes");
        assertEquals("good", Files.readString(target.resolve("good")));
        assertEquals(1, sink.counts().failed());
    }

    @Test
    void aFailingContentPassesItsOwnErrorOnAndIsNeverTakenForTheTargets() throws Exception {
        open();
        IOException eio = new org.linkrescue.migrate.fs.PosixException("read", Names.bytes("src/f"), 5);
        IOException thrown = assertThrows(IOException.class, () -> sink.accept(file("f", 10), new Content() {
            @Override public long size() { return 10; }
            @Override public void feed(Chunks out) throws IOException {
                out.accept(new byte[4], 0, 4);
                throw eio; // an EIO of the source, which must not read as the target failing
            }
            @Override public Provenance provenance() { return Provenance.CLEAN; }
        }));
        assertSame(eio, thrown);
        assertEquals(List.of(), problems.of(Grade.FATAL));
        assertFalse(Files.exists(target.resolve("f")));
        put(file("g", 1), "g"); // the sink itself is still usable
        sink.finish();
        assertEquals("g", Files.readString(target.resolve("g")));
    }

    @Test
    void readOnlyTargetStopsTheRunAtTheFirstEntry() throws Exception {
        assumeTrue(Posix.isRoot(), "needs root to mount a read-only tmpfs; skipped");
        Path mnt = Files.createDirectory(base.resolve("ro"));
        TreeSnapshot.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()));
        try {
            TreeSnapshot.run(List.of("mount", "-o", "remount,ro", mnt.toString()));
            target = mnt;
            sink = DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults(), problems);
            BytesContent c = new BytesContent(Names.bytes("abc"));
            TargetWriteException e = assertThrows(TargetWriteException.class, () -> sink.accept(file("d/f", 3), c));
            assertEquals("cannot write the target at 'd/f': mkdir: EROFS (Read-only file system)", e.getMessage());
            assertEquals(Grade.FATAL, problems.only("d/f").grade());
            assertFalse(c.wasFed(), "a stopping run does not read data it cannot write");
        } finally {
            if (sink != null) sink.close();
            TreeSnapshot.run(List.of("umount", mnt.toString()));
        }
    }

    @Test
    void countsAddUp() throws Exception {
        open();
        put(dir("d"));
        put(file("d/f", 3), "abc");
        put(file("d/g", 2), "de");
        put(hardLink("d/h", "d/f"));
        put(symlink("d/s", "f"));
        put(special(EntryType.FIFO, "d/p", 0600, 0, 0));
        put(file("/abs", 1), "x");
        sink.finish();
        assertEquals(new DiskSink.Counts(2, 5, 1, 0, 1, 1, 1, 1, 0), sink.counts());
    }

    /** A content whose bytes lie as they are in fd's file: the sink copies them kernel-side, never feeds. */
    private record PlainFile(int fd, long size) implements Content, PlainRange {
        @Override public void feed(Chunks out) { fail("fed although a plain descriptor was offered"); }
        @Override public long offset() { return 0; }
        @Override public Provenance provenance() { return Provenance.CLEAN; }
    }
}
