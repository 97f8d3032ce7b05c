package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;

class DirCacheTest {
    @TempDir Path dir;
    Path t;
    int root = -1;

    @BeforeEach
    void tree() throws Exception {
        t = dir.resolve("t");
        for (int s = 0; s < 30; s++) Files.createDirectories(t.resolve("snap" + s + "/home/u"));
        Files.createDirectories(dir.resolve("outside/home/u"));
        Files.createSymbolicLink(t.resolve("evil"), dir.resolve("outside"));
        Files.writeString(t.resolve("plain"), "x");
        root = Posix.openDir(Posix.AT_FDCWD, Names.bytes(t.toString()));
    }

    @AfterEach
    void cleanUp() {
        Posix.close(root);
    }

    private static SafePath p(String s) throws Refused { return SafePath.parse(Names.bytes(s)); }

    private int openFds() { return OpenFds.under(t); }

    private Stat statOf(int fd) throws Exception { return Posix.fstat(fd); }

    @Test
    void findsTheParentOfPathsSpreadOverManySnapshotsWithinItsBound() throws Exception {
        int baseline = openFds();
        try (DirCache c = new DirCache(root, 8)) {
            for (int round = 0; round < 3; round++) {
                for (int s = 0; s < 30; s++) {
                    int fd = c.parentOf(p("snap" + s + "/home/u/f"));
                    Stat want = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(t.resolve("snap" + s + "/home/u").toString()));
                    assertEquals(want.ino(), statOf(fd).ino());
                    assertTrue(c.openCount() <= 8);
                    assertTrue(openFds() - baseline <= 8);
                }
            }
            assertEquals(root, c.parentOf(p("top-level-name")));
        }
        assertEquals(baseline, openFds(), "close gives every descriptor back");
    }

    @Test
    void aSymlinkOrFileOnTheWayIsRefusedNeverFollowed() throws Exception {
        try (DirCache c = new DirCache(root, 8)) {
            assertThrows(Refused.class, () -> c.parentOf(p("evil/home/u/f")));
            assertThrows(Refused.class, () -> c.parentOf(p("plain/f")));
            assertThrows(Refused.class, () -> c.parentOf(p("missing/f")));
            assertNotEquals(root, c.parentOf(p("snap1/f")));
        }
    }

    @Test
    void theSameDirectoryTwiceIsOneDescriptor() throws Exception {
        try (DirCache c = new DirCache(root, 8)) {
            int a = c.parentOf(p("snap3/home/u/f"));
            int b = c.parentOf(p("snap3/home/u/g"));
            c.parentOf(p("snap4/home/u/f"));
            int again = c.parentOf(p("snap3/home/u/h"));
            assertEquals(a, b);
            assertEquals(a, again);
            assertEquals(6, c.openCount(), "snap3, snap3/home, snap3/home/u and the same for snap4");
        }
    }
}
