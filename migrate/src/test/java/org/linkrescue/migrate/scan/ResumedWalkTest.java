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
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.map.TargetCleanup;
import org.linkrescue.migrate.map.WalkOrder;
import org.linkrescue.testdata.TreeBuilder;

/**
 * A resumed scan starts right after the last finished entry: for every path of a walk, a walk
 * resumed after it visits exactly the paths that came after it, in the same order, without
 * looking at anything before it. And the target cleanup before a resumed migrate leaves exactly
 * what came up to that path. A directory the resumed walk cannot open on its way down to that
 * path is handed over with the path below it, so what comes after it there can be had elsewhere
 * (a copy). Names chosen where byte order and component order part ("a-b"
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

    @Test
    void t03_aDirectoryOnTheWayDownThatCannotBeOpenedNow_isHandedOverWithThePointBelowIt() throws IOException {
        Path t = tree();
        List<String> all = walk(t, null);
        for (String point : all) {
            for (String d : all) {
                boolean onTheWay = point.startsWith(d + "/") || d.equals(point) && all.stream().anyMatch(p -> p.startsWith(d + "/"));
                if (d.equals(".") || !onTheWay) continue;
                byte[] unopened = Names.bytes(d.substring(d.lastIndexOf('/') + 1)); // each directory's name is unique in the tree
                ScanCalls failing = new ScanCalls() {
                    @Override public List<byte[]> list(int fd) throws IOException { return DIRECT.list(fd); }
                    @Override public Looked[] look(int fd, List<byte[]> names) throws IOException { return DIRECT.look(fd, names); }
                    @Override public <T> T call(String what, org.linkrescue.migrate.drive.TimedCalls.Call<T> c) throws IOException {
                        return DIRECT.call(what, c);
                    }
                    @Override public int openDir(int fd, byte[] name) throws IOException {
                        if (java.util.Arrays.equals(name, unopened)) throw new PosixException("openat", name, Errno.EIO);
                        return DIRECT.openDir(fd, name);
                    }
                };
                List<String> seen = new ArrayList<>(), rest = new ArrayList<>(), reported = new ArrayList<>();
                new TreeScanner((g, p, w) -> reported.add(Names.latin1(p) + ": " + w), PathFilter.NONE, failing)
                        .resumeAfter(Names.bytes(point)).walk(Names.bytes(t.toString()), new TreeScanner.Visitor() {
                            @Override public void visit(ScannedPath p) { seen.add(Names.latin1(p.path())); }
                            @Override public void unreadableRest(byte[] path, byte[] after, String why) {
                                rest.add(Names.latin1(path) + " after " + Names.latin1(after));
                            }
                        });
                String below = d.equals(point) ? "." : point.substring(d.length() + 1);
                String shown = "resumed after " + point + ", " + d + " unopened";
                assertEquals(List.of(d + " after " + below), rest, shown);
                assertEquals(List.of(d + ": cannot open directory: EIO (Input/output error)"), reported, shown);
                List<String> after = all.subList(all.indexOf(point) + 1, all.size());
                assertEquals(after.stream().filter(p -> !p.startsWith(d + "/")).toList(), seen, shown + ": the walk goes on after it");
                assertEquals(after.stream().filter(p -> p.startsWith(d + "/")).map(p -> p.substring(d.length() + 1)).toList(),
                        walk(t.resolve(d), Names.bytes(below)), shown + ": its rest, walked resumed after the point below it");
            }
        }
    }

    @Test
    void t04_aResumedWalkTellsOfTheDirectoriesAboveThePoint_rootFirst_beforeAnyVisit() throws IOException {
        Path t = tree();
        List<String> all = walk(t, null);
        Set<String> dirs = new HashSet<>();
        new TreeScanner((g, p, w) -> fail(w)).walk(Names.bytes(t.toString()), new TreeScanner.Visitor() {
            @Override public void visit(ScannedPath p) { if (p.stat().type() == Stat.S_IFDIR) dirs.add(Names.latin1(p.path())); }
        });
        for (String point : all) {
            List<String> told = new ArrayList<>();
            new TreeScanner((g, p, w) -> fail(w)).resumeAfter(Names.bytes(point)).walk(Names.bytes(t.toString()), new TreeScanner.Visitor() {
                @Override public void visit(ScannedPath p) { told.add("visit"); }
                @Override public void above(ScannedPath d) {
                    assertTrue(d.stat().type() == Stat.S_IFDIR, Names.latin1(d.path()));
                    told.add(Names.latin1(d.path()));
                }
            });
            // The point's ancestors (the root first), and the point itself when it is a directory.
            List<String> want = new ArrayList<>(List.of("."));
            for (int k = point.indexOf('/'); k >= 0; k = point.indexOf('/', k + 1)) want.add(point.substring(0, k));
            if (!point.equals(".") && dirs.contains(point)) want.add(point);
            assertEquals(want, told.stream().filter(s -> !s.equals("visit")).toList(), "resumed after " + point);
            assertEquals(want, told.subList(0, want.size()), "resumed after " + point + ": before any visit");
        }
    }
}
