package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.cli.CliTestSupport.Result;

class ReadOrderOptionTest {
    @TempDir Path dir;

    private Path source() throws Exception {
        Path src = dir.resolve("src");
        for (int i = 9; i >= 0; i--) {
            Files.createDirectories(src.resolve("s" + i % 3));
            Files.writeString(src.resolve("s" + i % 3 + "/f" + i), "data " + i);
        }
        Files.createLink(src.resolve("s0/link"), src.resolve("s1/f1"));
        return src;
    }

    @Test
    void inodeOrderMakesTheSameArchiveByteForByteAsNameOrder() throws Exception {
        Path src = source();
        Result byName = CliTestSupport.run("archive", "-q", src.toString(), "-f", dir.resolve("name.tar").toString());
        Result byInode = CliTestSupport.run("archive", "-q", "--order", "inode", src.toString(), "-f", dir.resolve("inode.tar").toString());
        assertEquals(0, byName.code(), byName.err());
        assertEquals(0, byInode.code(), byInode.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("name.tar")), Files.readAllBytes(dir.resolve("inode.tar")));
    }

    @Test
    void migrateInInodeOrderMakesAnIdenticalTree() throws Exception {
        Path src = source();
        Result r = CliTestSupport.run("migrate", "-q", "--order", "inode", src.toString(), dir.resolve("t").toString());
        assertEquals(0, r.code(), r.err());
        Result v = CliTestSupport.run("verify", "-q", src.toString(), dir.resolve("t").toString());
        assertEquals(0, v.code(), v.err());
    }

    @Test
    void anUnknownOrderIsAUsageErrorBeforeAnythingIsMade() throws Exception {
        Path src = source();
        Result r = CliTestSupport.run("migrate", "--order", "size", src.toString(), dir.resolve("t").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--order must be name or inode, not 'size'"), r.err());
        assertFalse(Files.exists(dir.resolve("t")));
        Result a = CliTestSupport.run("archive", "--order", "size", src.toString(), "-f", dir.resolve("a.tar").toString());
        assertEquals(2, a.code());
        assertFalse(Files.exists(dir.resolve("a.tar")));
    }
}
