package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;

class TreeVerifierTest {
    @TempDir Path dir;
    Path src, dst;

    @BeforeEach
    void trees() throws Exception {
        src = TestTrees.snapshots(dir.resolve("src"));
        dst = TestTrees.copy(src, dir.resolve("dst"));
    }

    private TestTrees.Result verify() throws Exception {
        TestTrees.Result r = TestTrees.verify(src, dst);
        assertEquals(List.of(), r.problems, "no problems expected");
        return r;
    }

    @Test
    void t01_correctCopyIsIdentical() throws Exception {
        TestTrees.Result r = verify();
        assertEquals(List.of(), r.lines());
        assertEquals(List.of(), r.unverifiable);
        assertTrue(r.tally.paths() > 30, "paths counted: " + r.tally.paths());
        assertEquals(0, r.verifier.openInodes(), "every linked inode closed");
    }

    @Test
    void t02_oneFlippedByteInALargeFileIsNamedWithItsOffset() throws Exception {
        Path big = dst.resolve("2024-01-01/big.bin"); // linked into all three snapshots
        FileTime t = Files.getLastModifiedTime(big);
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.READ)) {
            var b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, 2_000_001);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, 2_000_001);
        }
        Files.setLastModifiedTime(big, t);
        TestTrees.Result r = verify();
        assertEquals(List.of("content 2024-01-01/big.bin", "content 2024-01-02/big.bin", "content 2024-01-03/big.bin"), r.lines());
        assertEquals("first differing byte at offset 2000001", r.differences.get(0).detail());
    }

    @Test
    void t03_aBrokenHardLinkIsNamed() throws Exception {
        Path p = dst.resolve("2024-01-02/docs/a.txt");
        Path copy = dir.resolve("copy");
        TestTrees.sh("cp -a '" + p + "' '" + copy + "' && mv '" + copy + "' '" + p + "'");
        keepDirTime("2024-01-02/docs");
        TestTrees.Result r = verify();
        assertEquals(List.of("broken-link 2024-01-02/docs/a.txt"), r.lines());
        assertTrue(r.differences.get(0).detail().contains("'2024-01-01/docs/a-link.txt' in SOURCE, but not in TARGET"),
                r.differences.get(0).detail());
    }

    @Test
    void t04_twoSeparateInodesMergedIntoOneAreNamed() throws Exception {
        // 2024-01-02/docs/b.txt and 2024-01-03/docs/b.txt share an inode; give 01-03/new.txt ... the
        // simplest merge: two identical files that are separate inodes in SOURCE, linked in TARGET
        Files.writeString(src.resolve("2024-01-01/twin1"), "same\n");
        Files.writeString(src.resolve("2024-01-01/twin2"), "same\n");
        TestTrees.sh("touch -r '" + src.resolve("2024-01-01/twin1") + "' '" + src.resolve("2024-01-01/twin2") + "'"
                + " && touch -r '" + dst.resolve("2024-01-01") + "' '" + src.resolve("2024-01-01") + "'");
        TestTrees.sh("cp -a '" + src.resolve("2024-01-01/twin1") + "' '" + dst.resolve("2024-01-01/twin1") + "'"
                + " && ln '" + dst.resolve("2024-01-01/twin1") + "' '" + dst.resolve("2024-01-01/twin2") + "'"
                + " && touch -r '" + src.resolve("2024-01-01") + "' '" + dst.resolve("2024-01-01") + "'");
        TestTrees.Result r = verify();
        assertEquals(List.of("merged-link 2024-01-01/twin2"), r.lines());
        assertTrue(r.differences.get(0).detail().contains("'2024-01-01/twin1' in TARGET, but not in SOURCE"));
    }

    @Test
    void t05_aMissingPathIsNamed() throws Exception {
        Files.delete(dst.resolve("2024-01-02/new.txt"));
        keepDirTime("2024-01-02");
        TestTrees.Result r = verify();
        assertEquals(List.of("missing 2024-01-02/new.txt"), r.lines());
    }

    @Test
    void t06_anExtraPathIsNamed() throws Exception {
        Files.writeString(dst.resolve("2024-01-03/stowaway"), "x");
        keepDirTime("2024-01-03");
        TestTrees.Result r = verify();
        assertEquals(List.of("extra 2024-01-03/stowaway"), r.lines());
    }

    @Test
    void t07_aModeChangeIsNamed_setuidIncluded() throws Exception {
        TestTrees.sh("chmod 0755 '" + dst.resolve("2024-01-01/setuid-tool") + "'"); // linked in all three
        TestTrees.Result r = verify();
        assertEquals(List.of("mode 2024-01-01/setuid-tool", "mode 2024-01-02/setuid-tool", "mode 2024-01-03/setuid-tool"), r.lines());
        assertEquals("mode 4755 in SOURCE, 0755 in TARGET", r.differences.get(0).detail());
    }

    @Test
    void t08_anOwnerChangeIsNamed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Posix.isRoot(), "chown needs root");
        TestTrees.sh("chown -h 1234:5678 '" + dst.resolve("2024-01-03/latest") + "'");
        TestTrees.Result r = verify();
        assertEquals(List.of("owner 2024-01-03/latest"), r.lines());
        assertTrue(r.differences.get(0).detail().endsWith("1234:5678 in TARGET"));
    }

    @Test
    void t09_anMtimeOneNanosecondOffIsNamed() throws Exception {
        Path p = dst.resolve("2024-01-02/docs/b.txt");
        Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 999_999_999)));
        Files.setLastModifiedTime(src.resolve("2024-01-02/docs/b.txt"), FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 999_999_998)));
        // b.txt of 01-02 is linked into 01-03: both paths name the inode
        TestTrees.Result r = verify();
        assertEquals(List.of("mtime 2024-01-02/docs/b.txt", "mtime 2024-01-03/docs/b.txt"), r.lines());
        assertEquals("mtime 1700000000.999999998 in SOURCE, 1700000000.999999999 in TARGET", r.differences.get(0).detail());
    }

    @Test
    void t10_aSymlinkTargetChangeIsNamed() throws Exception {
        relink(dst.resolve("2024-01-03/latest"), "../2024-01-02");
        keepDirTime("2024-01-03");
        TestTrees.Result r = verify();
        assertEquals(List.of("symlink-target 2024-01-03/latest"), r.lines());
        assertEquals("target '../2024-01-03' in SOURCE, '../2024-01-02' in TARGET", r.differences.get(0).detail());
    }

    @Test
    void t10b_aNewSymlinkInPlaceOfAHardLinkedOneIsAlsoABrokenLink() throws Exception {
        relink(dst.resolve("2024-01-02/docs/to-b"), "a.txt");
        keepDirTime("2024-01-02/docs");
        TestTrees.Result r = verify();
        assertEquals(List.of("broken-link 2024-01-02/docs/to-b", "symlink-target 2024-01-02/docs/to-b"), r.lines());
    }

    @Test
    void t11_aFileReplacedByASymlinkIsNamed() throws Exception {
        Path f = dst.resolve("2024-01-02/new.txt");
        Files.delete(f);
        Files.createSymbolicLink(f, Path.of("docs/a.txt"));
        keepDirTime("2024-01-02");
        TestTrees.Result r = verify();
        assertEquals(List.of("type 2024-01-02/new.txt"), r.lines());
        assertEquals("a file in SOURCE, symlink in TARGET", r.differences.get(0).detail());
    }

    @Test
    void t12_aNonUtf8NameMissingIsNamedAndDisplayedSafely() throws Exception {
        Files.delete(dst.resolve("2024-01-03/docs").resolve(TestTrees.ODD));
        keepDirTime("2024-01-03/docs");
        TestTrees.Result r = verify();
        assertEquals(List.of("missing 2024-01-03/docs/" + TestTrees.ODD), r.lines());
        assertEquals("2024-01-03/docs/caf\\xe9.txt", Names.display(r.differences.get(0).path()));
    }

    @Test
    void t13_aDirectoryOnOneSideOnlyListsEveryPathBelowIt() throws Exception {
        TestTrees.sh("rm -r '" + dst.resolve("2024-01-03/docs") + "'");
        keepDirTime("2024-01-03");
        TestTrees.Result r = verify();
        assertEquals(List.of("missing 2024-01-03/docs", "missing 2024-01-03/docs/a-link.txt", "missing 2024-01-03/docs/a.txt",
                "missing 2024-01-03/docs/b.txt", "missing 2024-01-03/docs/caf" + (char) 0xe9 + ".txt",
                "missing 2024-01-03/docs/deep", "missing 2024-01-03/docs/to-b"), r.lines());
    }

    @Test
    void t14_eachInodeIsReadOncePerSide_neverOncePerLink() throws Exception {
        TestTrees.Result r = verify();
        long unique = Long.parseLong(new String(new ProcessBuilder("sh", "-c",
                "find '" + src + "' -type f -printf '%i %s\\n' | sort -u | awk '{s+=$2} END {print s}'")
                .start().getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        assertEquals(2 * unique, r.tally.bytes(), "bytes read on both sides = twice the unique bytes");
    }

    @Test
    void t15_theRootDirectorysOwnMetadataIsCompared() throws Exception {
        TestTrees.sh("chmod 0700 '" + dst + "'");
        TestTrees.Result r = verify();
        assertEquals(List.of("mode ."), r.lines());
    }

    @Test
    void t16_directoryAndSymlinkMtimesAreCompared() throws Exception {
        TestTrees.sh("touch -h -d '2020-01-01 00:00:00.5' '" + dst.resolve("2024-01-01/docs/to-b") + "' '"
                + dst.resolve("2024-01-01/empty") + "'");
        TestTrees.Result r = verify();
        // cp -al links symlinks too: to-b is one inode in all three snapshots
        assertEquals(List.of("mtime 2024-01-01/docs/to-b", "mtime 2024-01-01/empty", "mtime 2024-01-02/docs/to-b",
                "mtime 2024-01-03/docs/to-b"), r.lines());
    }

    @Test
    void t17_aSplicedInodeIsCheckedAgainstTheRescueReportsHash() throws Exception {
        byte[] a = Files.readAllBytes(dst.resolve("2024-01-01/docs/a.txt"));
        String good = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(a));
        String bad = good.replace(good.charAt(0), good.charAt(0) == '0' ? '1' : '0');
        Path ok = Files.writeString(dir.resolve("ok.json"), "{\"totals\":{},\"damaged\":[{\"paths\":[\"2024-01-01/docs/a.txt\","
                + "\"2024-01-01/docs/a-link.txt\"],\"sha256\":\"" + good + "\"}]}");
        Path wrong = Files.writeString(dir.resolve("wrong.json"), "{\"damaged\":[{\"paths\":[\"2024-01-02/docs/a.txt\"],"
                + "\"sha256\":\"" + bad + "\"}]}");
        assertEquals(List.of(), TestTrees.verify(src, dst, RescueHashes.read(ok)).lines());
        assertEquals(List.of("rescue-hash 2024-01-02/docs/a.txt"), TestTrees.verify(src, dst, RescueHashes.read(wrong)).lines());
    }

    @Test
    void t18_pathsFarOver4096BytesAreWalked() throws Exception {
        Path s = Files.createDirectories(dir.resolve("deep-src")), d = Files.createDirectories(dir.resolve("deep-dst"));
        TestTrees.Result r;
        try {
            deepTree(s, (byte) 'x');
            deepTree(d, (byte) 'y');
            r = TestTrees.verify(s, d);
        } finally {
            TestTrees.sh("rm -rf '" + s + "' '" + d + "'"); // @TempDir cannot delete paths this long
        }
        assertEquals(List.of("content"), r.differences.stream().map(x -> x.kind().word()).toList(), r.toString());
        assertTrue(r.differences.get(0).path().length > 6000, "path length " + r.differences.get(0).path().length);
    }

    /** 30 levels of 200-byte names and a one-byte leaf, every mtime fixed (cp -a and GNU tar give up on such paths). */
    private static void deepTree(Path root, byte leaf) throws Exception {
        byte[] comp = Names.bytes("d".repeat(200));
        int fd = Posix.openDir(Posix.AT_FDCWD, Names.bytes(root.toString()));
        Posix.futimens(fd, 1, 0, 1_000_000_000L, 5);
        for (int i = 0; i < 30; i++) {
            Posix.mkdirAt(fd, comp, 0755);
            int sub = Posix.openDir(fd, comp);
            Posix.close(fd);
            fd = sub;
        }
        int f = Posix.openat(fd, Names.bytes("leaf"), Posix.O_WRONLY | Posix.O_CREAT, 0644);
        Posix.writeFully(f, new byte[] {leaf}, 0, 1);
        Posix.futimens(f, 1, 0, 1_000_000_000L, 5);
        Posix.close(f);
        Posix.close(fd);
        fd = Posix.openDir(Posix.AT_FDCWD, Names.bytes(root.toString()));
        for (int i = 0; i < 30; i++) {
            Posix.lutimensAt(fd, comp, 1, 0, 1_000_000_000L, 5);
            int sub = Posix.openDir(fd, comp);
            Posix.close(fd);
            fd = sub;
        }
        Posix.close(fd);
        Posix.lutimensAt(Posix.AT_FDCWD, Names.bytes(root.toString()), 1, 0, 1_000_000_000L, 5);
    }

    private void keepDirTime(String rel) throws Exception {
        TestTrees.sh("touch -r '" + src.resolve(rel) + "' '" + dst.resolve(rel) + "'");
    }

    private static void relink(Path l, String target) throws Exception {
        FileTime t = (FileTime) Files.getAttribute(l, "lastModifiedTime", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.delete(l);
        Files.createSymbolicLink(l, Path.of(target));
        TestTrees.sh("touch -h -d @" + t.toInstant().getEpochSecond() + "." + String.format("%09d", t.toInstant().getNano())
                + " '" + l + "'");
    }
}
