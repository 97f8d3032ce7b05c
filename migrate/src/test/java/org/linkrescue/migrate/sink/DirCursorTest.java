package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;

class DirCursorTest {
    @TempDir Path dir;
    int root = -1;

    @AfterEach
    void cleanUp() throws Exception {
        Posix.close(root);
        TreeSnapshot.run(List.of("rm", "-rf", dir.resolve("t").toString())); // deeper than Java deletes
    }

    private int openFds() { return OpenFds.under(dir.resolve("t")); }

    private static String chain(int depth) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) b.append(i == 0 ? "" : "/").append((char) ('a' + i % 3));
        return b.toString();
    }

    @Test
    void twoThousandLevelsStayWithinTheDescriptorBound() throws Exception {
        java.nio.file.Files.createDirectory(dir.resolve("t"));
        root = Posix.openDir(Posix.AT_FDCWD, Names.bytes(dir.resolve("t").toString()));
        List<String> implicit = new ArrayList<>();
        int baseline = openFds();
        DirTree tree = new DirTree();
        try (DirCursor c = new DirCursor(root, 8, tree)) {
            int peak = 0;
            // Down: each entry one level deeper than the last, as a depth-first stream goes.
            for (int d = 1; d <= 2000; d++) {
                c.parentOf(SafePath.parse(Names.bytes(chain(d) + "/f")));
                peak = Math.max(peak, openFds() - baseline);
                assertTrue(c.openCount() <= 8);
            }
            // Up again: the shallower levels' descriptors were given up and are found again.
            for (int d = 2000; d >= 1; d -= 7) {
                int fd = c.parentOf(SafePath.parse(Names.bytes(chain(d) + "/f")));
                Posix.mkdirAt(fd, Names.bytes("up" + d), 0700);
                peak = Math.max(peak, openFds() - baseline);
            }
            assertTrue(peak <= 9, "descriptors held: " + peak);
            for (DirTree.Node n = tree.root; n.children().hasNext(); ) {
                n = n.children().next();
                if (n.waits()) implicit.add(Names.latin1(n.path()));
            }
            assertEquals(2000, implicit.size());
            assertEquals(chain(1), implicit.get(0));
            assertEquals(chain(2000), implicit.get(1999));
        }
        assertEquals(baseline, openFds(), "close() gives every descriptor back");
        String found = TreeSnapshot.run(List.of("find", dir.resolve("t").toString(), "-name", "up2000", "-printf", "%d"));
        assertEquals("2001", found);
        String up6 = TreeSnapshot.run(List.of("find", dir.resolve("t").toString(), "-name", "up5", "-printf", "%d"));
        assertEquals("6", up6);
    }

    @Test
    void withoutCreateAMissingParentIsRefused() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("t/a"));
        root = Posix.openDir(Posix.AT_FDCWD, Names.bytes(dir.resolve("t").toString()));
        try (DirCursor c = new DirCursor(root, 4, null)) {
            c.parentOf(SafePath.parse(Names.bytes("a/x")));
            Refused r = assertThrows(Refused.class, () -> c.parentOf(SafePath.parse(Names.bytes("a/b/x"))));
            assertEquals("parent 'a/b' does not exist", r.reason());
            assertFalse(java.nio.file.Files.exists(dir.resolve("t/a/b")));
        }
    }
}
