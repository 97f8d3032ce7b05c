package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * A file being written can be given a fresh inode under its name, keeping its first bytes, so
 * that a write still on its way into the old inode (a lost kernel copy's) is seen by nobody.
 */
class TargetFileTest {
    static final int FLAGS = Posix.O_RDWR | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW;

    @TempDir Path tmp;

    int dir() throws PosixException {
        return Posix.openat(Posix.AT_FDCWD, Names.bytes(tmp.toString()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
    }

    static void write(int fd, byte[] b, long at) throws PosixException {
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        Posix.pwriteFully(fd, d, b.length, at);
    }

    List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test void aReplacedFileKeepsItsFirstBytesUnderItsNameInAFreshInode_andALateWriteIsSeenByNobody() throws Exception {
        int dir = dir();
        int fd = Posix.openat(dir, Names.bytes("f"), FLAGS, 0640);
        write(fd, "kept bytes|lost chunk".getBytes(), 0);
        int late = Posix.dup(fd); // the lost call's own descriptor
        Object before = Files.getAttribute(tmp.resolve("f"), "unix:ino");
        try (TargetFile f = new TargetFile(fd, dir, true, Names.bytes("f"), 0640, FLAGS)) {
            int fresh = f.replace(10);
            assertEquals(fresh, f.fd());
            assertNotEquals(before, Files.getAttribute(tmp.resolve("f"), "unix:ino"), "a fresh inode");
            assertEquals("kept bytes", Files.readString(tmp.resolve("f")));
            write(late, "LATE".getBytes(), 10); // lands in the inode let go
            Posix.lseek(fresh, 10, Posix.SEEK_SET);
            Posix.writeFully(fresh, "|rest".getBytes(), 0, 5);
        } finally {
            Posix.close(late);
        }
        assertEquals("kept bytes|rest", Files.readString(tmp.resolve("f")));
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("f"))));
        assertEquals(List.of("f"), names(), "no temporary left behind");
    }

    @Test void aFileThatCannotBeReplacedStaysAsItWas_andNoTemporaryIsLeft() throws Exception {
        int dir = dir();
        int fd = Posix.openat(dir, Names.bytes("f"), FLAGS, 0600);
        write(fd, "0123456789".getBytes(), 0);
        Object before = Files.getAttribute(tmp.resolve("f"), "unix:ino");
        try (TargetFile f = new TargetFile(fd, dir, true, Names.bytes("f"), 0600, FLAGS)) {
            PosixException e = assertThrows(PosixException.class, () -> f.replace(20), "only 10 bytes to keep");
            assertEquals(Errno.EIO, e.errno());
            assertEquals(fd, f.fd());
        }
        assertEquals(before, Files.getAttribute(tmp.resolve("f"), "unix:ino"));
        assertEquals("0123456789", Files.readString(tmp.resolve("f")));
        assertEquals(List.of("f"), names());
    }

    @Test void aFileWithoutItsDirectoryIsNeverReplaced() throws Exception {
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(tmp.resolve("f").toString()), FLAGS, 0600);
        try (TargetFile f = new TargetFile(fd)) {
            assertFalse(f.replaceable());
            assertThrows(IllegalStateException.class, () -> f.replace(0));
        }
    }
}
