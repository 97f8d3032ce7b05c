package org.linkrescue.migrate.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.map.TargetCleanup;
import org.linkrescue.migrate.map.WalkOrder;
import org.linkrescue.testdata.TreeBuilder;

/**
 * A resumed scan starts right after the last finished entry: for every path of a walk, a walk
 * resumed after it visits exactly the paths that came after it, in the same order, without
 * looking at anything before it. And the target cleanup before a resumed migrate leaves exactly
 * what came up to that path. Names chosen where byte order and component order part ("a-b"
 * sorts before "a/..." bytewise, after it component-wise), Latin-1 bytes, empty directories.
 */
class ResumedWalkTest {
    @TempDir Path dir;

    Path tree() {
        return new TreeBuilder(dir.resolve("t"))
                .file("a/z", "1").file("a-b", "2").file("a/b/c", "3").dir("a/empty").file("a/b/\u00e9t\u00e9", "4")
                .file("b", "5").hardlink("c/link", "a/z").symlink("c/sym", "../a").dir("d/e/f").file("d/e/f/g", "6")
                .file("d/\u00ff", "7").file(".dot", "8")
                .finish();
    }

    static List<String> walk(Path root, byte[] after) throws IOException {
        List<String> seen = new ArrayList<>();
        new TreeScanner((g, p, w) -> fail(w)).resumeAfter(after).walk(Names.bytes(root.toString()), new TreeScanner.Visitor() {
            @Override public void visit(ScannedPath p) { seen.add(Names.latin1(p.path())); }
        });
        return seen;
    }

    @Test
    void t01_aWalkResumedAfterAnyPathVisitsExactlyThePathsAfterIt() throws IOException {
        Path t = tree();
        List<String> all = walk(t, null);
        assertEquals(".", all.get(0));
        for (int i = 0; i < all.size(); i++) {
            List<String> rest = walk(t, Names.bytes(all.get(i)));
            assertEquals(all.subList(i + 1, all.size()), rest, "resumed after " + all.get(i));
        }
        for (int i = 1; i < all.size(); i++) {
            assertTrue(WalkOrder.compare(Names.bytes(all.get(i - 1)), Names.bytes(all.get(i))) < 0,
                    "the walk's order is WalkOrder's: " + all.get(i - 1) + " before " + all.get(i));
        }
    }

    @Test
    void t02_theCleanupBeforeAResumeLeavesExactlyThePathsUpToTheLastFinishedOne() throws Exception {
        Path t = tree();
        List<String> all = walk(t, null);
        for (int i = 0; i < all.size(); i++) {
            Path copy = dir.resolve("copy" + i);
            org.linkrescue.testdata.Commands.run(null, "cp", "-a", t.toString(), copy.toString());
            TargetCleanup.afterLast(Names.bytes(copy.toString()), Names.bytes(all.get(i)), Set.of(".linkrescue-map"));
            Set<String> left = new HashSet<>(walk(copy, null));
            Set<String> want = new HashSet<>(all.subList(0, i + 1));
            // A directory up to the point stays whole only as far as the walk had come.
            assertEquals(want, left, "cleaned after " + all.get(i));
            org.linkrescue.testdata.Commands.run(null, "rm", "-rf", copy.toString());
        }
    }
}
