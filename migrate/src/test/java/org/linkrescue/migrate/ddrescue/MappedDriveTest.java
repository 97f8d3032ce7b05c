package org.linkrescue.migrate.ddrescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.FileExtent;
import org.linkrescue.migrate.fs.Fiemap;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.RescueContentSource;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems;

/**
 * The seam between the mapfile and the rescue, on a real file of the disk the tests run on: its
 * real extents (FIEMAP) under a mapfile that calls one of its blocks unrescued, read through the
 * real rescue source. The loop-mounted ddrescue image is {@code DdrescueImageTest}'s.
 */
class MappedDriveTest {
    static final long MTIME = 1_700_000_000L;

    @TempDir Path tmp;
    final List<String> problems = new ArrayList<>();
    final Problems policy = (g, p, w) -> problems.add(g + " " + Names.latin1(p) + ": " + w);

    @Test
    void t01_aBlockTheMapfileCallsUnrescuedFailsLikeABadBlockAndIsSplicedFromTheMirror() throws Exception {
        byte[] data = random(300_000, 1);
        Path a = file(tmp.resolve("src/2024-01/a"), data);
        file(tmp.resolve("mirror/2024-01/a"), data);
        long at = physicalOf(a, 65536); // device byte of file byte 65536
        DamageMap map = mapWithBadArea(at + 100, 600); // a part of one 4 KiB block, as a bad sector would be
        RescueReport report = new RescueReport();
        try (RescueContentSource src = new RescueContentSource(RescueOptions.defaults().withSpoolDir(tmp)
                .withAlternates(List.of(Alternate.parse("mirror=" + tmp.resolve("mirror")))), policy, report,
                new MappedDrive(BlockReader.REAL, map, false))) {
            assertArrayEquals(data, read(src, tmp.resolve("src"), "2024-01/a"));
        }
        DamagedInodeRecord r = report.records().get(0);
        // read as a drive fails (short up to the first lost byte, then EIO), but the mapfile knows where the
        // loss ends: the rest of that block was rescued and is the image's, not a candidate's
        assertEquals(List.of(new ByteRange(65536 + 100, 600)), r.badRanges());
        assertEquals("read: EIO (not rescued by ddrescue: '-' bad sector at device byte " + (at + 100) + ") at byte 65636",
                r.errors().get(0));
        assertTrue(r.accepted() != null && r.accepted().candidate().toString().startsWith("mirror:"), r.candidates().toString());
        assertEquals(0, report.exitCode());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("WARN 2024-01/a: read: EIO (not rescued by ddrescue"), problems.toString());
    }

    @Test
    void t02_withoutACopyTheLostBytesAreZerosAndTheRunSaysSo() throws Exception {
        byte[] data = random(20_000, 2);
        Path a = file(tmp.resolve("src/2024-01/a"), data);
        long at = physicalOf(a, 8192);
        RescueReport report = new RescueReport();
        byte[] got;
        try (RescueContentSource src = new RescueContentSource(RescueOptions.defaults().withSpoolDir(tmp), policy, report,
                new MappedDrive(BlockReader.REAL, mapWithBadArea(at, 4096), false))) {
            got = read(src, tmp.resolve("src"), "2024-01/a");
        }
        byte[] want = data.clone();
        java.util.Arrays.fill(want, 8192, 12288, (byte) 0);
        assertArrayEquals(want, got);
        assertEquals(4096, report.bytesLost());
        assertEquals(3, report.exitCode());
    }

    /**
     * What the file system cannot place is read as it is, but never counted good: the run ends
     * in 3 and names it. tmpfs has no FIEMAP: its files are what an unmappable file looks like.
     */
    @Test
    void t03_aFileFiemapCannotMapIsCopiedAndReportedUnverifiable() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs a writable tmpfs at /dev/shm");
        Path root = Files.createTempDirectory(shm, "mapped-drive");
        try {
            byte[] data = random(5000, 3);
            file(root.resolve("2024-01/a"), data);
            RescueReport report = new RescueReport();
            try (RescueContentSource src = new RescueContentSource(RescueOptions.defaults().withSpoolDir(tmp), policy, report,
                    new MappedDrive(BlockReader.REAL, mapWithBadArea(0, 512), false))) {
                assertArrayEquals(data, read(src, root, "2024-01/a"));
            }
            assertEquals(3, report.exitCode());
            assertEquals(1, report.unverifiable().size());
            assertEquals(List.of("WARN 2024-01/a: unverifiable: bytes 0-4999 were copied as the image holds them, but cannot be"
                    + " checked against the ddrescue mapfile (FIEMAP: EOPNOTSUPP (Operation not supported))"), problems);
        } finally {
            org.linkrescue.testdata.Commands.removeTree(root);
        }
    }

    // ---- helpers

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Path file(Path p, byte[] data) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        Posix.lutimensAt(Posix.AT_FDCWD, Names.bytes(p.toString()), MTIME, 0, MTIME, 0);
        return p;
    }

    /** The device byte that holds file byte off of p; skips the test where the disk's file system has no FIEMAP. */
    static long physicalOf(Path p, long off) throws IOException {
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(p.toString()), Posix.O_RDONLY, 0);
        try {
            List<FileExtent> ext;
            try {
                ext = Fiemap.of(fd);
            } catch (PosixException e) {
                assumeTrue(false, "the temp dir's file system has no FIEMAP: " + e.reason());
                return -1;
            }
            for (FileExtent e : ext) {
                if (e.logical() <= off && off < e.end() && !e.has(FileExtent.UNKNOWN) && !e.has(FileExtent.DATA_INLINE))
                    return e.physical() + (off - e.logical());
            }
            assumeTrue(false, "file byte " + off + " has no plain extent here: " + ext);
            return -1;
        } finally {
            Posix.close(fd);
        }
    }

    /** A finished mapfile with [at, at + len) bad, placed at offset 0 of a device as large as any. */
    static DamageMap mapWithBadArea(long at, long len) throws IOException {
        String text = "0 +\n0 " + at + " +\n" + at + " " + len + " -\n" + (at + len) + " " + (Long.MAX_VALUE / 2) + " +\n";
        if (at == 0) text = "0 +\n0 " + len + " -\n" + len + " " + (Long.MAX_VALUE / 2) + " +\n";
        Mapfile m = MapfileParser.parse(text.getBytes(StandardCharsets.US_ASCII), "t.map");
        return DamageMap.over(m, new ImagePlacement("test", 0, Long.MAX_VALUE / 2, "the image", -1, "test"));
    }

    static byte[] read(RescueContentSource src, Path root, String rel) throws IOException {
        Path p = root.resolve(rel);
        int dir = Posix.openat(Posix.AT_FDCWD, Names.bytes(p.getParent().toString()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            Stat st = Posix.lstatAt(dir, Names.bytes(p.getFileName().toString()));
            try (Content c = src.open(Names.bytes(rel), dir, Names.bytes(p.getFileName().toString()), st)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                c.feed((b, off, len) -> out.write(b, off, len));
                return out.toByteArray();
            }
        } finally {
            Posix.close(dir);
        }
    }
}
