package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.cli.CliTestSupport.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.testdata.DdrescueImage;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;

/**
 * A whole disk imaged by ddrescue (root only; CI fails on a skip): a partition table, the ext4
 * partition 1 MiB in, the mapfile in the disk's positions. linkrescue finds the offset in
 * sysfs whether the copy is attached with its partitions (loopNp1: partition start) or mounted
 * with an offset (loop/offset); a mapfile of the partition alone, the same size as the
 * partition, is ambiguous and refused until --image-offset says which it is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DdrescueMapOffsetFailingDriveTest {
    static final long LOST = 12288;

    Path work, mirror, map, offsetMount;
    DdrescueImage img;
    byte[] data;
    boolean offsetMounted;
    String offsetLoop;

    @BeforeAll void imageAPartitionedDisk() throws Exception {
        work = Files.createTempDirectory("lr-ddrescue-offset-");
        img = image(work, DdrescueImage.FileSystem.EXT4, true);
        data = FailingDrive.pattern("offset.bin", 100_000);
        mirror = work.resolve("mirror");
        Path a = linkedPair(img, mirror, "offset.bin", data);
        img.failSectors(img.deviceByteOf(a, LOST), 4096);
        map = img.rescue();
    }

    /**
     * Writes data at backups/2024-01-01/NAME of the drive, hard-linked as 2024-01-02/NAME (the
     * shape of a snapshot drive, in two paths), and a good copy in mirror/2024-01-01/. Returns
     * the first path.
     */
    static Path linkedPair(DdrescueImage img, Path mirror, String name, byte[] data) throws Exception {
        Path a = MigrateRescueFailingDriveTest.file(img.root().resolve("backups/2024-01-01/" + name), data);
        MigrateRescueFailingDriveTest.link(a, img.root().resolve("backups/2024-01-02/" + name));
        MigrateRescueFailingDriveTest.file(mirror.resolve("2024-01-01/" + name), data);
        return a;
    }

    /** A drive under work/img; the test skips with the reason where images cannot be made here. */
    static DdrescueImage image(Path work, DdrescueImage.FileSystem fs, boolean partitioned) throws Exception {
        String why = DdrescueImage.unavailableReason(fs);
        Assumptions.assumeTrue(why == null, "ddrescue image tests skipped: " + why);
        return DdrescueImage.create(work.resolve("img"), fs, partitioned);
    }

    @AfterAll void removeTheImages() throws Exception {
        if (offsetMounted) CliTestSupport.sh(null, "umount", offsetMount.toString());
        if (offsetLoop != null) CliTestSupport.sh(null, "losetup", "-d", offsetLoop);
        if (img != null) img.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    void rescuedFromTheMirror(Path source, String... more) throws Exception {
        Path target = Files.createTempDirectory(work, "target");
        Files.delete(target);
        String[] args = {"migrate", source.toString(), target.toString(), "--ddrescue-map", map.toString(),
                "--alternate", "mirror=" + mirror};
        CliTestSupport.Result r = run(concat(args, more));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(data, Files.readAllBytes(target.resolve("2024-01-02/offset.bin")));
        assertEquals(Files.getAttribute(target.resolve("2024-01-01/offset.bin"), "unix:ino"),
                Files.getAttribute(target.resolve("2024-01-02/offset.bin"), "unix:ino"));
        assertTrue(r.err().contains("2024-01-01/offset.bin: read: EIO (not rescued by ddrescue: '-' bad sector"), r.err());
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test void t01_thePartitionStartIsFoundInSysfs() throws Exception {
        assertTrue(Files.readString(map, StandardCharsets.ISO_8859_1).contains("-\n"));
        Path source = img.mounted().resolve("backups");
        rescuedFromTheMirror(source);
        CliTestSupport.Result s = run("scan", source.toString(), "--ddrescue-map", map.toString());
        assertTrue(s.err().contains(img.rescuedLoop().substring(5) + "p1 starts at byte " + DdrescueImage.PARTITION_START + " of "
                + img.rescuedLoop().substring(5)), s.err());
        assertTrue(s.outText().contains("2024-01-02/offset.bin"), s.outText());
    }

    @Test void t02_aLoopOffsetIsFoundInSysfs() throws Exception {
        offsetMount = Files.createDirectories(work.resolve("offset-mount"));
        // a second loop device over the same image file, from byte 1 MiB (mount -o loop,offset= refuses the overlap)
        offsetLoop = CliTestSupport.sh(null, "losetup", "-f", "--show", "-r", "-o", Long.toString(DdrescueImage.PARTITION_START),
                img.rescuedImage().toString()).strip();
        CliTestSupport.sh(null, "mount", "-o", "ro", offsetLoop, offsetMount.toString());
        offsetMounted = true;
        rescuedFromTheMirror(offsetMount.resolve("backups"));
    }

    /** ddrescuelog --shift makes the mapfile ddrescue would have written reading the partition itself. */
    @Test void t03_aMapfileTheSizeOfThePartitionIsAmbiguousUntilImageOffsetSays() throws Exception {
        Path partMap = work.resolve("partition.map");
        Files.write(partMap, org.linkrescue.testdata.Commands.run(null, "ddrescuelog", "--shift",
                "-i", Long.toString(DdrescueImage.PARTITION_START), "-o", "0", map.toString()));
        Path source = img.mounted().resolve("backups");
        CliTestSupport.Result r = run("migrate", source.toString(), work.resolve("ambiguous").toString(),
                "--ddrescue-map", partMap.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("linkrescue: cannot tell where the file system lies in the mapfile:"), r.err());
        assertTrue(r.err().contains("give --image-offset 0 if ddrescue read the partition itself, --image-offset 1048576 if it read the whole disk"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(work.resolve("ambiguous")), "nothing made before the inputs are checked");
        Path saved = map;
        map = partMap;
        try {
            rescuedFromTheMirror(source, "--image-offset", "0");
        } finally {
            map = saved;
        }
    }
}
