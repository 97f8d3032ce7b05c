package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.SparseData;

/**
 * FileData's kernel-side copy of a range at an offset (an entry inside an archive file): the
 * same bytes on one disk file system (copy_file_range) and across two (the disk's to tmpfs:
 * where the kernel refuses copy_file_range across file systems, sendfile), and the source
 * descriptor's own position never moves (the tar reader reads the same descriptor meanwhile).
 * Each test first checks, by statfs(2) and the device, that its directories are the pairing
 * its name claims. Then the fed write paths (all bytes, or a sparse content's data alone) and
 * how each sorts a failure: /dev/full's ENOSPC is the target's, an error of the content the
 * content's.
 */
class FileDataTest {
    static final Path EXT4 = Path.of("/var/tmp"), TMPFS = Path.of("/dev/shm");
    Path diskDir, shmDir;

    @BeforeEach
    void dirs() throws IOException {
        diskDir = Files.createTempDirectory(EXT4, "lr-filedata-");
        shmDir = Files.createTempDirectory(TMPFS, "lr-filedata-");
    }

    @AfterEach
    void clean() throws Exception {
        new ProcessBuilder("rm", "-rf", diskDir.toString(), shmDir.toString()).start().waitFor();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** statfs(2)'s f_type of the file system dir is on. */
    private static long fsType(Path dir) throws IOException {
        int fd = Posix.openDir(Posix.AT_FDCWD, Names.bytes(dir.toString()));
        try {
            return Posix.fsSpace(fd).type();
        } finally {
            Posix.close(fd);
        }
    }

    /** The device dir is on. */
    private static long device(Path dir) throws IOException {
        return Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(dir.toString())).devId();
    }

    private static final long TMPFS_MAGIC = 0x01021994L;

    private static int open(Path p, int flags) throws IOException {
        return Posix.openat(Posix.AT_FDCWD, Names.bytes(p.toString()), flags, 0600);
    }

    /** Copies [off, off + size) of src into a new file in targetDir; returns {copied, position after}. */
    private static long[] copy(FileData data, Path src, long off, long size, Path target) throws IOException {
        int in = open(src, Posix.O_RDONLY);
        int out = open(target, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL);
        try {
            Posix.lseek(in, 777, Posix.SEEK_SET); // where the reader thread happens to be
            long n = data.copy(in, off, out, size);
            return new long[] {n, Posix.lseek(in, 0, Posix.SEEK_CUR)};
        } finally {
            Posix.close(in);
            Posix.close(out);
        }
    }

    private void copiesTheRangeAndLeavesTheSourcePositionAlone(Path targetDir) throws IOException {
        byte[] all = random((5 << 20) + 12_345 + 100, 1);
        Path src = diskDir.resolve("archive");
        Files.write(src, all);
        FileData data = new FileData();
        for (int i = 0; i < 2; i++) { // the second copy runs after any fallback was remembered
            Path target = targetDir.resolve("t" + i);
            long[] r = copy(data, src, 12_345 + i, (5 << 20) + 7, target);
            assertEquals((5 << 20) + 7, r[0]);
            assertEquals(777, r[1], "the archive's own position did not move");
            assertArrayEquals(Arrays.copyOfRange(all, 12_345 + i, 12_345 + i + (5 << 20) + 7), Files.readAllBytes(target));
        }
    }

    @Test
    void t01_aRangeAtAnOffsetIsCopiedAcrossFileSystems() throws IOException {
        assertEquals(TMPFS_MAGIC, fsType(shmDir), shmDir + " is a tmpfs");
        assertNotEquals(TMPFS_MAGIC, fsType(diskDir), diskDir + " is a disk's file system, not a tmpfs");
        assertNotEquals(device(diskDir), device(shmDir), "two file systems");
        copiesTheRangeAndLeavesTheSourcePositionAlone(shmDir);
    }

    @Test
    void t02_aRangeAtAnOffsetIsCopiedOnOneFileSystem() throws IOException {
        Path targets = Files.createDirectory(diskDir.resolve("targets"));
        assertEquals(device(diskDir), device(targets), "one file system");
        assertNotEquals(TMPFS_MAGIC, fsType(targets), targets + " is a disk's file system, not a tmpfs");
        copiesTheRangeAndLeavesTheSourcePositionAlone(targets);
    }

    @Test
    void t03_aRangePassingTheSourcesEndCopiesWhatThereIsAndSaysHowMuch() throws IOException {
        byte[] all = random(100_000, 2);
        Path src = diskDir.resolve("archive");
        Files.write(src, all);
        for (Path dir : new Path[] {shmDir, diskDir}) {
            Path target = dir.resolve("short");
            long[] r = copy(new FileData(), src, 90_000, 50_000, target);
            assertEquals(10_000, r[0]);
            assertEquals(777, r[1]);
            assertArrayEquals(Arrays.copyOfRange(all, 90_000, 100_000), Files.readAllBytes(target), dir.toString());
        }
    }

    @Test
    void t04_aWholeFileFromOffsetZeroAsBefore() throws IOException {
        byte[] all = random(3_000_001, 3);
        Path src = diskDir.resolve("file");
        Files.write(src, all);
        int in = open(src, Posix.O_RDONLY);
        int out = open(shmDir.resolve("copy"), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL);
        try {
            assertEquals(all.length, new FileData().copy(in, out, all.length));
        } finally {
            Posix.close(in);
            Posix.close(out);
        }
        assertArrayEquals(all, Files.readAllBytes(shmDir.resolve("copy")));
    }

    /**
     * A content with holes: its data runs, each filled with its own byte, delivered alone
     * (SparseData) or with zeros between (feed); it fails itself after its first run when
     * given a failure.
     */
    private static final class Holey implements Content, SparseData {
        final long size;
        final long[] runs;
        final IOException failure;

        Holey(long size, long[] runs, IOException failure) {
            this.size = size;
            this.runs = runs;
            this.failure = failure;
        }

        @Override public long size() { return size; }
        @Override public long[] runs() { return runs; }
        @Override public Provenance provenance() { return Provenance.CLEAN; }

        byte[] all() {
            byte[] b = new byte[(int) size];
            for (int i = 0; i < runs.length; i += 2) Arrays.fill(b, (int) runs[i], (int) (runs[i] + runs[i + 1]), (byte) (i + 1));
            return b;
        }

        @Override
        public void feedData(DataChunks out) throws IOException {
            byte[] b = all();
            for (int i = 0; i < runs.length; i += 2) {
                out.accept(runs[i], b, (int) runs[i], (int) runs[i + 1]);
                if (failure != null) throw failure;
            }
        }

        @Override
        public void feed(Chunks out) throws IOException {
            out.accept(all(), 0, (int) size);
        }
    }

    /** A content fed plainly that fails itself after its first chunk (an archive cut short). */
    private static Content failingAfterFirstChunk(IOException failure) {
        BytesContent bytes = new BytesContent(random(100_000, 4), 4096);
        return new Content() {
            @Override public long size() { return bytes.size(); }
            @Override public Provenance provenance() { return Provenance.CLEAN; }

            @Override
            public void feed(Chunks out) throws IOException {
                bytes.feed((buf, off, len) -> {
                    out.accept(buf, off, len);
                    throw failure;
                });
            }
        };
    }

    private static long write(Path target, Content c) throws IOException {
        int out = open(target, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL);
        try {
            return new FileData().write(out, c);
        } finally {
            Posix.close(out);
        }
    }

    @Test
    void t05_aSparseContentIsWrittenAsItsDataAloneWithItsHolesAndSize() throws IOException {
        Holey h = new Holey(8 << 20, new long[] {0, 4096, 6 << 20, 10_000}, null);
        Path target = diskDir.resolve("sparse");
        assertEquals(8 << 20, write(target, h));
        assertArrayEquals(h.all(), Files.readAllBytes(target));
        long blocks = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(target.toString())).blocks();
        assertTrue(blocks * 512 < 1 << 20, "holes kept: " + blocks * 512 + " bytes on disk");
    }

    @Test
    void t06_aFullTargetIsTheTargetsFailureOnEveryFedWritePath() throws IOException {
        Content[] contents = {new BytesContent(random(100_000, 5), 4096), new Holey(1 << 20, new long[] {0, 4096, 1 << 19, 4096}, null)};
        for (Content c : contents) {
            int full = Posix.openat(Posix.AT_FDCWD, Names.bytes("/dev/full"), Posix.O_WRONLY, 0);
            try {
                PosixException e = assertThrows(PosixException.class, () -> new FileData().write(full, c), c.getClass().getSimpleName());
                assertEquals(Errno.ENOSPC, e.errno(), c.getClass().getSimpleName());
            } finally {
                Posix.close(full);
            }
        }
    }

    @Test
    void t07_aContentThatFailsItselfIsTheContentsFailureOnEveryFedWritePath() throws IOException {
        IOException cut = new IOException("archive entry ended 4096 bytes early");
        Content[] contents = {failingAfterFirstChunk(cut), new Holey(1 << 20, new long[] {0, 4096, 1 << 19, 4096}, cut)};
        int i = 0;
        for (Content c : contents) {
            Path target = shmDir.resolve("cut" + i++);
            FileData.ContentFailed e = assertThrows(FileData.ContentFailed.class, () -> write(target, c));
            assertTrue(e.original() == cut, "the content's own error, unchanged: " + e.original());
            assertEquals(4096, Files.size(target), "its first chunk was written before it failed");
        }
    }
}
