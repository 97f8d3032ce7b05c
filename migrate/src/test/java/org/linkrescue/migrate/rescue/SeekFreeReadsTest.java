package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;

/**
 * A file may be read beside another when the drive will not seek for it: all its bytes are in
 * the page cache, or sysfs says the drive does not rotate. Real files; the page cache as
 * fincore(1) sees it is the oracle; sysfs is a directory laid out like /sys/dev/block.
 */
class SeekFreeReadsTest {
    @TempDir Path tmp;

    /** A sysfs with one device, the temp dir's own, whose queue says rotational=value. */
    Path sysfs(Stat st, String value, boolean asPartition) throws IOException {
        Path block = tmp.resolve("sys");
        Path disk = block.resolve("devices/sda");
        Path dev = asPartition ? disk.resolve("sda1") : disk;
        Files.createDirectories(dev);
        Files.createDirectories(disk.resolve("queue"));
        Files.writeString(disk.resolve("queue/rotational"), value + "\n");
        Files.createSymbolicLink(block.resolve(st.devMajor() + ":" + st.devMinor()), dev);
        return block;
    }

    Path data(int size) throws IOException {
        Path f = tmp.resolve("data-" + size);
        byte[] b = new byte[size];
        new java.util.Random(size).nextBytes(b);
        Files.write(f, b);
        return f;
    }

    static long fincore(Path f) throws Exception {
        Process p = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return Long.parseLong(out);
    }

    boolean seekFree(SeekFreeReads s, Path f) throws IOException {
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
        try {
            return s.test(fd, Posix.fstat(fd));
        } finally {
            Posix.close(fd);
        }
    }

    @Test void t01_onASpinningDriveAFileWhollyInThePageCacheIsSeekFree_oneThatIsNotIsNot() throws Exception {
        // On the module's own disk, not in /tmp: tmpfs keeps its pages whatever it is told.
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("user.dir")), ".seekfree-");
        Path f = dir.resolve("data");
        try {
            Files.write(f, new byte[3 << 20]);
            Files.readAllBytes(f);
            Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(f.toString()));
            SeekFreeReads s = new SeekFreeReads(sysfs(st, "1", false));
            assertTrue(fincore(f) >= st.size(), "just written and read: all cached");
            assertTrue(seekFree(s, f));

            int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
            try {
                Posix.fsync(fd); // dirty pages stay in the cache
                Posix.fadvise(fd, 0, 0, Posix.POSIX_FADV_DONTNEED);
            } finally {
                Posix.close(fd);
            }
            // Dropped on a disk filesystem (fincore shows it); tmpfs would keep them, and
            // then they are still all in memory, and seek-free.
            assertEquals(fincore(f) >= st.size(), seekFree(s, f));
        } finally {
            Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        }
    }

    @Test void t02_aDriveThatDoesNotRotateIsSeekFreeWhateverTheCacheHolds() throws Exception {
        Path f = data(1 << 20);
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(f.toString()));
        assertTrue(seekFree(new SeekFreeReads(sysfs(st, "0", false)), f));
    }

    @Test void t03_aPartitionAnswersWithItsWholeDisksQueue() throws Exception {
        Path f = data(1 << 20);
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(f.toString()));
        assertTrue(seekFree(new SeekFreeReads(sysfs(st, "0", true)), f));
    }

    @Test void t04_aDeviceSysfsDoesNotKnowCountsAsSpinning() throws Exception {
        Path f = data(1 << 20);
        Path emptySys = Files.createDirectories(tmp.resolve("nothing"));
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(f.toString()));
        SeekFreeReads s = new SeekFreeReads(emptySys);
        assertEquals(fincore(f) >= st.size(), seekFree(s, f), "only the cache can make it seek-free");
    }

    @Test void t05_cachestatAgreesWithFincore() throws Exception {
        Path f = data(5 << 20);
        Files.readAllBytes(f);
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
        try {
            assertEquals(fincore(f), Posix.cachedBytes(fd));
        } finally {
            Posix.close(fd);
        }
    }
}
