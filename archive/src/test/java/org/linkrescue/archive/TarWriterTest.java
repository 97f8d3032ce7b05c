package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linkrescue.archive.Specimen.b;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes TarWriter puts on the wire, field by field. */
class TarWriterTest {

    static Entry file(String path, long size) {
        return new Entry(b(path), EntryType.FILE, 0644, 1000, 1000, b("u"), b("g"), size,
                1_600_000_000L, 0, null, 0, 0, null);
    }

    static byte[] write(Entry... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        for (Entry e : entries) {
            w.putEntry(e);
            w.write(new byte[(int) e.size()], 0, (int) e.size());
            w.closeEntry();
        }
        w.finish();
        return out.toByteArray();
    }

    static String field(byte[] tar, int off, int len) {
        int n = 0;
        while (n < len && tar[off + n] != 0) n++;
        return Names.latin1(Arrays.copyOfRange(tar, off, off + n));
    }

    /** The pax body of the 'x' header at block 0 of tar. */
    static String paxBody(byte[] tar) {
        assertEquals('x', tar[156]);
        int size = Integer.parseInt(field(tar, 124, 12).trim(), 8);
        return Names.latin1(Arrays.copyOfRange(tar, 512, 512 + size));
    }

    @Test
    void t01_plainEntryIsOneUstarHeaderWithAValidChecksum() throws IOException {
        byte[] tar = write(file("a/b", 3));
        assertEquals("a/b", field(tar, 0, 100));
        assertEquals("ustar", field(tar, 257, 6));
        assertEquals("00", Names.latin1(Arrays.copyOfRange(tar, 263, 265)));
        assertEquals("0000644", field(tar, 100, 8));
        assertEquals("00000000003", field(tar, 124, 12));
        assertEquals('0', tar[156]);
        assertEquals("u", field(tar, 265, 32));
        assertValidChecksum(tar, 0);
        assertEquals(0, tar[154]);
        assertEquals(' ', tar[155]);
        assertEquals(10240, tar.length, "padded to one 20-block record");
    }

    @Test
    void t02_pathOver100BytesIsSplitIntoPrefixAndNameWithoutPax() throws IOException {
        String prefix = "p".repeat(150), name = "n".repeat(100);
        byte[] tar = write(file(prefix + "/" + name, 0));
        assertEquals('0', tar[156], "no pax header needed");
        assertEquals(name, Names.latin1(Arrays.copyOfRange(tar, 0, 100)));
        assertEquals(prefix, field(tar, 345, 155));
        assertValidChecksum(tar, 0); // the prefix's bytes are summed too
    }

    @Test
    void t02b_everyHeaderOfAPaxEntryHasAValidChecksum() throws IOException {
        byte[] tar = write(file("x".repeat(101), 0), file("q".repeat(150) + "/" + "r".repeat(100), 0));
        assertEquals('x', tar[156], "a pax header first");
        for (int off : new int[] {0, 1024, 1536}) assertValidChecksum(tar, off);
    }

    /** The ustar checksum at off: the sum of the block's bytes, its own field counted as spaces. */
    static void assertValidChecksum(byte[] tar, int off) {
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : tar[off + i] & 0xff;
        assertEquals(String.format("%06o", sum), field(tar, off + 148, 6), "the header at " + off);
    }

    @Test
    void t03_pathThatCannotBeSplitGoesIntoAPaxPathRecord() throws IOException {
        String path = "x".repeat(101);
        byte[] tar = write(file(path, 0));
        assertEquals("111 path=" + path + "\n", paxBody(tar));
    }

    @Test
    void t04_paxRecordLengthCountsItsOwnDigitsInBytes() {
        for (int vlen = 80; vlen < 1010; vlen++) {
            PaxRecords r = new PaxRecords();
            byte[] v = new byte[vlen];
            Arrays.fill(v, (byte) 0xe9);
            r.add("path", v);
            String rec = Names.latin1(Arrays.copyOf(r.buffer(), r.length()));
            int declared = Integer.parseInt(rec.substring(0, rec.indexOf(' ')));
            assertEquals(r.length(), declared, "record for a " + vlen + "-byte value");
            assertArrayEquals(v, PaxRecords.parse(r.buffer(), r.length()).get("path"));
        }
    }

    @Test
    void t05_nanosecondsGoIntoPaxMtimeAndSecondsStayInTheHeader() throws IOException {
        Entry e = new Entry(b("f"), EntryType.FILE, 0644, 0, 0, null, null, 0, 1_700_000_000L, 120_000_000,
                null, 0, 0, null);
        byte[] tar = write(e);
        assertEquals("30 mtime=1700000000.120000000\n", paxBody(tar));
        assertEquals(Long.toOctalString(1_700_000_000L), field(tar, 1024 + 136, 12));
    }

    @Test
    void t06_negativeTimesAreWrittenAsTheExactDecimal() {
        PaxRecords r = new PaxRecords();
        r.addTime("mtime", -2, 500_000_000);
        assertEquals("22 mtime=-1.500000000\n", Names.latin1(Arrays.copyOf(r.buffer(), r.length())));
        assertArrayEquals(new long[] {-2, 500_000_000}, PaxRecords.parseTime(b("-1.5")));
        assertArrayEquals(new long[] {-1, 999_999_999}, PaxRecords.parseTime(b("-0.000000001")));
    }

    @Test
    void t07_bigIdsAndSizesUseBase256InTheHeaderPlusPaxRecords() {
        byte[] h = new byte[12];
        TarNumbers.write(h, 0, 12, 8L << 30 | 1);
        assertEquals(0x80, h[0] & 0xff);
        assertEquals(8L << 30 | 1, TarNumbers.parse(h, 0, 12));
        byte[] u = new byte[8];
        TarNumbers.write(u, 0, 8, 3_000_000);
        assertEquals(0x80, u[0] & 0xff);
        assertEquals(3_000_000, TarNumbers.parse(u, 0, 8));
        TarNumbers.write(h, 0, 12, -1);
        assertEquals(-1, TarNumbers.parse(h, 0, 12));
        TarNumbers.write(u, 0, 8, 07777777);
        assertEquals("7777777", field(u, 0, 8), "largest octal id stays octal");
    }

    @Test
    void t08_bigIdsGetPaxUidAndGid() throws IOException {
        Entry e = new Entry(b("f"), EntryType.FILE, 0644, 3_000_000, -1, null, null, 0, 0, 0, null, 0, 0, null);
        assertEquals("15 uid=3000000\n18 gid=4294967295\n", paxBody(write(e)));
    }

    @Test
    void t09_longNonAsciiNamesGetHdrcharsetBinaryFirst() throws IOException {
        String name = "\u00e9".repeat(120);
        String body = paxBody(write(file(name, 0)));
        assertTrue(body.startsWith("21 hdrcharset=BINARY\n"), body);
        assertTrue(body.endsWith(" path=" + name + "\n"));
    }

    @Test
    void t10_shortNonAsciiNamesStayRawInTheUstarHeader() throws IOException {
        byte[] tar = write(file("bad\u00ffname", 0));
        assertEquals('0', tar[156], "no pax: GNU tar would convert a pax path to the locale");
        assertEquals("bad\u00ffname", field(tar, 0, 100));
    }

    @Test
    void t11_directoriesGetATrailingSlashAndTheRootIsDotSlash() throws IOException {
        Entry root = new Entry(Names.DOT, EntryType.DIRECTORY, 0755, 0, 0, null, null, 0, 0, 0, null, 0, 0, null);
        Entry dir = root.withPath(b("a/b"));
        byte[] tar = write(root, dir);
        assertEquals("./", field(tar, 0, 100));
        assertEquals('5', tar[156]);
        assertEquals("a/b/", field(tar, 512, 100));
    }

    @Test
    void t12_closingAnEntryShortOfItsSizeSaysWhere() throws IOException {
        TarWriter w = new TarWriter(new ByteArrayOutputStream());
        w.putEntry(file("a/b", 10_240));
        w.write(new byte[4096], 0, 4096);
        IOException e = assertThrows(IOException.class, w::closeEntry);
        assertEquals("Entry 'a/b' closed at 4,096 of 10,240 bytes", e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> w.putEntry(file("c", 0)));
        assertEquals("Entry 'a/b' closed at 4,096 of 10,240 bytes", e2.getMessage());
    }

    @Test
    void t13_writingPastTheSizeIsRefused() throws IOException {
        TarWriter w = new TarWriter(new ByteArrayOutputStream());
        w.putEntry(file("a", 10));
        w.write(new byte[8], 0, 8);
        IOException e = assertThrows(IOException.class, () -> w.write(new byte[3], 0, 3));
        assertEquals("Entry 'a' is 10 bytes long: writing 3 more bytes at 8 exceeds it", e.getMessage());
    }

    @Test
    void t14_extraRecordsPassAsRawBytesAndStandardKeysAreNotAllowedThere() throws IOException {
        Entry e = file("f", 0).withExtra(Map.of("SCHILY.xattr.user.bin", new byte[] {0, (byte) 0xff, '\n'}));
        String body = paxBody(write(e));
        assertEquals("29 SCHILY.xattr.user.bin=\u0000\u00ff\n\n", body);
        Entry bad = file("f", 0).withExtra(Map.of("path", b("x")));
        assertThrows(IllegalArgumentException.class, () -> write(bad));
    }

    @Test
    void t15_nulInAPathIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> write(file("a\u0000b", 0)));
        assertEquals("NUL byte in the path of a\\x00b", e.getMessage());
    }

    @Test
    void t16_hardLinksCarryTheEarlierPathAndNoData() throws IOException {
        Entry f = file("first", 5);
        byte[] tar = write(f, f.withPath(b("second")).asHardLinkTo(b("first")));
        int h = 1024;
        assertEquals("second", field(tar, h, 100));
        assertEquals('1', tar[h + 156]);
        assertEquals("first", field(tar, h + 157, 100));
        assertEquals(0, TarNumbers.parse(tar, h + 124, 12));
    }

    @Test
    void t16b_aHardLinksHeaderIsOneBlockWithoutPaxTimes() throws IOException {
        Entry f = new Entry(b("first"), EntryType.FILE, 0644, 0, 0, null, null, 0, 1_700_000_000L, 120_000_000,
                null, 0, 0, null);
        byte[] tar = write(f, f.withPath(b("second")).asHardLinkTo(b("first")));
        assertEquals('x', tar[156], "the file's nanoseconds in a pax header");
        int h = 1024; // the file's header follows its pax header; no data
        assertEquals("first", field(tar, h, 100));
        int link = h + 512;
        assertEquals('1', tar[link + 156], "the link's own header at once, no pax header before it");
        assertEquals("second", field(tar, link, 100));
        assertEquals(Long.toOctalString(1_700_000_000L), field(tar, link + 136, 12), "its seconds, for listings");
        assertEquals(0, tar[link + 512], "then the end of the archive");
    }

    @Test
    void t17_everyEntryReadsBackExactly() {
        Specimen s = Specimen.oddTree();
        Listing.Read back = Listing.read(new ByteArrayInputStream(s.tar()));
        assertEquals(s.entries.size(), back.entries().size());
        for (int i = 0; i < s.entries.size(); i++) assertSameEntry(s.entries.get(i), back.entries().get(i));
        for (Map.Entry<String, byte[]> d : s.data.entrySet())
            assertArrayEquals(d.getValue(), back.data().get(d.getKey()), d.getKey());
    }

    static void assertSameEntry(Entry want, Entry got) {
        String w = Names.display(want.path());
        assertEquals(w, Names.display(got.path()));
        assertEquals(want.type(), got.type(), w);
        assertEquals(want.mode(), got.mode(), w);
        assertEquals(want.uid(), got.uid(), w);
        assertEquals(want.gid(), got.gid(), w);
        assertEquals(Names.display(want.uname()), Names.display(got.uname()), w);
        assertEquals(Names.display(want.gname()), Names.display(got.gname()), w);
        assertEquals(want.size(), got.size(), w);
        assertEquals(want.mtimeSec(), got.mtimeSec(), w);
        // A hard link's header carries no pax times (its inode's come with its first entry).
        assertEquals(want.type() == EntryType.HARDLINK ? 0 : want.mtimeNsec(), got.mtimeNsec(), w);
        assertEquals(Names.display(want.linkTarget()), Names.display(got.linkTarget()), w);
        assertEquals(want.devMajor(), got.devMajor(), w);
        assertEquals(want.devMinor(), got.devMinor(), w);
        assertEquals(want.extra().keySet(), got.extra().keySet(), w);
        for (String k : want.extra().keySet()) assertArrayEquals(want.extra().get(k), got.extra().get(k), w + " " + k);
    }

    @Test
    void t18_oddValuesReadBackExactly() throws IOException {
        Entry[] odd = {
            new Entry(b("neg"), EntryType.FILE, 0644, 0, 0, null, null, 0, -2, 500_000_000, null, 0, 0, null),
            new Entry(b("\u00e9".repeat(300)), EntryType.SYMLINK, 0777, 0, 0, b("\u00e9".repeat(40)),
                    b(Specimen.utf8("\u00e9").repeat(20)), 0, 1_700_000_000L, 999_999_999, b("\u00ff".repeat(200)), 0, 0, null),
            new Entry(b("dev"), EntryType.BLOCK_DEVICE, 0660, 0, 6, null, null, 0, 0, 0, null, 259, 1_048_575, null),
            file("x", 0).withExtra(Map.of("LINKRESCUE.provenance", b("alt:/snap/1"), "SCHILY.xattr.user.\u00e9", new byte[] {0})),
        };
        Listing.Read back = Listing.read(new ByteArrayInputStream(write(odd)));
        for (int i = 0; i < odd.length; i++) assertSameEntry(odd[i], back.entries().get(i));
    }

    @Test
    void t19_closeFinishesTheArchiveOnce() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(out)) {
            w.putEntry(file("a", 1));
            w.write('x');
        }
        assertEquals(10240, out.size());
        assertFalse(out.toByteArray()[1024] != 0, "end-of-archive blocks are zero");
    }
}
