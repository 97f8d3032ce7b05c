package org.linkrescue.migrate.drive;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
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

    /** Only sysfs's block devices say anything: no mount table, no btrfs, no /dev. */
    SeekFreeReads reads(Path sysDevBlock) throws IOException {
        Path none = Files.createDirectories(tmp.resolve("none"));
        return new SeekFreeReads(sysDevBlock, none.resolve("mountinfo"), none, none);
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
            SeekFreeReads s = reads(sysfs(st, "1", false));
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
        assertTrue(seekFree(reads(sysfs(st, "0", false)), f));
    }

    @Test void t03_aPartitionAnswersWithItsWholeDisksQueue() throws Exception {
        Path f = data(1 << 20);
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(f.toString()));
        assertTrue(seekFree(reads(sysfs(st, "0", true)), f));
    }

    @Test void t04_aDeviceSysfsDoesNotKnowCountsAsSpinning() throws Exception {
        Path f = data(1 << 20);
        Path emptySys = Files.createDirectories(tmp.resolve("nothing"));
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(f.toString()));
        SeekFreeReads s = reads(emptySys);
        assertEquals(fincore(f) >= st.size(), seekFree(s, f), "only the cache can make it seek-free");
    }

    /**
     * btrfs: a file's device number is anonymous; the mount table, found by the file's mount
     * id, names the device it was mounted from, and /sys/fs/btrfs every device of that file
     * system. All must be non-rotational. Device nodes made with mknod in a dev directory of the
     * test's own.
     */
    @Test void t06_aBtrfsIsSeekFreeOnlyWhenEveryOneOfItsDevicesIsSolidState() throws Exception {
        Assumptions.assumeTrue(Posix.isRoot(), "mknod of block devices needs root");
        Path f = data(1 << 20);
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(f.toString()));
        Path dev = Files.createDirectories(tmp.resolve("dev"));
        int devFd = Posix.openDir(Posix.AT_FDCWD, Names.bytes(dev.toString()));
        try {
            Posix.mknodAt(devFd, Names.bytes("loop250"), Stat.S_IFBLK | 0600, 7, 250);
            Posix.mknodAt(devFd, Names.bytes("loop251"), Stat.S_IFBLK | 0600, 7, 251);
        } finally {
            Posix.close(devFd);
        }
        Path block = Files.createDirectories(tmp.resolve("block"));
        Path q250 = Files.createDirectories(block.resolve("7:250/queue"));
        Path q251 = Files.createDirectories(block.resolve("7:251/queue"));
        Files.writeString(q250.resolve("rotational"), "0\n");
        Files.writeString(q251.resolve("rotational"), "0\n");
        long mnt;
        int mfd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
        try {
            mnt = Posix.mountId(mfd);
        } finally {
            Posix.close(mfd);
        }
        assertTrue(mnt >= 0, "statx gives the mount id");
        // As btrfs shows it: the mount's device number is not the one its files carry.
        Path mountinfo = Files.writeString(tmp.resolve("mountinfo"),
                "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
                + mnt + " 27 0:9999 / /mnt/backup rw,relatime - btrfs /dev/loop250 rw,space_cache=v2\n");
        Path btrfs = tmp.resolve("btrfs");
        Files.createDirectories(btrfs.resolve("0f3e-uuid/devices"));
        Files.writeString(btrfs.resolve("0f3e-uuid/devices/loop250"), "");
        Files.writeString(btrfs.resolve("0f3e-uuid/devices/loop251"), "");
        Files.createDirectories(btrfs.resolve("features"));

        // Evicted from the cache, so only the devices can make it seek-free.
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
        try {
            Posix.fsync(fd);
            Posix.fadvise(fd, 0, 0, Posix.POSIX_FADV_DONTNEED);
        } finally {
            Posix.close(fd);
        }
        boolean cached = fincore(f) >= st.size();
        assertTrue(seekFree(new SeekFreeReads(block, mountinfo, btrfs, dev), f), "both devices solid state");
        Files.writeString(q251.resolve("rotational"), "1\n");
        assertEquals(cached, seekFree(new SeekFreeReads(block, mountinfo, btrfs, dev), f),
                "one spinning device of the two: only the page cache can make it seek-free");
        Files.writeString(mountinfo, mnt + " 27 0:9999 / /mnt/backup rw - nfs4 server:/export rw\n");
        Files.writeString(q251.resolve("rotational"), "0\n");
        assertEquals(cached, seekFree(new SeekFreeReads(block, mountinfo, btrfs, dev), f), "not mounted from a device: unknown");
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
