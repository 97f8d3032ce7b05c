package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.TarReader;

class ArchiveVerifierTest {
    @TempDir Path dir;
    Path src;

    @BeforeEach
    void tree() throws Exception {
        src = TestTrees.snapshots(dir.resolve("src"));
    }

    private TestTrees.Result verify(Path archive) throws Exception {
        TestTrees.Result r = new TestTrees.Result();
        try (InputStream in = Compression.decompressDetected(new BufferedInputStream(Files.newInputStream(archive)))) {
            new ArchiveVerifier(r, r.problems(), r.tally).verify(new TarReader(in), Names.bytes(src.toString()));
        }
        return r;
    }

    private Path tar(String name, String cmd) throws Exception {
        Path a = dir.resolve(name);
        // the user's locale: under our Latin-1 test locale GNU tar would transcode the Latin-1 name to UTF-8
        TestTrees.sh("export LC_ALL=C.UTF-8; " + cmd.replace("ARCHIVE", "'" + a + "'").replace("SRC", "'" + src + "'"));
        return a;
    }

    @Test
    void t01_gnuTarPosixArchiveOfTheTreeIsFaithful_butForTheFifoLinksItDoesNotKeep() throws Exception {
        TestTrees.Result r = verify(tar("gnu.tar", "tar --format=posix -C SRC -cf ARCHIVE ."));
        // cp -al linked the FIFO into every snapshot; GNU tar stores each path as a FIFO of its
        // own (no hard-link entry), so extracting it gives three FIFOs: verify says so
        assertEquals(List.of("broken-link 2024-01-02/fifo", "broken-link 2024-01-03/fifo"), r.lines(), r.toString());
        assertEquals(List.of(), r.problems);
    }

    @Test
    void t02_bsdtarPaxArchiveOfTheTreeIsFaithful_compressedToo() throws Exception {
        TestTrees.Result r = verify(tar("bsd.tar.gz", "bsdtar --format=pax -z -C SRC -cf ARCHIVE ."));
        assertEquals(List.of(), r.lines(), r.toString());
    }

    @Test
    void t03_aGnuFormatArchiveLosesNanosecondsAndSaysSo() throws Exception {
        TestTrees.Result r = verify(tar("gnu-old.tar", "tar --format=gnu -C SRC -cf ARCHIVE ."));
        assertTrue(r.lines().contains("mtime 2024-01-01/docs/b.txt"), r.lines().toString());
        assertTrue(r.lines().stream().allMatch(l -> l.startsWith("mtime ") || l.endsWith("/fifo")), r.lines().toString());
    }

    @Test
    void t04_pathsLeftOutOfTheArchiveAreMissing_andOthersExtra() throws Exception {
        Path a = tar("part.tar", "tar --format=posix -C SRC -cf ARCHIVE --exclude=./2024-01-02/docs .");
        var t3 = Files.getLastModifiedTime(src.resolve("2024-01-03"));
        var td = Files.getLastModifiedTime(src.resolve("2024-01-01/docs/deep"));
        Files.writeString(src.resolve("2024-01-03/added-later"), "x");
        Files.delete(src.resolve("2024-01-01/docs/deep/c.txt"));
        Files.setLastModifiedTime(src.resolve("2024-01-03"), t3);
        Files.setLastModifiedTime(src.resolve("2024-01-01/docs/deep"), td);
        TestTrees.Result r = verify(a);
        assertEquals(List.of("broken-link 2024-01-02/fifo", "broken-link 2024-01-03/fifo", "extra 2024-01-01/docs/deep/c.txt", "missing 2024-01-02/docs", "missing 2024-01-02/docs/a-link.txt",
                "missing 2024-01-02/docs/a.txt", "missing 2024-01-02/docs/b.txt", "missing 2024-01-02/docs/caf" + (char) 0xe9 + ".txt",
                "missing 2024-01-02/docs/deep", "missing 2024-01-02/docs/deep/c.txt", "missing 2024-01-02/docs/to-b",
                "missing 2024-01-03/added-later"), r.lines());
    }

    @Test
    void t05_contentModeAndLinksOfTheTreeAreCheckedAgainstTheArchive() throws Exception {
        Path a = tar("t.tar", "tar --format=posix -C SRC -cf ARCHIVE .");
        // change the tree after archiving: content (same size, same mtime), a mode, a link broken
        Path big = src.resolve("2024-01-01/big.bin");
        var t = Files.getLastModifiedTime(big);
        byte[] b = Files.readAllBytes(big);
        b[1234] ^= 1;
        Files.write(big, b);
        Files.setLastModifiedTime(big, t);
        TestTrees.sh("chmod 0600 '" + src.resolve("2024-01-03/new.txt") + "'");
        Path p = src.resolve("2024-01-02/docs/a.txt");
        TestTrees.sh("cp -a '" + p + "' '" + dir.resolve("x") + "' && mv '" + dir.resolve("x") + "' '" + p + "'"
                + " && touch -d '2023-05-05 05:05:05.123456789' '" + src.resolve("2024-01-02/docs") + "'");
        TestTrees.Result r = verify(a);
        // the archive links 01-02/docs/a.txt (a hard-link entry) to 01-01's: separate inodes in the tree now;
        // its a-link.txt, still linked to 01-01's in the tree, is a hard-link entry to 01-01's too: fine
        assertEquals(List.of("broken-link 2024-01-02/fifo", "broken-link 2024-01-03/fifo", "content 2024-01-01/big.bin",
                        "merged-link 2024-01-02/docs/a.txt", "mode 2024-01-03/new.txt"),
                r.lines(), r.toString());
        assertEquals("first differing byte at offset 1234", r.differences.get(0).detail());
    }

    @Test
    void t06_anArchiveWithoutHardLinksStoresSeparateCopies_brokenLinks() throws Exception {
        TestTrees.Result r = verify(tar("nolinks.tar", "tar --format=posix --hard-dereference -C SRC -cf ARCHIVE ."));
        assertTrue(r.lines().contains("broken-link 2024-01-01/docs/a.txt")
                || r.lines().contains("broken-link 2024-01-01/docs/a-link.txt"), r.lines().toString());
        assertTrue(r.lines().stream().allMatch(l -> l.startsWith("broken-link ")), r.lines().toString());
        assertEquals(List.of(), r.unverifiable);
    }
}
