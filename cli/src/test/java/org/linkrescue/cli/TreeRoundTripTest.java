package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.cli.CliTestSupport.Result;

/**
 * A snapshot farm made with cp -al and rsync, through every path of the product and its peers;
 * each resulting tree must list exactly like the source under find (types, modes, owners, ns
 * mtimes, link targets, content hashes, and which paths share an inode).
 */
class TreeRoundTripTest {
    static Path base;
    static Path src;
    static List<String> expected;

    Path dir;

    @BeforeAll
    static void fixture() throws Exception {
        base = CliTestSupport.scratch();
        src = SnapshotFixture.build(base);
        expected = FindListing.of(src);
    }

    @AfterAll
    static void removeFixture() throws Exception { CliTestSupport.remove(base); }

    @BeforeEach
    void scratch() throws Exception { dir = CliTestSupport.scratch(); }

    @AfterEach
    void removeScratch() throws Exception { CliTestSupport.remove(dir); }

    private static void assertSameTree(Path tree) throws Exception {
        assertSameTree(tree, expected, src);
    }

    private static void assertSameTree(Path tree, List<String> expected, Path src, FindListing.Loss... losses) throws Exception {
        if (losses.length > 0) expected = FindListing.of(src, losses);
        List<String> got = FindListing.of(tree, losses);
        if (!got.equals(expected)) {
            StringBuilder diff = new StringBuilder();
            for (String l : expected) if (!got.contains(l)) diff.append("- ").append(l).append('\n');
            for (String l : got) if (!expected.contains(l)) diff.append("+ ").append(l).append('\n');
            fail("tree " + tree + " differs from the source:\n" + diff);
        }
    }

    @Test
    void t01_migrateReproducesTheTreeAndItsLinks() throws Exception {
        Path t = dir.resolve("t");
        Path report = dir.resolve("report.json");
        Result r = CliTestSupport.run("migrate", src.toString(), t.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        assertSameTree(t);
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"command\":\"migrate\",\"source\":"), json);
        assertTrue(json.contains("\"outcome\":\"complete\",\"exitCode\":0"), json);
        assertTrue(json.contains("\"hardLinks\":"), json);
    }

    @Test
    void t02_archiveThenExtractEqualsMigrate_inEveryCompression() throws Exception {
        for (String ext : List.of("tar", "tar.gz", "tar.zst", "tar.xz")) {
            Path a = dir.resolve("a." + ext);
            Result r = CliTestSupport.run("archive", src.toString(), "-f", a.toString());
            assertEquals(0, r.code(), r.err());
            Path t = dir.resolve("t-" + ext);
            Result x = CliTestSupport.run("extract", "-f", a.toString(), "-C", t.toString());
            assertEquals(0, x.code(), x.err());
            assertSameTree(t);
        }
    }

    @Test
    void t03_archiveToStdoutAndExtractFromStdin() throws Exception {
        Result r = CliTestSupport.run("archive", src.toString(), "-f", "-", "--compress", "zstd");
        assertEquals(0, r.code(), r.err());
        Path t = dir.resolve("t");
        Result x = CliTestSupport.runWithInput(new ByteArrayInputStream(r.out()), "extract", "-f", "-", "-C", t.toString());
        assertEquals(0, x.code(), x.err());
        assertSameTree(t);
    }

    @Test
    void t04_gnuTarAndBsdtarExtractOurArchiveIntoTheIdenticalTree() throws Exception {
        // Neither peer can extract a path over 4096 bytes, whoever made the archive (GNU tar:
        // "Cannot mkdir: File name too long"; bsdtar -p: "Can't set user=0/group=0"): a tree
        // without one.
        Path shallow = SnapshotFixture.build(Files.createDirectory(dir.resolve("shallow")), false);
        List<String> want = FindListing.of(shallow);
        Path a = dir.resolve("shallow.tar");
        assertEquals(0, CliTestSupport.run("archive", shallow.toString(), "-f", a.toString()).code());
        Path g = Files.createDirectory(dir.resolve("gnu"));
        CliTestSupport.sh(null, "tar", "--warning=no-unknown-keyword", "-C", g.toString(), "-xpf", a.toString());
        assertSameTree(g, want, shallow);
        Path b = Files.createDirectory(dir.resolve("bsd"));
        CliTestSupport.sh(null, "bsdtar", "-C", b.toString(), "-xpf", a.toString());
        assertSameTree(b, FindListing.of(shallow, FindListing.Loss.ROOT_MTIME), shallow, FindListing.Loss.ROOT_MTIME);
    }

    @Test
    void t05_weExtractGnuTarAndBsdtarArchivesIntoTheIdenticalTree() throws Exception {
        for (String fmt : List.of("gnu", "posix")) {
            Path a = dir.resolve(fmt + ".tar");
            CliTestSupport.sh(null, "tar", "--format=" + fmt, "-C", src.toString(), "-cf", a.toString(), ".");
            Path t = dir.resolve("t-" + fmt);
            Result x = CliTestSupport.run("extract", "-f", a.toString(), "-C", t.toString());
            assertEquals(0, x.code(), fmt + ": " + x.err());
            if (fmt.equals("gnu")) assertSameTree(t, null, src, FindListing.Loss.SUBSECOND_MTIME, FindListing.Loss.SPECIAL_FILE_LINKS);
            else assertSameTree(t, null, src, FindListing.Loss.SPECIAL_FILE_LINKS);
        }
        // bsdtar's default (restricted pax) keeps whole seconds; --format=pax keeps ns and writes
        // hdrcharset=BINARY for names that are not UTF-8.
        for (String fmt : List.of("default", "pax")) {
            Path a = dir.resolve("bsd-" + fmt + ".tar");
            if (fmt.equals("pax")) CliTestSupport.sh(null, "bsdtar", "--format=pax", "-C", src.toString(), "-cf", a.toString(), ".");
            else CliTestSupport.sh(null, "bsdtar", "-C", src.toString(), "-cf", a.toString(), ".");
            Path t = dir.resolve("t-bsd-" + fmt);
            Result x = CliTestSupport.run("extract", "-f", a.toString(), "-C", t.toString());
            assertEquals(0, x.code(), x.err());
            if (fmt.equals("pax")) assertSameTree(t, null, src, FindListing.Loss.SPECIAL_FILE_LINKS);
            else assertSameTree(t, null, src, FindListing.Loss.SUBSECOND_MTIME, FindListing.Loss.SPECIAL_FILE_LINKS);
        }
    }

    @Test
    void t06_migrateWithArchiveCopyWritesTheSameArchiveAsArchive() throws Exception {
        Path a = dir.resolve("a.tar");
        assertEquals(0, CliTestSupport.run("archive", src.toString(), "-f", a.toString()).code());
        Path copy = dir.resolve("copy.tar");
        Path t = dir.resolve("t");
        Result r = CliTestSupport.run("migrate", src.toString(), t.toString(), "--archive-copy", copy.toString());
        assertEquals(0, r.code(), r.err());
        assertSameTree(t);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(copy), "byte-identical archives");
    }
}
