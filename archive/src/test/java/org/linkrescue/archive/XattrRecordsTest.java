package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.XattrRecords.Xattr;

/** Extended attributes as pax records: GNU tar's SCHILY.xattr and libarchive's LIBARCHIVE.xattr. */
class XattrRecordsTest {
    static final byte[] BINARY = {0, (byte) 0xff, 'A', 0, '=', '\n', (byte) 0x80};

    private static Xattr x(String name, byte[] value) { return new Xattr(Names.bytes(name), value); }

    @Test
    void t01_namesEscapePercentAndEqualsLikeGnuTar_andDecodeBack() {
        assertEquals("SCHILY.xattr.user.e%3Dq%25", XattrRecords.key(Names.bytes("user.e=q%")));
        Map<String, byte[]> extra = XattrRecords.with(Map.of(), List.of(x("user.e=q%", Names.bytes("v"))));
        assertEquals(List.of(x("user.e=q%", Names.bytes("v"))), XattrRecords.of(extra, k -> fail(k)));
    }

    @Test
    void t02_aBinaryValueWithNulAnd0xffRoundTripsThroughOurTarWriterAndReader() throws Exception {
        Entry e = new Entry(Names.bytes("f"), EntryType.FILE, 0644, 0, 0, null, null, 0, 1, 0, null, 0, 0,
                XattrRecords.with(Map.of(), List.of(x("user.bin", BINARY), x("trusted.caf\u00e9", BINARY))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        w.putEntry(e);
        w.closeEntry();
        w.finish();
        Entry back = new TarReader(new ByteArrayInputStream(out.toByteArray())).next();
        assertEquals(List.of(x("user.bin", BINARY), x("trusted.caf\u00e9", BINARY)), XattrRecords.of(back.extra(), k -> fail(k)));
    }

    @Test
    void t03_libarchiveRecordsAreUrlDecodedAndBase64Decoded_andTakenInsteadOfItsSchilyCopies() {
        Map<String, byte[]> extra = new LinkedHashMap<>();
        extra.put("LIBARCHIVE.xattr.user.e%3Dq%25", Names.bytes("eA")); // base64 without padding
        extra.put("SCHILY.xattr.user.e%3Dq%25", Names.bytes("x"));
        extra.put("LIBARCHIVE.xattr.user.caf%E9", Names.bytes("AP9BAD0KgA=="));
        assertEquals(List.of(x("user.e=q%", Names.bytes("x")), x("user.caf\u00e9", BINARY)), XattrRecords.of(extra, k -> fail(k)));
    }

    @Test
    void t04_aMalformedRecordIsToldByKey_andTheOthersAreKept() {
        Map<String, byte[]> extra = new LinkedHashMap<>();
        extra.put("LIBARCHIVE.xattr.user.bad%zz", Names.bytes("eA"));
        extra.put("LIBARCHIVE.xattr.user.badvalue", Names.bytes("*not base64*"));
        extra.put("LIBARCHIVE.xattr.user.ok", Names.bytes("eA"));
        List<String> bad = new ArrayList<>();
        assertEquals(List.of(x("user.ok", Names.bytes("x"))), XattrRecords.of(extra, bad::add));
        assertEquals(List.of("LIBARCHIVE.xattr.user.bad%zz", "LIBARCHIVE.xattr.user.badvalue"), bad);
    }

    @Test
    void t05_aNameWithANewlineCannotBeCarried() {
        assertFalse(XattrRecords.carriable(Names.bytes("user.a\nb")));
        assertTrue(XattrRecords.carriable(Names.bytes("user.\u00ff")));
    }
}
