package org.linkrescue.migrate.ddrescue;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where sysfs puts a file system in its image, on a sysfs tree built as the kernel lays it out
 * (the real one is exercised by the ddrescue image tests, as root); and what a mapfile's command
 * line says about the image.
 */
class ImagePlacementTest {
    @TempDir Path sys;

    Path device(String path, long sectors) throws IOException {
        Path d = Files.createDirectories(sys.resolve("devices/virtual/block/" + path));
        Files.writeString(d.resolve("size"), sectors + "\n");
        return d;
    }

    void number(String majMin, Path dev) throws IOException {
        Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(sys.resolve("dev/block/" + majMin), dev);
    }

    void loop(Path dev, String backing, long offset) throws IOException {
        Files.createDirectories(dev.resolve("loop"));
        Files.writeString(dev.resolve("loop/backing_file"), backing + "\n");
        Files.writeString(dev.resolve("loop/offset"), offset + "\n");
    }

    @Test
    void t01_aPartitionOfALoopDeviceStartsAtItsStartPlusTheLoopOffset() throws Exception {
        Path loop = device("loop3", 133120);
        loop(loop, "/images/disk.img", 4096);
        Path part = device("loop3/loop3p1", 131072);
        Files.writeString(part.resolve("partition"), "1\n");
        Files.writeString(part.resolve("start"), "2048\n");
        number("259:1", part);
        ImagePlacement p = ImagePlacement.of(sys.resolve("dev/block"), 259, 1);
        assertEquals("loop3p1", p.device());
        assertEquals(2048 * 512 + 4096, p.offset());
        assertEquals(131072L * 512, p.deviceSize());
        assertEquals("/images/disk.img", p.image());
        assertEquals("loop3p1 starts at byte 1048576 of loop3; loop3 reads /images/disk.img from byte 4096", p.how());
    }

    @Test
    void t02_aDiskPartitionLiesInTheDisksPositions() throws Exception {
        Path sdb = device("sdb", 1 << 20);
        Path part = device("sdb/sdb2", 1000);
        Files.writeString(part.resolve("partition"), "2\n");
        Files.writeString(part.resolve("start"), "4096\n");
        number("8:18", part);
        ImagePlacement p = ImagePlacement.of(sys.resolve("dev/block"), 8, 18);
        assertEquals(4096 * 512, p.offset());
        assertEquals("/dev/sdb", p.image());
        assertEquals(1L << 29, p.imageSize());
    }

    @Test
    void t03_aDeletedBackingFileOrAnUnknownDeviceIsAnError() throws Exception {
        Path loop = device("loop1", 100);
        loop(loop, "/images/disk.img (deleted)", 0);
        number("7:1", loop);
        IOException e = assertThrows(IOException.class, () -> ImagePlacement.of(sys.resolve("dev/block"), 7, 1));
        assertTrue(e.getMessage().contains("reads a deleted file"), e.getMessage());
        e = assertThrows(IOException.class, () -> ImagePlacement.of(sys.resolve("dev/block"), 0, 45));
        assertEquals("SOURCE's file system (device 0:45) is on no block device sysfs knows; give --image-offset BYTES to say"
                + " where it starts in the image", e.getMessage());
    }

    @Test
    void t04_onlyDdrescuesOwnOutputPositionDisplacesTheImage() {
        assertEquals(new DdrescueCommandLine("disk.img", false), DdrescueCommandLine.parse("ddrescue -d -r3 /dev/sdb disk.img disk.map"));
        assertEquals(new DdrescueCommandLine("out.img", false), DdrescueCommandLine.parse("ddrescue -i 1MiB -s 10M /dev/sdb out.img m"));
        assertTrue(DdrescueCommandLine.parse("ddrescue -o 0 /dev/sdb out.img m").displaced());
        assertTrue(DdrescueCommandLine.parse("ddrescue -fo0 /dev/sdb out.img m").displaced());
        assertTrue(DdrescueCommandLine.parse("/usr/bin/ddrescue --output-position=512 /dev/sdb out.img m").displaced());
        assertFalse(DdrescueCommandLine.parse("ddrescue -m other.map -b 4096 /dev/sdb out.img m").displaced(),
                "the value of -m is a file name, not options");
        assertEquals("out.img", DdrescueCommandLine.parse("ddrescue -m other.map -b 4096 /dev/sdb out.img m").outfile());
        assertFalse(DdrescueCommandLine.parse("ddrescuelog --shift -i 1048576 -o 0 disk.map").displaced());
    }
}
