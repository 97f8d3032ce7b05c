package org.linkrescue.migrate.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;

class PosixTest {
    @TempDir Path dir;

    @Test
    void lstatSeesHardLinksAndNanoseconds() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "hello");
        Files.createLink(dir.resolve("b"), a);
        int root = Posix.openDir(Posix.AT_FDCWD, Names.bytes(dir.toString()));
        try {
            Stat sa = Posix.lstatAt(root, Names.bytes("a"));
            Stat sb = Posix.lstatAt(root, Names.bytes("b"));
            assertEquals(sa.ino(), sb.ino());
            assertEquals(2, sa.nlink());
            assertEquals(5, sa.size());
            assertTrue(sa.isRegular());
            assertEquals(Files.getAttribute(a, "unix:ino"), sa.ino());
            Posix.lutimensAt(root, Names.bytes("a"), 1, 2, 1_600_000_000L, 123_456_789);
            assertEquals(123_456_789, Posix.lstatAt(root, Names.bytes("b")).mtimeNsec());
        } finally {
            Posix.close(root);
        }
    }

    @Test
    void namesAreBytesNotText() throws Exception {
        byte[] odd = {'x', (byte) 0xff, '\n', 'y'};
        int root = Posix.openDir(Posix.AT_FDCWD, Names.bytes(dir.toString()));
        try {
            Posix.mkdirAt(root, odd, 0755);
            Posix.symlinkAt(odd, root, Names.bytes("link"));
            List<byte[]> names = Posix.listDir(root);
            assertEquals(2, names.size());
            assertTrue(names.stream().anyMatch(n -> java.util.Arrays.equals(n, odd)));
            assertArrayEquals(odd, Posix.readlinkAt(root, Names.bytes("link")));
            PosixException e = assertThrows(PosixException.class,
                    () -> Posix.openDir(root, Names.bytes("link")));
            assertTrue(e.errno() == Errno.ELOOP || e.errno() == Errno.ENOTDIR, e.getMessage());
        } finally {
            Posix.close(root);
        }
    }

    /** getent, the system's own resolver, is the oracle: every id it knows maps to the same name. */
    @Test
    void userAndGroupNamesAreTheSystemsOwn() throws Exception {
        for (String db : List.of("passwd", "group")) {
            Process p = new ProcessBuilder("getent", db).redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .lines().toList();
            assertEquals(0, p.waitFor());
            assertFalse(lines.isEmpty());
            for (String line : lines) {
                String[] f = line.split(":", -1);
                int id = Integer.parseUnsignedInt(f[2]);
                String name = db.equals("passwd") ? Posix.userName(id) : Posix.groupName(id);
                // Several names may share an id: the resolver answers with the first, as getpwuid does.
                assertNotNull(name, line);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith(name + ":") && l.split(":", -1)[2].equals(f[2])), line + " -> " + name);
            }
        }
        assertNull(Posix.userName(2_000_000_123));
        assertNull(Posix.groupName(2_000_000_123));
    }
}
