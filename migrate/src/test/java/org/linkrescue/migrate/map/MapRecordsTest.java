package org.linkrescue.migrate.map;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.rescue.Candidate;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.Verdict;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;

/** The rescue map's lines: every record read back as written; a torn or damaged last group does not count. */
class MapRecordsTest {
    @TempDir Path dir;

    static final MapHeader HEADER = new MapHeader("migrate", 1_700_000_000L, 5,
            MapHeader.options("source", "/src", "target", "/dst", "alternate", "mirror=/m i\u00e9", "block-size", "4096"),
            "linkrescue migrate /src /dst", "linkrescue migrate /src /dst --resume");

    static byte[] b(String latin1) { return Names.bytes(latin1); }

    @Test
    void t01_everyRecordReadsBackAsWritten_oddBytesAndAll() throws Exception {
        byte[] map = Names.bytes(dir.resolve("m").toString());
        try (MapFile f = MapFile.create(map, HEADER)) {
            StringBuilder g = new StringBuilder();
            MapRecords.dir(g, new Entry(b("a b/\n\\x"), EntryType.DIRECTORY, 0755, 1000, 100, null, null, 0, 1_600_000_000L,
                    123_456_789, null, 0, 0, Map.of("SCHILY.xattr.system.posix_acl_default", new byte[] {2, 0, 0, 0, (byte) 0xff})));
            MapRecords.implicit(g, b("x/y"), 2);
            MapRecords.inode(g, 2049, 257, 19, b("2024-01-01/caf\u00e9"));
            MapRecords.inode(g, 2049, 258, 3, null);
            MapRecords.inode(g, 2049, 259, 1, b("gone"));
            MapRecords.closed(g, 2049, 259);
            MapRecords.made(g, 64769, new long[] {11, 12, 13}, 0, 3);
            MapRecords.copy(g, b("d/f"), b("e/f"));
            DamagedInodeRecord r = new DamagedInodeRecord(2049, 300, List.of(b("s1/x")), 131072, 1_700_000_000L, 9,
                    List.of(new ByteRange(8192, 4096)), List.of("read: EIO (Input/output error) at byte 8192"),
                    List.of(new Verdict(new Candidate(new Alternate(Alternate.Kind.MIRROR, b("/m")), b("s1/x")), false, "byte 4096 differs"),
                            new Verdict(new Candidate(new Alternate(Alternate.Kind.ORIGINAL, b("/home")), b("x")), true, "")),
                    new Provenance(List.of(new Provenance.Range(0, 8192, "source"), new Provenance.Range(8192, 4096, "original:/home/x"),
                            new Provenance.Range(12288, 131072 - 12288, "source")), true), "ab12", false);
            MapRecords.damaged(g, r); // its paths follow, as the checkpoint finds them finished
            MapRecords.path(g, 2049, 300, b("s1/x"));
            MapRecords.path(g, 2049, 300, b("s2/x"));
            MapRecords.problem(g, new ProblemLog.Problem(Grade.WARN, b("s1/sock"), "socket ignored: \u00fcber"));
            MapRecords.problem(g, new ProblemLog.Problem(Grade.FAILED, null, "a line\nand another"));
            MapRecords.mark(g, b("a/m"), new Provenance(List.of(new Provenance.Range(0, 10, "zero")), true));
            MapRecords.totals(g, new MapState.Totals(10, 4, 3, 2, 1, 0, 999, 4, 1, 1234));
            MapRecords.rescue(g, new MapState.RescueTotals(4, 900, 1));
            MapRecords.output(g, "archive", new MapState.OutputMark(4096, 10240));
            MapRecords.status(g, 10, b("s2/x"), '?', 1);
            f.append(g);
        }
        MapState s = MapFile.read(map);
        assertEquals(HEADER.options(), s.header().options());
        assertNull(HEADER.mismatch(s.header()));
        assertEquals(10, s.entries());
        assertArrayEquals(b("s2/x"), s.last());
        Entry d = s.dirs().get(0);
        assertArrayEquals(b("a b/\n\\x"), d.path());
        assertEquals(0755, d.mode());
        assertEquals(123_456_789, d.mtimeNsec());
        assertArrayEquals(new byte[] {2, 0, 0, 0, (byte) 0xff}, d.extra().get("SCHILY.xattr.system.posix_acl_default"));
        assertEquals(2, s.implicitDirs().get(0).depth());
        assertEquals(2, s.openInodes().size(), "259 closed");
        assertArrayEquals(b("2024-01-01/caf\u00e9"), s.openInodes().get(0).firstPath());
        assertNull(s.openInodes().get(1).firstPath(), "258 could not be read");
        assertEquals(3, s.made().size());
        assertEquals(13, s.made().ino(2));
        DamagedInodeRecord back = s.damaged().get(0);
        assertEquals(List.of("s1/x", "s2/x"), back.paths().stream().map(Names::latin1).toList());
        assertEquals(List.of(new ByteRange(8192, 4096)), back.badRanges());
        assertEquals("byte 4096 differs", back.candidates().get(0).reason());
        assertTrue(back.candidates().get(1).accepted());
        assertEquals("original:/home/x", back.provenance().ranges().get(1).origin());
        assertEquals("ab12", back.sha256());
        assertEquals(new MapState.InodeBlocks.Block(8192, 4096, '-'), s.blocks().get(0).blocks().get(1));
        assertEquals("socket ignored: \u00fcber", s.problems().get(0).what());
        assertEquals("a line\nand another", s.problems().get(1).what());
        assertNull(s.problems().get(1).path());
        assertEquals("zero", s.marks().get(0).provenance().ranges().get(0).origin());
        assertEquals(1234, s.totals().elapsedMillis());
        assertEquals(900, s.rescue().bytesRead());
        assertEquals(new MapState.OutputMark(4096, 10240), s.output("archive"));
    }

    @Test
    void t02_aGroupWithoutItsCheckpointLine_orWithAWrongCrc_doesNotCount() throws Exception {
        byte[] map = Names.bytes(dir.resolve("m").toString());
        try (MapFile f = MapFile.create(map, HEADER)) {
            StringBuilder g = new StringBuilder();
            MapRecords.status(g, 5, b("a"), '?', 1);
            f.append(g);
        }
        Path p = dir.resolve("m");
        long whole = Files.size(p);
        Files.writeString(p, "status entries=9 phase=? pass=1 at=1 last=b\n", StandardCharsets.ISO_8859_1,
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(5, MapFile.read(map).entries(), "torn: the group before stands");
        Files.writeString(p, "checkpoint 00000000\n", StandardCharsets.ISO_8859_1, java.nio.file.StandardOpenOption.APPEND);
        MapState s = MapFile.read(map);
        assertEquals(5, s.entries(), "wrong CRC: the group before stands");
        assertEquals(whole, s.validBytes);
        try (MapFile f = MapFile.reopen(map, s)) {
            StringBuilder g = new StringBuilder();
            MapRecords.status(g, 7, b("c"), '?', 1);
            f.append(g);
        }
        assertEquals(7, MapFile.read(map).entries(), "the torn tail was cut off before appending");
    }

    @Test
    void t03_notAMap_anotherVersion_aDamagedLineInsideAWholeGroup_areOneLineErrors() throws Exception {
        MapRecords.MapException e = assertThrows(MapRecords.MapException.class,
                () -> MapRecords.replay(new ByteArrayInputStream("hello\n".getBytes()), "x"));
        assertTrue(e.getMessage().contains("holds no checkpoint"), e.getMessage());
        String v2 = "linkrescue-map 2\n";
        String bad = v2 + String.format("checkpoint %08x\n", crc(v2));
        e = assertThrows(MapRecords.MapException.class, () -> MapRecords.replay(new ByteArrayInputStream(bad.getBytes()), "x"));
        assertTrue(e.getMessage().contains("format 2"), e.getMessage());
        String body = "linkrescue-map 1\ncommand migrate\nstarted 1.000000000\nfrobnicate 1\n";
        String frob = body + String.format("checkpoint %08x\n", crc(body));
        e = assertThrows(MapRecords.MapException.class, () -> MapRecords.replay(new ByteArrayInputStream(frob.getBytes()), "x"));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("frobnicate"), e.getMessage());
    }

    @Test
    void t04_aResumeWithOtherOptionsIsRefusedNamingTheFirstDifference() {
        MapHeader now = new MapHeader("migrate", 1, 0,
                MapHeader.options("source", "/src", "target", "/dst", "alternate", "mirror=/m i\u00e9", "block-size", "8192"), "", "");
        assertEquals("the stopped run had --block-size 4096, this run --block-size 8192", HEADER.mismatch(now));
        MapHeader fewer = new MapHeader("migrate", 1, 0, MapHeader.options("source", "/src", "target", "/dst"), "", "");
        assertTrue(HEADER.mismatch(fewer).contains("--alternate"), HEADER.mismatch(fewer));
        assertEquals("the rescue map is of a 'migrate' run, not of 'archive'",
                HEADER.mismatch(new MapHeader("archive", 1, 0, HEADER.options(), "", "")));
    }

    @Test
    void t05_walkOrderComparesComponentByComponent() {
        assertTrue(WalkOrder.compare(b("a/z"), b("a-b")) < 0, "all of directory a comes before the name a-b");
        assertTrue(WalkOrder.compare(b("a"), b("a/b")) < 0, "a directory before its contents");
        assertTrue(WalkOrder.compare(b("."), b("a")) < 0, "the root first");
        assertEquals(0, WalkOrder.compare(b("x/y"), b("x/y")));
        assertTrue(WalkOrder.compare(b("x/\u00e9"), b("x/z")) > 0, "bytes unsigned");
        assertTrue(WalkOrder.done(b("a/b"), b("a/c")));
        assertFalse(WalkOrder.done(b("a/c/d"), b("a/c")), "below the last finished entry: not done");
        assertFalse(WalkOrder.done(b("a"), null));
    }

    @Test
    void t06_aCompactedMapSaysWhatTheLongOneSaid_inOneGroup() throws Exception {
        byte[] map = Names.bytes(dir.resolve("m").toString());
        try (MapFile f = MapFile.create(map, HEADER)) {
            for (int g = 0; g < 50; g++) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    MapRecords.inode(sb, 1, g * 100 + i, 3, b("s" + g + "/f" + i));
                    if (i % 10 != 0) MapRecords.closed(sb, 1, g * 100 + i);
                }
                MapRecords.made(sb, 7, new long[] {g}, 0, 1);
                MapRecords.problem(sb, new ProblemLog.Problem(Grade.WARN, b("p" + g), "w"));
                MapRecords.status(sb, g + 1, b("s" + g), '?', 1);
                f.append(sb);
            }
            MapState before = MapFile.read(map);
            long longSize = f.size();
            StringBuilder all = new StringBuilder();
            MapRecords.state(all, before);
            f.compact(all);
            assertTrue(f.size() < longSize / 3, f.size() + " of " + longSize);
            MapState after = MapFile.read(map);
            assertEquals(1, after.checkpoints());
            assertEquals(before.entries(), after.entries());
            assertArrayEquals(before.last(), after.last());
            assertEquals(500, after.openInodes().size());
            assertEquals(before.openInodes().get(7).ino(), after.openInodes().get(7).ino());
            assertEquals(50, after.made().size());
            assertEquals(before.problems(), after.problems());
            assertEquals(before.header().resumeCommand(), after.header().resumeCommand());
            StringBuilder more = new StringBuilder();
            MapRecords.status(more, 99, b("z"), '?', 1);
            f.append(more);
        }
        assertEquals(99, MapFile.read(map).entries(), "appends go on after the compaction");
        assertFalse(java.nio.file.Files.exists(dir.resolve("m.compacting")));
    }

    @Test
    void t07_inodeStatesAndBlocksOfLaterPasses_theLastPerInodeWins_andSurviveACompaction() throws Exception {
        byte[] map = Names.bytes(dir.resolve("m").toString());
        try (MapFile f = MapFile.create(map, HEADER)) {
            StringBuilder g = new StringBuilder();
            MapRecords.inodeState(g, new MapState.InodeState(2049, 300, "pass", b("trimmed 1 \u0000\u00ff")));
            MapRecords.inodeState(g, new MapState.InodeState(2049, 300, "other", b("x")));
            MapRecords.blocks(g, new MapState.InodeBlocks(2049, 300, 8192, List.of(new MapState.InodeBlocks.Block(0, 4096, '+'),
                    new MapState.InodeBlocks.Block(4096, 4096, '?'))));
            MapRecords.status(g, 1, b("a"), '?', 1);
            f.append(g);
            StringBuilder g2 = new StringBuilder();
            MapRecords.inodeState(g2, new MapState.InodeState(2049, 300, "pass", b("scraped 2")));
            MapRecords.blocks(g2, new MapState.InodeBlocks(2049, 300, 8192, List.of(new MapState.InodeBlocks.Block(0, 8192, '+'))));
            MapRecords.status(g2, 2, b("b"), '/', 2);
            f.append(g2);
            MapState s = MapFile.read(map);
            assertEquals("scraped 2", Names.latin1(s.inodeState(2049, 300, "pass").value()));
            assertEquals("x", Names.latin1(s.inodeState(2049, 300, "other").value()));
            assertNull(s.inodeState(2049, 301, "pass"));
            assertEquals(List.of(new MapState.InodeBlocks.Block(0, 8192, '+')), s.blocks().get(0).blocks());
            assertEquals('/', s.phase());
            assertEquals(2, s.pass());
            StringBuilder all = new StringBuilder();
            MapRecords.state(all, s);
            f.compact(all);
        }
        MapState c = MapFile.read(map);
        assertEquals("scraped 2", Names.latin1(c.inodeState(2049, 300, "pass").value()));
        assertEquals(2, c.inodeStates().size());
        assertEquals(List.of(new MapState.InodeBlocks.Block(0, 8192, '+')), c.blocks().get(0).blocks());
        assertEquals('/', c.phase());
        assertThrows(IllegalArgumentException.class, () -> new MapState.InodeState(1, 2, "Has Space", new byte[0]));
    }

    @Test
    void t08_unreadableDirectoriesAndNames_withTheirUnverifiedPaths_readBackAndSurviveACompaction() throws Exception {
        byte[] map = Names.bytes(dir.resolve("m").toString());
        Alternates.Unreadable filled = new Alternates.Unreadable(b("s2/d oé"), true, "cannot read directory: EIO (Input/output error)",
                "mirror:/m ié/s2/d oé", 5, 3, 2, List.of(b("s2/d oé/c"), b("s2/d oé/sub")));
        Alternates.Unreadable lost = new Alternates.Unreadable(b("s2/x"), false, "lstat: EIO (Input/output error)", null, 0, 0, 0, List.of());
        try (MapFile f = MapFile.create(map, HEADER)) {
            StringBuilder g = new StringBuilder();
            MapRecords.unreadable(g, filled);
            MapRecords.unreadable(g, lost);
            MapRecords.status(g, 9, b("s2/y"), '?', 1);
            f.append(g);
            MapState s = MapFile.read(map);
            assertEquals(List.of(text(filled), text(lost)), s.unreadable().stream().map(MapRecordsTest::text).toList());
            StringBuilder all = new StringBuilder();
            MapRecords.state(all, s);
            f.compact(all);
        }
        assertEquals(List.of(text(filled), text(lost)), MapFile.read(map).unreadable().stream().map(MapRecordsTest::text).toList());
    }

    /** A record holding byte arrays, as comparable text. */
    private static String text(Alternates.Unreadable u) {
        return Names.latin1(u.path()) + "|" + u.directory() + "|" + u.error() + "|" + u.filledFrom() + "|" + u.pathsFilled() + "|"
                + u.pathsVerified() + "|" + u.pathsUnverified() + "|" + u.unverified().stream().map(Names::latin1).toList();
    }

    private static long crc(String s) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(s.getBytes(StandardCharsets.ISO_8859_1));
        return c.getValue();
    }
}
