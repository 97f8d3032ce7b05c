package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed fixtures (testdata/.../fixtures, made by make-fixtures.sh with GNU tar 1.34 and
 * bsdtar 3.6.2): compat-* archives read exactly; *-fail archives are refused with a precise
 * message. GNU tar itself, for comparison, lists nul-in-path-fail.tar as "xxxxx" and
 * truncated-header-fail.tar as a clean one-entry archive, both with exit status 0.
 */
class FixtureTest {
    static final String T = " 1600000000.123456789";

    /** The tree odd_tree() in make-fixtures.sh builds, as find shows it. */
    static final List<String> ODD = List.of(
            " d 755 0:0 -" + T,
            "big-ids f 644 3000000:4000000 3" + T,
            "d d 755 0:0 -" + T,
            "d/" + "\\xe9\\xff".repeat(60) + " f 644 0:0 8" + T,
            "d/bad\\xffname f 600 0:0 7" + T,
            "d/caf\u00e9 f 644 0:0 5" + T,
            "d/hardlink f 644 0:0 6" + T + " link-group d/hardlink",
            "d/long-link l 777 0:0 -" + T + " -> ../" + "t".repeat(300),
            "d/new\\nline\\ttab f 644 0:0 7" + T,
            "d/" + "n".repeat(255) + " f 644 0:0 3" + T,
            "d/numbers f 4755 0:0 3893" + T,
            "d/plain f 644 0:0 6" + T + " link-group d/hardlink",
            "d/raw-link l 777 0:0 -" + T + " -> bad\\xffname",
            "d/short-link l 777 0:0 -" + T + " -> plain",
            "fifo p 644 0:0 -" + T,
            "sticky d 1777 0:0 -" + T);

    /** small_tree() in make-fixtures.sh: whole seconds. */
    static final List<String> SMALL = List.of(
            " d 755 0:0 - 1600000000.000000000",
            "d d 755 0:0 - 1600000000.000000000",
            "d/bad\\xffname f 644 0:0 7 1600000000.000000000",
            "d/hardlink f 644 0:0 6 1600000000.000000000 link-group d/hardlink",
            "d/plain f 644 0:0 6 1600000000.000000000 link-group d/hardlink",
            "d/short-link l 777 0:0 - 1600000000.000000000 -> plain");

    static InputStream fixture(String name) {
        InputStream in = FixtureTest.class.getResourceAsStream("/fixtures/" + name);
        if (in == null) throw new AssertionError("fixture missing: " + name);
        return in;
    }

    static List<String> cut(List<String> lines) { // to whole seconds, for formats without ns
        return lines.stream().map(l -> l.replace(T, " 1600000000.000000000")).toList();
    }

    static Listing.Read read(String name) { return Listing.read(fixture(name)); }

    static void assertOddData(Listing.Read r) {
        // the first of the two links carries the data; which one depends on the tool's order
        assertArrayEquals(Names.bytes("hello\n"), r.data().getOrDefault("d/plain", r.data().get("d/hardlink")));
        assertArrayEquals(Names.bytes("latin-1"), r.data().get("d/bad\u00ffname"));
        assertArrayEquals(Names.bytes("raw long"), r.data().get("d/" + "\u00e9\u00ff".repeat(60)));
        StringBuilder seq = new StringBuilder();
        for (int i = 1; i <= 1000; i++) seq.append(i).append('\n');
        assertArrayEquals(Names.bytes(seq.toString()), r.data().get("d/numbers"));
    }

    @Test
    void compatGnutarPosixRawnames() {
        Listing.Read r = read("compat-gnutar-posix-rawnames.tar");
        Listing.assertSame(ODD, Listing.ofEntries(r.entries(), true), "gnutar posix");
        assertOddData(r);
    }

    @Test
    void compatGnutarGnuRawnames() {
        Listing.Read r = read("compat-gnutar-gnu-rawnames.tar");
        Listing.assertSame(cut(ODD), Listing.ofEntries(r.entries(), true), "gnutar gnu");
        assertOddData(r);
    }

    @Test
    void compatBsdtarPaxRawnames() {
        Listing.Read r = read("compat-bsdtar-pax-rawnames.tar");
        Listing.assertSame(ODD, Listing.ofEntries(r.entries(), true), "bsdtar pax");
        assertOddData(r);
    }

    @Test
    void compatGnutarUstarAndV7() {
        for (String f : List.of("compat-gnutar-ustar.tar", "compat-gnutar-v7.tar")) {
            Listing.Read r = read(f);
            Listing.assertSame(SMALL, Listing.ofEntries(r.entries(), true), f);
            assertArrayEquals(Names.bytes("latin-1"), r.data().get("d/bad\u00ffname"), f);
        }
    }

    @Test
    void compatGnutarPosixSparseReadsWholeWithZerosInTheHoles() throws IOException {
        byte[] want = new byte[1 << 20];
        System.arraycopy(Names.bytes("data"), 0, want, 500_000, 4);
        try (TarReader r = new TarReader(fixture("compat-gnutar-posix-sparse.tar"))) {
            assertEquals("holes", Names.latin1(r.next().path()));
            assertArrayEquals(want, r.readAllBytes());
            assertEquals("z-after", Names.latin1(r.next().path()));
            assertArrayEquals(Names.bytes("ok"), r.readAllBytes());
            assertNull(r.next());
        }
    }

    static String refusal(String name) {
        return assertThrows(TarFormatException.class, () -> {
            try (TarReader r = new TarReader(fixture(name))) {
                while (r.next() != null) r.transferTo(OutputStream.nullOutputStream());
            }
        }).getMessage();
    }

    @Test
    void badchecksumFail() {
        assertEquals("bad header checksum at byte offset 1024", refusal("badchecksum-fail.tar"));
    }

    @Test
    void truncatedHeaderFail() {
        assertEquals("archive truncated in a header at byte offset 1024", refusal("truncated-header-fail.tar"));
    }

    @Test
    void truncatedDataFail() {
        assertEquals("archive truncated in the data of 'c' at byte offset 3560: 1,000 of 2,000 bytes missing",
                refusal("truncated-data-fail.tar"));
    }

    @Test
    void absurdSizeFail() {
        assertEquals("bad size field at byte offset 0", refusal("absurd-size-fail.tar"));
    }

    @Test
    void nulInPathFail() {
        assertEquals("NUL byte in the path of the entry at byte offset 1024", refusal("nul-in-path-fail.tar"));
    }
}
