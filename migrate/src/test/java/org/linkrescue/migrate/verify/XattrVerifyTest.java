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

/** verify names every extended attribute that went missing, appeared or changed: kind "xattr". */
class XattrVerifyTest {
    @TempDir Path dir;
    Path src;

    @BeforeEach
    void tree() throws Exception {
        src = TestTrees.snapshots(dir.resolve("src"));
        TestTrees.sh("cd '" + src + "' && setfattr -n user.a -v 0x00ff41 2024-01-01/docs/a.txt"
                + " && setfattr -n trusted.t -v t 2024-01-01/docs && setfattr -h -n trusted.s -v s 2024-01-01/docs/to-b"
                + " && setfattr -n user.top -v 1 .");
    }

    @Test
    void t01_aCopyWithTheSameXattrsHasNoDifference_linksAreAskedOnce() throws Exception {
        Path dst = TestTrees.copy(src, dir.resolve("dst")); // cp -a keeps xattrs
        TestTrees.Result r = TestTrees.verify(src, dst);
        assertEquals(List.of(), r.lines(), r.toString());
        assertEquals(List.of(), r.problems);
    }

    @Test
    void t02_treeModeNamesAnXattrMissingChangedOrAdded_onFilesDirsSymlinksAndTheRoot() throws Exception {
        Path dst = TestTrees.copy(src, dir.resolve("dst"));
        TestTrees.sh("cd '" + dst + "' && setfattr -n user.a -v 0x00ff42 2024-01-01/docs/a.txt"
                + " && setfattr -x trusted.t 2024-01-01/docs && setfattr -h -n trusted.s -v other 2024-01-01/docs/to-b"
                + " && setfattr -n user.new -v 1 2024-01-02/new.txt && setfattr -x user.top .");
        TestTrees.Result r = TestTrees.verify(src, dst);
        // a.txt is one inode with six paths: named once, at its first path in walk order
        assertEquals(List.of("xattr .", "xattr 2024-01-01/docs", "xattr 2024-01-01/docs/a-link.txt",
                "xattr 2024-01-01/docs/to-b", "xattr 2024-01-02/new.txt"), r.lines(), r.toString());
        assertEquals(List.of(
                "xattr 'user.top' in SOURCE, not in TARGET",
                "xattr 'trusted.t' in SOURCE, not in TARGET",
                "xattr 'user.a' is '\\x00\\xffA' in SOURCE, '\\x00\\xffB' in TARGET",
                "xattr 'trusted.s' is 's' in SOURCE, 'other' in TARGET",
                "xattr 'user.new' in TARGET, not in SOURCE"),
                r.differences.stream().map(Difference::detail).toList());
    }

    @Test
    void t03_archiveModeComparesTheArchivesXattrRecords() throws Exception {
        Path with = dir.resolve("with.tar"), without = dir.resolve("without.tar");
        TestTrees.sh("export LC_ALL=C.UTF-8; tar --xattrs --xattrs-include='*' --format=posix -C '" + src + "' -cf '" + with + "' ."
                + " && tar --format=posix -C '" + src + "' -cf '" + without + "' .");
        assertEquals(List.of(), verify(with).lines().stream().filter(l -> l.startsWith("xattr")).toList());
        assertEquals(List.of("xattr .", "xattr 2024-01-01/docs", "xattr 2024-01-01/docs/a-link.txt", "xattr 2024-01-01/docs/to-b"),
                verify(without).lines().stream().filter(l -> l.startsWith("xattr")).toList());
    }

    private TestTrees.Result verify(Path archive) throws Exception {
        TestTrees.Result r = new TestTrees.Result();
        try (InputStream in = Compression.decompressDetected(new BufferedInputStream(Files.newInputStream(archive)))) {
            new ArchiveVerifier(r, r.problems(), r.tally).verify(new TarReader(in), Names.bytes(src.toString()));
        }
        return r;
    }
}
