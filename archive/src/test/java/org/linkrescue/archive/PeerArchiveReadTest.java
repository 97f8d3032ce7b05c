package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives made by the real tools, read by TarReader: the entries must describe exactly the
 * tree the tool archived (as find sees it) and every file's bytes must match.
 */
class PeerArchiveReadTest {
    @TempDir Path tmp;

    /** Odd names, links, modes, big ids and ns times, made with the shell the way a user would. */
    static final String ODD_TREE = """
            mkdir d sticky setgid
            printf 'hello\\n' > d/plain
            printf 'latin-1' > $'d/bad\\xffname'
            printf 'utf-8' > $'d/caf\\xc3\\xa9'
            printf 'control' > $'d/new\\nline\\ttab'
            printf '255' > "d/$(printf 'n%.0s' {1..255})"
            printf 'raw long' > "d/$(printf '\\xe9\\xff%.0s' {1..60})"
            printf 'utf long' > "d/$(printf '\\xc3\\xa9%.0s' {1..60})"
            head -c 300001 /dev/urandom > d/random
            : > d/empty
            long="$(printf 'p%.0s' {1..90})/$(printf 'q%.0s' {1..90})/$(printf 'r%.0s' {1..90})"
            mkdir -p "$long" && printf 'long path' > "$long/$(printf 's%.0s' {1..200})"
            ln d/plain d/hardlink && ln d/plain hardlink-too
            ln -s plain d/short-link
            ln -s "../$(printf 't%.0s' {1..300})" d/long-link
            ln -s $'bad\\xffname' d/raw-link
            mkfifo fifo
            printf 'ids' > big-ids && chown 3000000:4000000 big-ids
            chmod 4755 d/random && chmod 1777 sticky && chmod 2755 setgid && chmod 600 $'d/bad\\xffname'
            find . -depth -exec touch -h -d @1600000000.123456789 {} +
            """;

    /** What every format can hold: names that fit ustar, small ids. */
    static final String USTAR_TREE = """
            mkdir d sticky
            printf 'hello\\n' > d/plain
            printf 'latin-1' > $'d/bad\\xffname'
            printf 'control' > $'d/new\\nline\\ttab'
            ln d/plain d/hardlink
            ln -s plain d/short-link
            mkfifo fifo
            chmod 1777 sticky
            find . -depth -exec touch -h -d @1600000000.123456789 {} +
            """;

    private Path tree(String script) throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Peer.bash(src, script);
        return src;
    }

    private static void assertReadsAsTree(byte[] tar, Path src, boolean nanos, String what) throws IOException {
        Listing.Read read = Listing.read(new ByteArrayInputStream(tar));
        Listing.assertSame(Listing.ofTree(src, nanos), Listing.ofEntries(read.entries(), nanos), what);
        int files = 0;
        for (Map.Entry<String, byte[]> d : read.data().entrySet()) {
            assertArrayEquals(Files.readAllBytes(src.resolve(d.getKey())), d.getValue(), what + ": " + d.getKey());
            files++;
        }
        assertTrue(files >= 1, what + ": file contents were compared");
    }

    private static byte[] archive(Path src, String... cmd) {
        List<String> c = new ArrayList<>(List.of(cmd));
        c.add(".");
        Peer.Result r = Peer.run(src, null, c);
        assertEquals(0, r.rc(), String.join(" ", cmd) + ": " + r.err());
        return r.out();
    }

    @Test
    void t01_gnuTarPosixFormatWithRawNamesReadsExactlyToTheNanosecond() throws IOException {
        Path src = tree(ODD_TREE);
        assertReadsAsTree(archive(src, "tar", "--format=posix", "-cf", "-"), src, true, "gnutar posix");
    }

    @Test
    void t02_gnuTarGnuFormatReadsExactly() throws IOException {
        Path src = tree(ODD_TREE);
        assertReadsAsTree(archive(src, "tar", "--format=gnu", "-cf", "-"), src, false, "gnutar gnu");
    }

    @Test
    void t03_gnuTarUstarFormatReadsExactly() throws IOException {
        Path src = tree(USTAR_TREE);
        assertReadsAsTree(archive(src, "tar", "--format=ustar", "-cf", "-"), src, false, "gnutar ustar");
    }

    @Test
    void t04_bsdtarPaxWithHdrcharsetBinaryReadsExactlyToTheNanosecond() throws IOException {
        Path src = tree(ODD_TREE);
        byte[] tar = archive(src, "bsdtar", "--format=pax", "-cf", "-");
        assertTrue(Names.latin1(tar).contains("hdrcharset=BINARY"), "bsdtar marks raw names");
        assertReadsAsTree(tar, src, true, "bsdtar pax");
    }

    @Test
    void t05_bsdtarDefaultRestrictedPaxReadsExactly() throws IOException {
        Path src = tree(ODD_TREE);
        assertReadsAsTree(archive(src, "bsdtar", "-cf", "-"), src, false, "bsdtar default");
    }

    @Test
    void t06_bsdtarUstarAndGnuTarV7ReadExactly() throws IOException {
        Path src = tree(USTAR_TREE);
        assertReadsAsTree(archive(src, "bsdtar", "--format=ustar", "-cf", "-"), src, false, "bsdtar ustar");
        Path v7 = Files.createDirectory(tmp.resolve("v7"));
        Peer.bash(v7, "mkdir d && printf 'x' > d/f && ln d/f d/g && ln -s f d/l && find . -depth -exec touch -h -d @1600000000 {} +");
        assertReadsAsTree(archive(v7, "tar", "--format=v7", "-cf", "-"), v7, false, "gnutar v7");
    }

    /**
     * Sparse files in the three forms GNU tar writes that can be read exactly (pax 1.0, pax 0.1,
     * old GNU) come back whole, zeros in the holes; pax 0.0 (repeated offset/numbytes records)
     * is refused with the path, and the entry after it is still read.
     */
    @Test
    void t07_gnuTarSparseFilesReadExactlyOrAreRefusedNeverMisread() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("sparse"));
        Peer.bash(src, "truncate -s 3M holes && printf 'data' | dd of=holes bs=1 seek=500000 conv=notrunc status=none"
                + " && printf 'tail' | dd of=holes bs=1 seek=2000000 conv=notrunc status=none && printf 'ok' > z-after");
        byte[] holes = Files.readAllBytes(src.resolve("holes"));
        for (String fmt : List.of("--format=posix --sparse-version=1.0", "--format=posix --sparse-version=0.1",
                "--format=gnu", "--format=posix --sparse-version=0.0")) {
            List<String> cmd = new ArrayList<>(List.of("tar", "--sparse"));
            cmd.addAll(List.of(fmt.split(" ")));
            cmd.addAll(List.of("-cf", "-", "holes", "z-after"));
            Peer.Result r = Peer.run(src, null, cmd);
            assertEquals(0, r.rc(), r.err());
            assertTrue(r.out().length < 100_000, fmt + " stored sparsely");
            try (TarReader in = new TarReader(new ByteArrayInputStream(r.out()))) {
                if (fmt.endsWith("0.0")) {
                    UnsupportedEntryException e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedEntryException.class, in::next, fmt);
                    assertEquals("sparse entry not supported (GNU sparse format 0.0): holes", e.getMessage(), fmt);
                } else {
                    Entry e = in.next();
                    assertEquals("holes", Names.latin1(e.path()), fmt);
                    assertEquals(holes.length, e.size(), fmt);
                    assertArrayEquals(holes, in.readAllBytes(), fmt);
                }
                assertEquals("z-after", Names.latin1(in.next().path()), fmt);
                assertEquals("ok", new String(in.readAllBytes()), fmt);
            }
        }
    }
}
