package org.linkrescue.migrate.read;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.PlainRange;
import org.linkrescue.migrate.stream.Problems;

class PlainContentSourceTest {
    @TempDir Path dir;
    final List<String> problems = new ArrayList<>();
    final Problems log = (g, p, w) -> problems.add(g + " " + (p == null ? "" : Names.latin1(p)) + ": " + w);

    private int dirFd() throws PosixException {
        return Posix.openat(Posix.AT_FDCWD, Names.bytes(dir.toString()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
    }

    private static byte[] fed(Content c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.feed(out::write);
        return out.toByteArray();
    }

    @Test
    void t01_deliversExactlyTheFileAndOffersItsDescriptor() throws IOException {
        byte[] data = new byte[3 * PlainContent.CHUNK + 17];
        new Random(1).nextBytes(data);
        Files.write(dir.resolve("f"), data);
        int d = dirFd();
        try {
            Stat st = Posix.lstatAt(d, Names.bytes("f"));
            try (Content c = new PlainContentSource(log).open(Names.bytes("f"), d, Names.bytes("f"), st)) {
                assertNotNull(c.as(PlainRange.class), "an unchanged file may be copied kernel-side");
                assertEquals(data.length, c.size());
                assertArrayEquals(data, fed(c));
                assertTrue(c.provenance().isClean());
            }
        } finally {
            Posix.close(d);
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void t02_aFileThatShrankIsZeroFilledToTheScannedSizeAndReportedFailed() throws IOException {
        Path f = dir.resolve("f");
        Files.write(f, "0123456789".getBytes());
        int d = dirFd();
        try {
            Stat st = Posix.lstatAt(d, Names.bytes("f"));
            Files.write(f, "0123".getBytes()); // same inode, truncated in place
            try (Content c = new PlainContentSource(log).open(Names.bytes("f"), d, Names.bytes("f"), st)) {
                assertNull(c.as(PlainRange.class), "a changed file must go through feed, which keeps the size contract");
                assertArrayEquals("0123\0\0\0\0\0\0".getBytes(), fed(c));
                assertTrue(c.provenance().damaged());
                assertEquals("zero", c.provenance().ranges().get(1).origin());
            }
        } finally {
            Posix.close(d);
        }
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("WARN f: changed during scan: size 10 became 4"), problems.toString());
        assertTrue(problems.get(1).startsWith("FAILED f: file shrank during the run: ended at byte 4 of 10; 6 bytes zero-filled"),
                problems.toString());
    }

    @Test
    void t03_aPathThatNowNamesAnotherInodeIsNotRead() throws IOException {
        Path f = dir.resolve("f");
        Files.write(f, "old".getBytes());
        int d = dirFd();
        try {
            Stat st = Posix.lstatAt(d, Names.bytes("f"));
            Files.write(dir.resolve("g"), "new".getBytes());
            Files.move(dir.resolve("g"), f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            IOException e = assertThrows(IOException.class,
                    () -> new PlainContentSource(log).open(Names.bytes("f"), d, Names.bytes("f"), st));
            assertTrue(e.getMessage().startsWith("changed during scan"), e.getMessage());
        } finally {
            Posix.close(d);
        }
    }

    @Test
    void t04_aSymlinkSwappedInIsNeverFollowed() throws IOException {
        Path f = dir.resolve("f");
        Files.write(f, "data".getBytes());
        Files.write(dir.resolve("secret"), "secret".getBytes());
        int d = dirFd();
        try {
            Stat st = Posix.lstatAt(d, Names.bytes("f"));
            Files.delete(f);
            Files.createSymbolicLink(f, Path.of("secret"));
            PosixException e = assertThrows(PosixException.class,
                    () -> new PlainContentSource(log).open(Names.bytes("f"), d, Names.bytes("f"), st));
            assertEquals(Errno.ELOOP, e.errno());
        } finally {
            Posix.close(d);
        }
    }

    @Test
    void t05_anEmptyFileDeliversNothing() throws IOException {
        Files.write(dir.resolve("e"), new byte[0]);
        int d = dirFd();
        try {
            Stat st = Posix.lstatAt(d, Names.bytes("e"));
            try (Content c = new PlainContentSource(log).open(Names.bytes("e"), d, Names.bytes("e"), st)) {
                assertEquals(0, fed(c).length);
            }
        } finally {
            Posix.close(d);
        }
    }
}
