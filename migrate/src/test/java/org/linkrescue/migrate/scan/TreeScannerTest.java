package org.linkrescue.migrate.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.DirWindow;

class TreeScannerTest {
    @TempDir Path dir;

    /** a/a/.../a (depth levels), each level with a file "f" and, every 50 levels, a sibling directory "b" holding "g". */
    private List<String> deepTree(int depth) throws IOException {
        List<String> expected = new ArrayList<>(List.of("."));
        Path p = dir.resolve("t");
        String rel = "";
        Files.createDirectory(p);
        for (int d = 1; d <= depth; d++) {
            p = p.resolve("a");
            rel = rel.isEmpty() ? "a" : rel + "/a";
            Files.createDirectory(p);
            expected.add(rel);
        }
        // Walk order: at each level "a" (and all below it), then "b", then "f": names sorted.
        List<String> tail = new ArrayList<>();
        Path q = p;
        for (int d = depth; d >= 0; d--) {
            String here = d == 0 ? "" : expected.get(d);
            if (d % 50 == 0 && d > 0) {
                Files.createDirectory(q.resolve("b"));
                Files.writeString(q.resolve("b/g"), "g");
                tail.add(here + "/b");
                tail.add(here + "/b/g");
            }
            Files.writeString(q.resolve("f"), "f");
            tail.add((here.isEmpty() ? "" : here + "/") + "f");
            q = q.getParent();
        }
        expected.addAll(tail);
        return expected;
    }

    @Test
    void t01_aTreeFarDeeperThanTheOpenDirectoriesIsWalkedInNameOrderHoldingAtMostTheWindow() throws IOException {
        List<String> expected = deepTree(3 * DirWindow.LIMIT + 17);
        List<String> seen = new ArrayList<>();
        int[] closings = {0};
        int[] peak = {0};
        List<String> problems = new ArrayList<>();
        new TreeScanner((g, p, w) -> problems.add(g + " " + Names.latin1(p) + ": " + w))
                .walk(Names.bytes(dir.resolve("t").toString()), new TreeScanner.Visitor() {
                    @Override public void visit(ScannedPath p) {
                        seen.add(Names.latin1(p.path()));
                        peak[0] = Math.max(peak[0], openUnder(dir));
                    }

                    @Override public void closing(int fd) { closings[0]++; }
                });
        assertEquals(List.of(), problems);
        assertEquals(expected, seen);
        assertTrue(peak[0] <= DirWindow.LIMIT + 2, "descriptors held at once: " + peak[0]);
        assertEquals(0, openUnder(dir), "every descriptor closed");
        long dirs = expected.stream().filter(p -> p.equals(".") || p.endsWith("a") || p.endsWith("b")).count();
        assertTrue(closings[0] > dirs, "each directory's descriptor announced before closing, a given-up one twice: " + closings[0]);
    }

    /** This process's descriptors that point into the test's directory. */
    private static int openUnder(Path dir) {
        String prefix = dir.toString();
        int n = 0;
        String[] fds = new File("/proc/self/fd").list();
        for (String fd : fds == null ? new String[0] : fds) {
            try {
                if (Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString().startsWith(prefix)) n++;
            } catch (NoSuchFileException e) {
                // closed meanwhile
            } catch (IOException e) {
                n++; // a path too long to name: only a deep tree makes one
            }
        }
        return n;
    }
}
