package org.linkrescue.migrate.repair;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.migrate.fs.Stat;

class ScanJsonFinderTest {
    @TempDir Path dir;

    static Stat stat(long ino, long size, long sec, int nsec) {
        return new Stat(0, 0, ino, 0100644, 1, 0, 0, size, 0, 0, 0, sec, nsec, 0, 0, 0, 0);
    }

    @Test
    void readsTheDamagedInodesOfAScanReport() throws Exception {
        Path j = Files.writeString(dir.resolve("scan.json"), "{\"totals\":{\"damagedInodes\":2},\"damaged\":["
                + "{\"paths\":[\"a/b\",\"c\\\\xff\\n\"],\"ino\":257,\"size\":70000,\"mtime\":\"1600000000.000000005\","
                + "\"badRanges\":[\"4096-8191\"]},{\"ino\":300}]}");
        ScanJsonFinder f = new ScanJsonFinder(j);
        assertEquals(Set.of(257L, 300L), f.damagedInodes(null));
        assertNull(f.mismatch(stat(257, 70000, 1_600_000_000L, 5)));
        assertNull(f.mismatch(stat(300, 1, 2, 3)), "nothing recorded, nothing to disagree with");
        assertTrue(f.mismatch(stat(257, 69999, 1_600_000_000L, 5)).contains("size"));
        assertTrue(f.mismatch(stat(257, 70000, 1_600_000_000L, 6)).contains("mtime"));
    }

    @Test
    void somethingElseIsRefusedInOneLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"damaged\":[{\"ino\":1},]}");
        IOException e = assertThrows(IOException.class, () -> new ScanJsonFinder(bad));
        assertTrue(e.getMessage().contains("bad JSON at character 22"), e.getMessage());
        Path other = Files.writeString(dir.resolve("other.json"), "{\"inodes\":[]}");
        e = assertThrows(IOException.class, () -> new ScanJsonFinder(other));
        assertTrue(e.getMessage().contains("no \"damaged\" list"), e.getMessage());
        e = assertThrows(IOException.class, () -> new ScanJsonFinder(dir.resolve("missing.json")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }
}
