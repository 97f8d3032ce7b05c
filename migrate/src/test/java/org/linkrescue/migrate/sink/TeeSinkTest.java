package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.TarReader;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Provenance;

class TeeSinkTest {
    @TempDir Path dir;
    final Problems quiet = (g, p, w) -> { };

    static Entry entry(String path, EntryType t, long size, String target) {
        return new Entry(Names.bytes(path), t, t == EntryType.DIRECTORY ? 0755 : 0644, 0, 0, Names.bytes("root"),
                Names.bytes("root"), size, 1_700_000_000L, 123_456_789, target == null ? null : Names.bytes(target), 0, 0, null);
    }

    static Map<String, byte[]> records(Content c) {
        return Map.of("LINKRESCUE.test", Names.bytes(c.provenance().damaged() ? "damaged" : "spliced"));
    }

    /** Feeds a fixed stream (root, dir, file, hard link, a file the disk refuses) into sink. */
    static void stream(EntrySink sink) throws IOException {
        sink.accept(entry(".", EntryType.DIRECTORY, 0, null), null);
        sink.accept(entry("d", EntryType.DIRECTORY, 0, null), null);
        byte[] data = "hello, tee".repeat(1000).getBytes(StandardCharsets.ISO_8859_1);
        sink.accept(entry("d/f", EntryType.FILE, data.length, null), new BytesContent(data, 4096));
        sink.accept(entry("d/g", EntryType.HARDLINK, 0, "d/f"), null);
        sink.accept(entry("../evil", EntryType.FILE, 5, null), new BytesContent("evil!".getBytes(StandardCharsets.ISO_8859_1)));
        sink.finish();
    }

    @Test
    void t01_theArchiveOfATeeIsByteIdenticalToTheArchiveAlone() throws IOException {
        ByteArrayOutputStream alone = new ByteArrayOutputStream();
        try (TarSink t = TarSink.open(alone, Compression.NONE, 1, TeeSinkTest::records)) {
            stream(t);
        }
        ByteArrayOutputStream teed = new ByteArrayOutputStream();
        Path target = dir.resolve("t");
        try (TeeSink tee = new TeeSink(DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults(), quiet).allowLinksToNonRegular(),
                TarSink.open(teed, Compression.NONE, 1, TeeSinkTest::records))) {
            stream(tee);
        }
        assertArrayEquals(alone.toByteArray(), teed.toByteArray());
        assertEquals("hello, tee".repeat(1000), Files.readString(target.resolve("d/f"), StandardCharsets.ISO_8859_1));
        assertEquals(Files.getAttribute(target.resolve("d/f"), "unix:ino"), Files.getAttribute(target.resolve("d/g"), "unix:ino"));
        assertFalse(Files.exists(dir.resolve("evil")), "the disk side refused the hostile entry");
        // ... and the archive still holds its data, in step.
        TarReader r = new TarReader(new ByteArrayInputStream(teed.toByteArray()));
        Entry e;
        String last = null;
        while ((e = r.next()) != null) last = Names.latin1(e.path());
        assertEquals("../evil", last);
    }

    @Test
    void t02_aProvenanceKnownBeforeTheBytesIsWrittenIntoTheHeader() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Provenance damaged = new Provenance(List.of(new Provenance.Range(0, 3, "zero")), true);
        try (TarSink t = TarSink.open(out, Compression.NONE, 1, TeeSinkTest::records)) {
            t.accept(entry("x", EntryType.FILE, 3, null), new Content() {
                @Override public long size() { return 3; }
                @Override public void feed(Chunks c) throws IOException { c.accept(new byte[3], 0, 3); }
                @Override public Provenance provenance() { return damaged; }
            });
            t.finish();
        }
        Entry e = new TarReader(new ByteArrayInputStream(out.toByteArray())).next();
        assertArrayEquals(Names.bytes("damaged"), e.extra().get("LINKRESCUE.test"));
    }

    /** A content found damaged only while it streams (as a large rescued file is): clean before. */
    static Content damagedWhileStreaming(byte[] data) {
        return new Content() {
            Provenance p = Provenance.CLEAN;
            @Override public long size() { return data.length; }
            @Override public void feed(Chunks c) throws IOException {
                c.accept(data, 0, data.length);
                p = new Provenance(List.of(new Provenance.Range(0, data.length, "zero")), true);
            }
            @Override public Provenance provenance() { return p; }
        };
    }

    static void lateStream(EntrySink sink) throws IOException {
        sink.accept(entry(".", EntryType.DIRECTORY, 0, null), null);
        sink.accept(entry("big\u00ff", EntryType.FILE, 5, null), damagedWhileStreaming(Names.bytes("00000")));
        sink.accept(entry("next", EntryType.FILE, 2, null), new BytesContent(Names.bytes("ok")));
        sink.finish();
    }

    @Test
    void t04_aProvenanceKnownOnlyAfterTheBytesFollowsThemAsLateRecords_teeAndAloneByteIdentical() throws IOException {
        ByteArrayOutputStream alone = new ByteArrayOutputStream();
        try (TarSink t = TarSink.open(alone, Compression.NONE, 1, TeeSinkTest::records)) {
            lateStream(t);
        }
        ByteArrayOutputStream teed = new ByteArrayOutputStream();
        try (TeeSink tee = new TeeSink(DiskSink.open(Names.bytes(dir.resolve("t").toString()), DiskSink.Options.defaults(), quiet),
                TarSink.open(teed, Compression.NONE, 1, TeeSinkTest::records))) {
            lateStream(tee);
        }
        assertArrayEquals(alone.toByteArray(), teed.toByteArray());

        List<String> seen = new java.util.ArrayList<>();
        TarReader r = new TarReader(new ByteArrayInputStream(alone.toByteArray()))
                .onLateRecords(l -> seen.add("late " + Names.latin1(l.path()) + " " + Names.latin1(l.records().get("LINKRESCUE.test"))));
        for (Entry e; (e = r.next()) != null; ) seen.add(Names.latin1(e.path()) + " " + e.extra().keySet());
        assertEquals(List.of(". []", "big\u00ff []", "late big\u00ff damaged", "next []"), seen);
    }

    @Test
    void t03_anArchiveClosedWithoutFinishHasNoEndMarker() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarSink t = TarSink.open(out, Compression.NONE, 1, TeeSinkTest::records);
        t.accept(entry(".", EntryType.DIRECTORY, 0, null), null);
        t.close();
        TarReader r = new TarReader(new ByteArrayInputStream(out.toByteArray()));
        assertThrows(IOException.class, () -> { while (r.next() != null) { } },
                "a run that died must not leave an archive that reads as complete");
    }
}
