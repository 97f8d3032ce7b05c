package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.TimedReads;

/**
 * verify on sparse files: 8 GiB apparent, 3 MiB of data in four runs (one at an odd offset, one
 * ending the file), on tmpfs, which keeps holes page by page. Holes are never read (the
 * thread's rchar, from /proc, counts the bytes its reads returned), and the content is still
 * compared exactly: a byte of data, a byte where the other side has a hole, zeros against a
 * hole (equal; a sparse difference only with --sparse), and a later link compared by hash
 * across two layouts of holes.
 */
class SparseVerifyTest {
    static final long SIZE = 8L << 30;
    static final long[] RUNS = {0, 1 << 20, (2L << 30) + 12_345, 1 << 20, 5L << 30, 1 << 20, SIZE - 100, 100};
    static final long HOLE = 3L << 30; // inside a hole of the layout above
    Path dir, src, dst;

    @BeforeEach
    void trees() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "lr-sparse-verify-");
        src = Files.createDirectory(dir.resolve("src"));
        dst = Files.createDirectory(dir.resolve("dst"));
    }

    @AfterEach
    void clean() throws Exception {
        TestTrees.sh("rm -rf '" + dir + "'");
    }

    /** A file of size bytes holding RUNS' data (the same bytes for the same seed), holes elsewhere. */
    private static Path sparse(Path p, long size, long seed) throws IOException {
        Random r = new Random(seed);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
            for (int i = 0; i < RUNS.length; i += 2) {
                if (RUNS[i] + RUNS[i + 1] > size) continue;
                byte[] b = new byte[(int) RUNS[i + 1]];
                r.nextBytes(b);
                f.seek(RUNS[i]);
                f.write(b);
            }
        }
        return p;
    }

    private static void put(Path p, long off, byte... b) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(b), off);
        }
    }

    private static byte get(Path p, long off) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.read(b, off);
        }
        return b.get(0);
    }

    /** Every path of both trees gets one mtime, so only content (and holes) can differ. */
    private void sameTimes() throws Exception {
        TestTrees.sh("find '" + src + "' '" + dst + "' -depth -exec touch -h -d @1700000000 {} +");
    }

    /** Bytes the read calls of this thread (or, with "self", of the whole process) have returned so far. */
    private static long rchar(String whose) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + whose + "/io")))
            if (l.startsWith("rchar:")) return Long.parseLong(l.substring(6).trim());
        throw new IOException("no rchar in /proc/" + whose + "/io");
    }

    private TestTrees.Result verify(boolean holes) throws IOException {
        return verify(holes, null);
    }

    /** With reads, SOURCE is read through timed workers, as the CLI reads it. */
    private TestTrees.Result verify(boolean holes, TimedReads reads) throws IOException {
        TestTrees.Result r = new TestTrees.Result();
        TreeVerifier v = new TreeVerifier(r, r.problems(), null, r.tally, reads).checkHoles(holes);
        v.verify(Names.bytes(src.toString()), Names.bytes(dst.toString()));
        assertEquals(List.of(), r.problems, "no problems expected");
        return r;
    }

    @Test
    void t01_anIdenticalSparseFileIsReadOnlyWhereItHoldsData() throws Exception {
        sparse(src.resolve("disk.img"), SIZE, 1);
        sparse(dst.resolve("disk.img"), SIZE, 1);
        sameTimes();
        long before = rchar("thread-self");
        TestTrees.Result r = verify(true);
        long read = rchar("thread-self") - before;
        assertEquals(List.of(), r.lines(), r.toString());
        assertTrue(read < 64L << 20, "holes are not read: " + read + " bytes read for 2 x 3 MiB of data in 2 x 8 GiB");
        assertEquals(2 * SIZE, r.tally.bytes(), "bytes compared, holes included, as before");
    }

    @Test
    void t02_readThroughTimedReadsAsTheCliDoes_holesAreFoundOnTheWorkerAndNotReadEither() throws Exception {
        sparse(src.resolve("disk.img"), SIZE, 1);
        sparse(dst.resolve("disk.img"), SIZE, 1);
        put(dst.resolve("disk.img"), HOLE, (byte) 1);
        sameTimes();
        TestTrees.Result r;
        long before = rchar("self");
        try (TimedReads reads = new TimedReads(BlockReader.REAL, Duration.ofSeconds(30), ReadThrough.CHUNK)) {
            r = verify(false, reads);
        }
        long read = rchar("self") - before;
        assertEquals(List.of("content disk.img"), r.lines(), r.toString());
        assertEquals("first differing byte at offset " + HOLE, r.differences.get(0).detail());
        assertTrue(read < 64L << 20, "holes are not read: " + read + " bytes read by the process");
    }

    @Test
    void t03_aOneByteDifferenceInDataIsNamedWithItsOffset() throws Exception {
        sparse(src.resolve("disk.img"), SIZE, 1);
        Path d = sparse(dst.resolve("disk.img"), SIZE, 1);
        long at = (5L << 30) + 777;
        put(d, at, (byte) (get(d, at) ^ 0x10));
        sameTimes();
        TestTrees.Result r = verify(false);
        assertEquals(List.of("content disk.img"), r.lines(), r.toString());
        assertEquals("first differing byte at offset " + at, r.differences.get(0).detail());
    }

    @Test
    void t04_aNonzeroByteWhereTheOtherSideHasAHoleIsNamed_eitherSide() throws Exception {
        sparse(src.resolve("in-target"), SIZE, 1);
        put(sparse(dst.resolve("in-target"), SIZE, 1), HOLE + 5, (byte) 1);
        put(sparse(src.resolve("in-source"), SIZE, 2), (6L << 30) + 3, (byte) 0x80);
        sparse(dst.resolve("in-source"), SIZE, 2);
        sameTimes();
        TestTrees.Result r = verify(false);
        assertEquals(List.of("content in-source", "content in-target"), r.lines(), r.toString());
        assertEquals(List.of("first differing byte at offset " + ((6L << 30) + 3), "first differing byte at offset " + (HOLE + 5)),
                r.differences.stream().map(Difference::detail).toList());
    }

    @Test
    void t05_writtenZerosAgainstAHoleAreEqualContent_aSparseDifferenceOnlyWithSparseWhereSourceHasTheHole() throws Exception {
        sparse(src.resolve("filled"), SIZE, 1);
        put(sparse(dst.resolve("filled"), SIZE, 1), HOLE, new byte[1 << 20]);
        put(sparse(src.resolve("emptied"), SIZE, 2), HOLE, new byte[1 << 20]);
        sparse(dst.resolve("emptied"), SIZE, 2);
        sameTimes();
        assertEquals(List.of(), verify(false).lines());
        TestTrees.Result r = verify(true);
        assertEquals(List.of("sparse filled"), r.lines(), r.toString());
        assertTrue(r.differences.get(0).detail().startsWith("hole at bytes "), r.differences.get(0).detail());
    }

    @Test
    void t06_aLaterLinkIsComparedByHashAcrossLayoutsOfHoles() throws Exception {
        Path f = sparse(src.resolve("a"), SIZE, 1);
        Files.createLink(src.resolve("b"), f);
        Files.createLink(src.resolve("c"), f);
        sparse(dst.resolve("a"), SIZE, 1);
        // In TARGET b and c are inodes of their own: b the same bytes with a hole filled by
        // zeros, c with one byte more in a hole. Only the links are broken, and c's content.
        put(sparse(dst.resolve("b"), SIZE, 1), HOLE, new byte[1 << 20]);
        put(sparse(dst.resolve("c"), SIZE, 1), HOLE + 4096, (byte) 7);
        sameTimes();
        TestTrees.Result r = verify(false);
        assertEquals(List.of("broken-link b", "broken-link c", "content c"), r.lines(), r.toString());
    }

    @Test
    void t07_aSplicedSparseFileIsCheckedAgainstTheRescueReportsPlainSha256() throws Exception {
        long size = 64L << 20; // the plain SHA-256 is fed every zero: a small file
        sparse(src.resolve("img"), size, 1);
        Path d = sparse(dst.resolve("img"), size, 1);
        Files.createLink(dst.resolve("img-link"), d);
        Files.createLink(src.resolve("img-link"), src.resolve("img"));
        sameTimes();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            while (ch.read(b.clear()) > 0) sha.update(b.flip());
        }
        String good = HexFormat.of().formatHex(sha.digest());
        String bad = (good.charAt(0) == '0' ? "1" : "0") + good.substring(1);
        Path ok = Files.writeString(dir.resolve("ok.json"), "{\"damaged\":[{\"paths\":[\"img\",\"img-link\"],\"sha256\":\"" + good + "\"}]}");
        Path wrong = Files.writeString(dir.resolve("wrong.json"), "{\"damaged\":[{\"paths\":[\"img-link\"],\"sha256\":\"" + bad + "\"}]}");
        assertEquals(List.of(), TestTrees.verify(src, dst, RescueHashes.read(ok)).lines());
        TestTrees.Result r = TestTrees.verify(src, dst, RescueHashes.read(wrong));
        assertEquals(List.of("rescue-hash img-link"), r.lines(), r.toString());
        assertTrue(r.differences.get(0).detail().startsWith("sha256 " + good + " in TARGET"), r.differences.get(0).detail());
    }
}
