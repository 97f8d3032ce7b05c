package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.linkrescue.archive.Specimen.b;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What TarReader accepts, how it normalizes, and how it refuses damaged or hostile input. */
class TarReaderTest {

    static TarReader reader(byte[] tar) { return new TarReader(new ByteArrayInputStream(tar)); }

    static Entry only(byte[] tar) throws IOException {
        try (TarReader r = reader(tar)) {
            Entry e = r.next();
            r.transferTo(java.io.OutputStream.nullOutputStream());
            assertNull(r.next());
            return e;
        }
    }

    static String message(byte[] tar) {
        return assertThrows(TarFormatException.class, () -> {
            try (TarReader r = reader(tar)) {
                while (r.next() != null) r.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }).getMessage();
    }

    static String path(Entry e) { return Names.latin1(e.path()); }

    @Test
    void t01_badHeaderChecksumIsRejectedWithItsOffset() {
        byte[] tar = new RawTar().add(new RawTar.Header("a", '0', 1)).data("x")
                .add(new RawTar.Header("b", '0', 0)).end().bytes();
        tar[1024 + 1] = 'z'; // second header: name "bz" without updating the checksum
        assertEquals("bad header checksum at byte offset 1024", message(tar));
    }

    @Test
    void t02_historicSignedChecksumIsAccepted() throws IOException {
        byte[] h = new RawTar.Header("caf\u00e9", '0', 0).withChecksum(true);
        assertEquals("caf\u00e9", path(only(new RawTar().add(h).end().bytes())));
    }

    @Test
    void t03_truncatedHeaderIsAnError() {
        byte[] tar = Arrays.copyOf(new RawTar().add(new RawTar.Header("a", '0', 0)).bytes(), 300);
        assertEquals("archive truncated in a header at byte offset 0", message(tar));
    }

    @Test
    void t04_truncatedDataIsAnErrorNamingTheEntry() {
        byte[] tar = Arrays.copyOf(new RawTar().add(new RawTar.Header("a/b", '0', 10_240)).bytes(), 512 + 4096);
        assertEquals("archive truncated in the data of 'a/b' at byte offset 4608: 6,144 of 10,240 bytes missing",
                message(tar));
    }

    @Test
    void t05_archiveWithoutEndMarkerIsTruncated() {
        byte[] tar = new RawTar().add(new RawTar.Header("a", '0', 1)).data("x").bytes();
        assertEquals("archive ends at byte offset 1024 without an end-of-archive marker (truncated?)", message(tar));
        assertEquals("archive ends at byte offset 0 without an end-of-archive marker (truncated?)", message(new byte[0]));
    }

    @Test
    void t06_endOfInputAfterOneZeroBlockEndsTheArchive() throws IOException {
        byte[] tar = new RawTar().add(new RawTar.Header("a", '0', 1)).data("x").add(new byte[512]).bytes();
        assertEquals("a", path(only(tar)));
    }

    @Test
    void t07_nulInsideAPaxPathIsRejected() {
        byte[] tar = new RawTar().pax('x', "path=a\u0000b").add(new RawTar.Header("a", '0', 0)).end().bytes();
        assertEquals("NUL byte in the path of the entry at byte offset 1024", message(tar));
    }

    @Test
    void t08_nulInsideAGnuLongNameIsRejected() {
        byte[] tar = new RawTar().add(new RawTar.Header("././@LongLink", 'L', 4).gnuMagic()).data("a\u0000b\u0000")
                .add(new RawTar.Header("a", '0', 0).gnuMagic()).end().bytes();
        assertEquals("NUL byte in the GNU long name at byte offset 0", message(tar));
    }

    @Test
    void t09_absurdSizeFieldsAreRejected() {
        RawTar.Header neg = new RawTar.Header("a", '0', 0);
        Arrays.fill(neg.b, 124, 136, (byte) 0xff); // base-256 -1
        assertEquals("bad size field at byte offset 0", message(new RawTar().add(neg).end().bytes()));
        RawTar.Header junk = new RawTar.Header("a", '0', 0).field(124, 12, "12x4");
        assertEquals("bad size field at byte offset 0", message(new RawTar().add(junk).end().bytes()));
        byte[] huge = new RawTar().add(new RawTar.Header("a", '0', 077777777777L)).end().bytes();
        assertEquals("archive truncated in the data of 'a' at byte offset 1536: 8,589,933,567 of 8,589,934,591 bytes missing",
                message(huge));
        byte[] paxHuge = new RawTar().pax('x', "size=99999999999999999999").add(new RawTar.Header("a", '0', 0)).end().bytes();
        assertEquals("bad pax size of a at byte offset 1024", message(paxHuge));
    }

    @Test
    void t10_malformedPaxRecordsAreRejected() {
        byte[] tar = new RawTar().add(new RawTar.Header("PaxHeader", 'x', 12)).data("99 path=abc\n")
                .add(new RawTar.Header("a", '0', 0)).end().bytes();
        assertEquals("malformed pax record in the header at byte offset 0", message(tar));
    }

    @Test
    void t11_namesAreNormalizedOnlyWhereMeaningCannotChange() throws IOException {
        assertEquals("a", path(only(new RawTar().add(new RawTar.Header("./a/", '5', 0)).end().bytes())));
        assertEquals(".", path(only(new RawTar().add(new RawTar.Header("./", '5', 0)).end().bytes())));
        assertEquals(".", path(only(new RawTar().add(new RawTar.Header(".", '5', 0)).end().bytes())));
        assertEquals("/etc/passwd", path(only(new RawTar().add(new RawTar.Header("/etc/passwd", '0', 0)).end().bytes())));
        assertEquals("../x", path(only(new RawTar().add(new RawTar.Header("../x", '0', 0)).end().bytes())));
        assertEquals("a/../../b", path(only(new RawTar().add(new RawTar.Header("./a/../../b", '0', 0)).end().bytes())));
        assertEquals("/", path(only(new RawTar().add(new RawTar.Header("/", '5', 0)).end().bytes())));
    }

    @Test
    void t12_hardLinkTargetsLoseTheirDotSlashSymlinkTargetsStayVerbatim() throws IOException {
        Entry h = only(new RawTar().add(new RawTar.Header("./b", '1', 0).put(157, "./a")).end().bytes());
        assertEquals(EntryType.HARDLINK, h.type());
        assertEquals("a", Names.latin1(h.linkTarget()));
        Entry s = only(new RawTar().add(new RawTar.Header("./c", '2', 0).put(157, "./a")).end().bytes());
        assertEquals("./a", Names.latin1(s.linkTarget()));
    }

    @Test
    void t13_oldStyleFileWithTrailingSlashIsADirectory() throws IOException {
        Entry e = only(new RawTar().add(new RawTar.Header("dir/", '\0', 0).v7()).end().bytes());
        assertEquals(EntryType.DIRECTORY, e.type());
        assertEquals("dir", path(e));
    }

    @Test
    void t14_gnuLongNamesAndLinksAreRawBytes() throws IOException {
        String name = "\u00ff\n".repeat(100), link = "\u00e9".repeat(150);
        byte[] tar = new RawTar()
                .add(new RawTar.Header("././@LongLink", 'L', name.length() + 1).gnuMagic()).data(name + "\u0000")
                .add(new RawTar.Header("././@LongLink", 'K', link.length()).gnuMagic()).data(link)
                .add(new RawTar.Header("truncated", '2', 0).gnuMagic().put(157, "trunc")).end().bytes();
        Entry e = only(tar);
        assertEquals(name, path(e));
        assertEquals(link, Names.latin1(e.linkTarget()));
    }

    @Test
    void t15_v7HeadersHaveNoOwnerNamesAndNoPrefix() throws IOException {
        Entry e = only(new RawTar().add(new RawTar.Header("f", '0', 0).put(265, "root").put(345, "pre").v7()).end().bytes());
        assertEquals("f", path(e));
        assertEquals(0, e.uname().length);
    }

    @Test
    void t16_paxRecordsOverrideTheHeaderAndUnknownKeysAreKept() throws IOException {
        byte[] tar = new RawTar()
                .pax('g', "uname=global", "LIBARCHIVE.creationtime=1")
                .pax('x', "path=\u00e9\u00ff/x", "hdrcharset=BINARY", "mtime=-1.5", "uid=4294967295",
                        "size=3", "atime=5.5", "SCHILY.xattr.user.k=\u0000\u00ff")
                .add(new RawTar.Header("ignored", '0', 0)).data("abc").end().bytes();
        Entry e = only(tar);
        assertEquals("\u00e9\u00ff/x", path(e));
        assertEquals(-2, e.mtimeSec());
        assertEquals(500_000_000, e.mtimeNsec());
        assertEquals(-1, e.uid());
        assertEquals(3, e.size());
        assertEquals("global", Names.latin1(e.uname()));
        assertEquals(java.util.Set.of("LIBARCHIVE.creationtime", "SCHILY.xattr.user.k"), e.extra().keySet());
        assertArrayEquals(new byte[] {0, (byte) 0xff}, e.extra().get("SCHILY.xattr.user.k"));
    }

    @Test
    void t17_sparsePax10EntriesReadAsTheWholeFileWithZerosInTheHoles() throws IOException {
        String map = "2\n0\n3\n4096\n2\n";
        String stored = map + "\u0000".repeat(512 - map.length()) + "abcde";
        byte[] tar = new RawTar()
                .pax('x', "GNU.sparse.major=1", "GNU.sparse.minor=0", "GNU.sparse.name=./holes", "GNU.sparse.realsize=5000")
                .add(new RawTar.Header("./GNUSparseFile.1/holes", '0', stored.length())).data(stored)
                .add(new RawTar.Header("after", '0', 2)).data("ok").end().bytes();
        byte[] want = new byte[5000];
        System.arraycopy(b("abc"), 0, want, 0, 3);
        System.arraycopy(b("de"), 0, want, 4096, 2);
        try (TarReader r = reader(tar)) {
            Entry e = r.next();
            assertEquals("holes", path(e));
            assertEquals(5000, e.size());
            assertEquals(0, e.extra().size(), "GNU.sparse.* records are consumed, not passed on");
            assertArrayEquals(want, r.readAllBytes());
            assertEquals("after", path(r.next()));
            assertArrayEquals(b("ok"), r.readAllBytes());
        }
    }

    @Test
    void t17b_sparseMapsThatDoNotAddUpAreRejectedAndFormat00IsRefused() throws IOException {
        byte[] overlap = new RawTar()
                .pax('x', "GNU.sparse.name=h", "GNU.sparse.size=100", "GNU.sparse.map=0,10,5,10", "GNU.sparse.numblocks=2")
                .add(new RawTar.Header("h", '0', 20)).data("x".repeat(20)).end().bytes();
        assertEquals("bad sparse map of h at byte offset 1024: chunks overlap or pass the end", message(overlap));
        byte[] shortData = new RawTar()
                .pax('x', "GNU.sparse.name=h", "GNU.sparse.size=100", "GNU.sparse.map=0,10,50,10", "GNU.sparse.numblocks=2")
                .add(new RawTar.Header("h", '0', 15)).data("x".repeat(15)).end().bytes();
        assertEquals("bad sparse map of h at byte offset 1024: 20 bytes mapped, 15 stored", message(shortData));
        byte[] v00 = new RawTar()
                .pax('x', "GNU.sparse.size=100", "GNU.sparse.numblocks=1", "GNU.sparse.offset=0", "GNU.sparse.numbytes=1")
                .add(new RawTar.Header("h00", '0', 1)).data("x")
                .add(new RawTar.Header("after", '0', 0)).end().bytes();
        try (TarReader r = reader(v00)) {
            UnsupportedEntryException e = assertThrows(UnsupportedEntryException.class, r::next);
            assertEquals("sparse entry not supported (GNU sparse format 0.0): h00", e.getMessage());
            assertEquals("h00", Names.latin1(e.path()));
            assertEquals("after", path(r.next()));
        }
    }

    @Test
    void t18_gnuIncrementalAndUnknownTypesAreRefusedAndSkipped() throws IOException {
        byte[] tar = new RawTar()
                .add(new RawTar.Header("dumpdir", 'D', 5).gnuMagic()).data("Yabc\u0000")
                .add(new RawTar.Header("label", 'V', 0).gnuMagic())
                .add(new RawTar.Header("odd", 'Q', 1)).data("q")
                .add(new RawTar.Header("after", '0', 0)).end().bytes();
        try (TarReader r = reader(tar)) {
            assertEquals("GNU incremental dump directory not supported: dumpdir",
                    assertThrows(UnsupportedEntryException.class, r::next).getMessage());
            assertEquals("GNU volume label not supported: label",
                    assertThrows(UnsupportedEntryException.class, r::next).getMessage());
            assertEquals("entry of unknown type 'Q' not supported: odd",
                    assertThrows(UnsupportedEntryException.class, r::next).getMessage());
            assertEquals("after", path(r.next()));
        }
    }

    @Test
    void t19_unreadDataIsSkippedAndReadStopsAtTheEntryEnd() throws IOException {
        byte[] tar = new RawTar().add(new RawTar.Header("a", '0', 700)).data("a".repeat(700))
                .add(new RawTar.Header("b", '0', 3)).data("bbb").end().bytes();
        try (TarReader r = reader(tar)) {
            r.next();
            byte[] two = new byte[2];
            assertEquals(2, r.read(two, 0, 2));
            Entry b = r.next();
            assertEquals("b", path(b));
            assertArrayEquals(b("bbb"), r.readAllBytes());
            assertEquals(-1, r.read(two, 0, 2));
            assertNull(r.next());
        }
    }

    @Test
    void t20_aLoneZeroBlockBetweenEntriesIsPassedOver() throws IOException {
        byte[] tar = new RawTar().add(new RawTar.Header("a", '0', 0)).add(new byte[512])
                .add(new RawTar.Header("b", '0', 0)).end().bytes();
        try (TarReader r = reader(tar)) {
            assertEquals("a", path(r.next()));
            assertEquals("b", path(r.next()));
            assertNull(r.next());
        }
    }

    @Test
    void t21_ustarPrefixIsJoinedWithTheName() throws IOException {
        Entry e = only(new RawTar().add(new RawTar.Header("name", '0', 0).put(345, "pre/fix")).end().bytes());
        assertEquals("pre/fix/name", path(e));
    }

    @Test
    void t22_devicesCarryMajorAndMinor() throws IOException {
        Entry e = only(new RawTar().add(new RawTar.Header("null", '3', 0).put(329, "0000001").put(337, "0000003")).end().bytes());
        assertEquals(EntryType.CHAR_DEVICE, e.type());
        assertEquals(1, e.devMajor());
        assertEquals(3, e.devMinor());
    }

    @Test
    void t23_theEndMarkersRecordIsConsumedLikeTarDoesButNothingBeyond() throws IOException {
        byte[] tar = TarWriterTest.write(TarWriterTest.file("a", 1));
        byte[] withTrailer = Arrays.copyOf(tar, tar.length + 700);
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(withTrailer);
        try (TarReader r = new TarReader(in)) {
            r.next();
            assertNull(r.next());
            assertEquals(10240, r.position(), "a writer on a pipe is not cut off in its padding");
        }
    }
    /** An archive file as the reader sees it: bytes that can be seeked over; counts what is read. */
    static final class SeekableBytes extends ByteArrayInputStream implements TarReader.Seekable {
        long bytesRead;

        SeekableBytes(byte[] b) { super(b); }

        @Override public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            if (n > 0) bytesRead += n;
            return n;
        }

        @Override public long remaining() { return available(); }

        @Override public void skipExactly(long n) {
            if (n > available()) throw new IllegalStateException("skip past the end");
            pos += (int) n;
        }
    }

    /** The error of a reader that skips every entry's data (a caller copying it from elsewhere). */
    static String messageSkipping(byte[] tar, boolean seekable) {
        return assertThrows(TarFormatException.class, () -> {
            try (TarReader r = new TarReader(seekable ? new SeekableBytes(tar) : new ByteArrayInputStream(tar))) {
                while (r.next() != null) { }
            }
        }).getMessage();
    }

    @Test
    void t24_unreadDataOfASeekableInputIsSeekedOverNotReadAndPositionsStayExact() throws IOException {
        String big = "x".repeat(3_000_000);
        byte[] tar = new RawTar().add(new RawTar.Header("big", '0', big.length())).data(big)
                .add(new RawTar.Header("small", '0', 3)).data("abc")
                .add(new RawTar.Header("big2", '0', big.length())).data(big)
                .add(new RawTar.Header("last", '1', 0).put(157, "small")).end().bytes();
        SeekableBytes in = new SeekableBytes(tar);
        try (TarReader r = new TarReader(in)) {
            assertEquals("big", path(r.next()));
            assertEquals(512, r.dataOffset());
            assertEquals("small", path(r.next()));
            long smallAt = 512 + 3_000_320 + 512; // data padded to 3,000,320
            assertEquals(smallAt, r.dataOffset());
            assertEquals(smallAt, r.position());
            assertArrayEquals(b("abc"), r.readAllBytes());
            assertEquals(-1, r.dataOffset(), "data already read");
            assertEquals("big2", path(r.next()));
            Entry link = r.next();
            assertEquals(EntryType.HARDLINK, link.type());
            assertEquals(-1, r.dataOffset(), "no data");
            assertNull(r.next());
        }
        assertEquals(true, in.bytesRead < 32 * 1024, "read " + in.bytesRead + " bytes of a 6 MB archive");
    }

    @Test
    void t25_aSeekableArchiveCutShortFailsExactlyAsFromAPipe() {
        String big = "y".repeat(200_000);
        byte[] whole = new RawTar().add(new RawTar.Header("a/b", '0', big.length())).data(big)
                .add(new RawTar.Header("c", '0', 5)).data("12345").end().bytes();
        for (int cut : new int[] {512 + 150_000, 512 + 200_000 + 10, 512 + 200_192 + 512 + 3, 512 + 200_192 + 1024}) {
            byte[] tar = Arrays.copyOf(whole, cut);
            String fromPipe = messageSkipping(tar, false);
            assertEquals(fromPipe, messageSkipping(tar, true), "cut at " + cut);
            assertEquals(true, fromPipe.startsWith("archive truncated") || fromPipe.startsWith("archive ends at byte offset"), fromPipe);
        }
    }

    @Test
    void t26_aSparseEntryHasNoPlainDataOffset() throws IOException {
        String map = "1\n0\n3\n";
        String stored = map + "\u0000".repeat(512 - map.length()) + "abc";
        byte[] tar = new RawTar()
                .pax('x', "GNU.sparse.major=1", "GNU.sparse.minor=0", "GNU.sparse.name=holes", "GNU.sparse.realsize=9000")
                .add(new RawTar.Header("./GNUSparseFile.1/holes", '0', stored.length())).data(stored)
                .add(new RawTar.Header("after", '0', 2)).data("ok").end().bytes();
        try (TarReader r = new TarReader(new SeekableBytes(tar))) {
            assertEquals("holes", path(r.next()));
            assertEquals(-1, r.dataOffset(), "its stored bytes are not the file's bytes");
            assertEquals("after", path(r.next()));
            assertArrayEquals(b("ok"), r.readAllBytes());
        }
    }

    @Test
    void t27_theWordWiseChecksumIsTheByteSumWithTheFieldAsSpaces() {
        java.util.Random rnd = new java.util.Random(27);
        byte[][] headers = {new byte[512], new byte[512], new byte[512]};
        java.util.Arrays.fill(headers[1], (byte) 0xff); // the largest sum there is
        rnd.nextBytes(headers[2]);
        for (byte[] h : headers) {
            long naive = 0;
            for (int i = 0; i < 512; i++) naive += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
            assertEquals(naive, UstarHeader.unsignedSum(h));
        }
    }

    @Test
    void t28_aHeaderSummedAsSignedBytesByAnOldTarIsAccepted() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(out)) {
            w.putEntry(new Entry(Names.bytes("f"), EntryType.FILE, 0644, 0, 0, null, null, 0, 1_600_000_000L, 0, null, 0, 0, null));
            w.closeEntry();
        }
        byte[] tar = out.toByteArray();
        tar[265] = (byte) 0xe9; // an owner name byte above 127: the signed and unsigned sums differ
        long signed = 0;
        for (int i = 0; i < 512; i++) signed += (i >= 148 && i < 156) ? ' ' : tar[i];
        byte[] field = String.format("%06o\0 ", signed).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, tar, 148, 8);
        try (TarReader r = new TarReader(new java.io.ByteArrayInputStream(tar))) {
            assertArrayEquals(Names.bytes("f"), r.next().path());
        }
    }
}
