package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linkrescue.archive.Specimen.b;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Records about an entry that become known only after its data (a large file found damaged
 * while it streamed): a pax global header right after the data, read back to the caller and
 * never applied to the entries that follow.
 */
class LateRecordsTest {
    /** 300 bytes, not UTF-8, with a newline and a comma: nothing may be cut or converted. */
    static final String RAW = "big\u00ff\n,".repeat(50);

    static Entry file(String path, long size) {
        return new Entry(b(path), EntryType.FILE, 0644, 0, 0, b("root"), b("root"), size,
                1_600_000_000L, 0, null, 0, 0, null);
    }

    static Map<String, byte[]> records(String... kv) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], b(kv[i + 1]));
        return m;
    }

    /** Writes path RAW (data "abc") with late records, then "after" (data "z"). */
    static byte[] archive(Map<String, byte[]> late) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        w.putEntry(file(RAW, 3));
        w.write(b("abc"), 0, 3);
        w.putLateRecords(b(RAW), late);
        w.putEntry(file("after", 1));
        w.write(b("z"), 0, 1);
        w.finish();
        return out.toByteArray();
    }

    record Read(List<Entry> entries, List<LateRecords> late, List<String> order) {}

    static Read read(byte[] tar) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<LateRecords> late = new ArrayList<>();
        List<String> order = new ArrayList<>();
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
            r.onLateRecords(l -> { late.add(l); order.add("late " + Names.latin1(l.path())); });
            for (Entry e; (e = r.next()) != null; ) {
                entries.add(e);
                order.add("entry " + Names.latin1(e.path()));
                r.transferTo(OutputStream.nullOutputStream());
            }
        }
        return new Read(entries, late, order);
    }

    static String text(Map<String, byte[]> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(Names.latin1(v)).append(';'));
        return sb.toString();
    }

    @Test
    void t01_lateRecordsWithARawBytePathReadBackExactly_betweenTheEntryAndTheNext() throws IOException {
        byte[] sha = b("\u00ff\u0000 any bytes");
        Map<String, byte[]> late = records("LINKRESCUE.damaged", "1",
                "LINKRESCUE.ranges", "0-1:source,2-2:zero");
        late.put("LINKRESCUE.sha256", sha);
        Read r = read(archive(late));

        assertEquals(List.of("entry " + RAW, "late " + RAW, "entry after"), r.order());
        assertArrayEquals(b(RAW), r.late().get(0).path());
        assertEquals(text(late), text(r.late().get(0).records()));
        assertTrue(r.entries().get(0).extra().isEmpty());
        assertTrue(r.entries().get(1).extra().isEmpty(), "never merged into the entries that follow");
    }

    @Test
    void t02_onTheWireItIsAGlobalHeaderAfterThePaddedDataWithOnlyOurLateKeys() throws IOException {
        byte[] tar = archive(records("LINKRESCUE.damaged", "1"));
        // block 0: 'x' (the 300-byte path), 1: its body, 2: header, 3: data "abc", 4: 'g'
        assertEquals('x', tar[156]);
        assertEquals('0', tar[2 * 512 + 156]);
        assertEquals('g', tar[4 * 512 + 156]);
        int size = Integer.parseInt(TarWriterTest.field(tar, 4 * 512 + 124, 12).trim(), 8);
        String body = Names.latin1(Arrays.copyOfRange(tar, 5 * 512, 5 * 512 + size));
        assertEquals("326 LINKRESCUE.late.path=" + RAW + "\n" + "29 LINKRESCUE.late.damaged=1\n", body);
        assertEquals("13727410000", TarWriterTest.field(tar, 4 * 512 + 136, 12).substring(0, 11),
                "the described entry's mtime: the same tree gives the same bytes");
    }

    @Test
    void t03_aLaterLateHeaderDeletesKeysItDoesNotRepeat_readersSeeOnlyItsOwn() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        w.putEntry(file("one", 0));
        w.putLateRecords(b("one"), records("LINKRESCUE.damaged", "1", "LINKRESCUE.sha256", "aa"));
        w.putEntry(file("two", 0));
        w.putLateRecords(b("two"), records("LINKRESCUE.ranges", "0-0:mirror:m/two"));
        w.finish();
        byte[] tar = out.toByteArray();
        String second = Names.latin1(Arrays.copyOfRange(tar, 5 * 512, 6 * 512));
        assertTrue(second.startsWith("28 LINKRESCUE.late.path=two\n43 LINKRESCUE.late.ranges=0-0:mirror:m/two\n"
                + "28 LINKRESCUE.late.damaged=\n27 LINKRESCUE.late.sha256=\n"), second);

        Read r = read(tar);
        assertEquals(List.of("entry one", "late one", "entry two", "late two"), r.order());
        assertEquals("LINKRESCUE.damaged=1;LINKRESCUE.sha256=aa;", text(r.late().get(0).records()));
        assertEquals("LINKRESCUE.ranges=0-0:mirror:m/two;", text(r.late().get(1).records()));
    }

    @Test
    void t04_standardAndForeignGlobalRecordsStillApplyToEveryLaterEntry() throws IOException {
        byte[] tar = new RawTar()
                .pax('g', "uname=global", "LIBARCHIVE.creationtime=1")
                .add(new RawTar.Header("a", '0', 1)).data("x")
                .pax('g', "LINKRESCUE.late.path=./a", "LINKRESCUE.late.damaged=1", "gname=later")
                .add(new RawTar.Header("b", '0', 0))
                .end().bytes();
        Read r = read(tar);
        assertEquals(List.of("entry a", "late a", "entry b"), r.order(), "the path is normalized like an entry's");
        Entry b = r.entries().get(1);
        assertEquals("global", Names.latin1(b.uname()));
        assertEquals("later", Names.latin1(b.gname()));
        assertEquals(java.util.Set.of("LIBARCHIVE.creationtime"), b.extra().keySet());
        assertEquals("LINKRESCUE.damaged=1;", text(r.late().get(0).records()));
    }

    @Test
    void t05_lateRecordsWithoutTheirPathOrWithANulInItAreRejected() {
        byte[] noPath = new RawTar().pax('g', "LINKRESCUE.late.damaged=1")
                .add(new RawTar.Header("a", '0', 0)).end().bytes();
        assertEquals("pax global header at byte offset 0 carries LINKRESCUE.late.* records without the path they describe",
                TarReaderTest.message(noPath));
        byte[] nul = new RawTar().pax('g', "LINKRESCUE.late.path=a\u0000b")
                .add(new RawTar.Header("a", '0', 0)).end().bytes();
        assertEquals("NUL byte in the LINKRESCUE.late.path record at byte offset 0", TarReaderTest.message(nul));
    }

    @Test
    void t06_theWriterTakesOnlyNonEmptyRecordsOfOurNamespaceAndOnlyAfterCompleteData() throws IOException {
        TarWriter w = new TarWriter(OutputStream.nullOutputStream());
        w.putEntry(file("a", 0));
        for (Map<String, byte[]> bad : List.of(records("SCHILY.xattr.user.x", "1"), records("path", "x"),
                records("LINKRESCUE.late.path", "x"), records("LINKRESCUE.damaged", ""), records("LINKRESCUE.", "1")))
            assertThrows(IllegalArgumentException.class, () -> w.putLateRecords(b("a"), bad), text(bad));
        assertThrows(IllegalArgumentException.class, () -> w.putLateRecords(b("a\u0000"), records("LINKRESCUE.damaged", "1")));
        w.putEntry(file("short", 5));
        w.write(b("ab"), 0, 2);
        IOException e = assertThrows(IOException.class, () -> w.putLateRecords(b("short"), records("LINKRESCUE.damaged", "1")));
        assertEquals("Entry 'short' closed at 2 of 5 bytes", e.getMessage());
    }

    @Test
    void t07_withoutAListenerTheyAreDroppedAndTheEntriesReadAsUsual() throws IOException {
        try (TarReader r = new TarReader(new ByteArrayInputStream(archive(records("LINKRESCUE.damaged", "1"))))) {
            assertEquals(RAW, Names.latin1(r.next().path()));
            assertEquals("abc", new String(r.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
            Entry after = r.next();
            assertEquals("after", Names.latin1(after.path()));
            assertTrue(after.extra().isEmpty());
            assertEquals("z", new String(r.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertNull(r.next());
        }
    }
}
