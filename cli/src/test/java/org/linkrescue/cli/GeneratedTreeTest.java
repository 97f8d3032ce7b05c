package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.cli.CliTestSupport.Result;
import org.linkrescue.testdata.SnapshotTree;
import org.linkrescue.testdata.SnapshotTreeGenerator;
import org.linkrescue.testdata.TreeListing;

/** The testdata generator's snapshot farm (cp -al + rsync, odd entries; the 4096+ byte path is covered by SnapshotFixture) through migrate and archive | extract, judged by TreeListing. */
class GeneratedTreeTest {
    Path dir;

    @BeforeEach void scratch() throws Exception { dir = CliTestSupport.scratch(); }
    @AfterEach void remove() throws Exception { CliTestSupport.remove(dir); }

    @Test
    @org.junit.jupiter.api.Timeout(300)
    void t01_migrateAndArchiveExtractOfAGeneratedSnapshotFarmListExactlyLikeTheSource() throws Exception {
        SnapshotTree tree = new SnapshotTreeGenerator().snapshots(6).filesPerSnapshot(60).seed(42).longPath(false)
                .generate(Files.createDirectory(dir.resolve("gen")));
        TreeListing want = TreeListing.ofIncludingRoot(tree.source());

        Path migrated = dir.resolve("migrated");
        Result m = CliTestSupport.run("migrate", tree.source().toString(), migrated.toString());
        assertEquals(0, m.code(), m.err());
        List<String> d1 = want.diff(TreeListing.ofIncludingRoot(migrated));
        assertTrue(d1.isEmpty(), String.join("\n", d1));

        Path archive = dir.resolve("a.tar.zst");
        Result a = CliTestSupport.run("archive", tree.source().toString(), "-f", archive.toString());
        assertEquals(0, a.code(), a.err());
        Path extracted = dir.resolve("extracted");
        Result x = CliTestSupport.run("extract", "-f", archive.toString(), "-C", extracted.toString());
        assertEquals(0, x.code(), x.err());
        List<String> d2 = want.diff(TreeListing.ofIncludingRoot(extracted));
        assertTrue(d2.isEmpty(), String.join("\n", d2));
    }
}
