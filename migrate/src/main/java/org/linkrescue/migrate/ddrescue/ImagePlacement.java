package org.linkrescue.migrate.ddrescue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a file system lies in the image ddrescue wrote: the device it is mounted from, found in
 * sysfs by its device number, and how far into the image that device starts. A loop device
 * reads its backing file from loop/offset; a partition (loopNpM, sdXM) starts at its start
 * sector of the whole disk; both add up. A file system on a plain disk (a clone written by
 * ddrescue onto a new drive) lies in that disk's coordinates, which are the mapfile's.
 *
 * @param device      the file system's device ("loop0p1")
 * @param offset      its first byte's position in the image (the mapfile's coordinates)
 * @param deviceSize  its size in bytes
 * @param image       what the positions refer to: the loop device's backing file, or the whole disk ("/dev/sdb")
 * @param imageSize   the image's size in bytes (-1 when unknown)
 * @param how         how it was found, for the user
 */
public record ImagePlacement(String device, long offset, long deviceSize, String image, long imageSize, String how) {
    private static final Path SYS_DEV_BLOCK = Path.of("/sys/dev/block");

    /** The placement sysfs gives for the block device major:minor. */
    public static ImagePlacement of(int major, int minor) throws IOException {
        return of(SYS_DEV_BLOCK, major, minor);
    }

    /** As {@link #of(int, int)} with another sysfs, for tests. */
    static ImagePlacement of(Path sysDevBlock, int major, int minor) throws IOException {
        Path link = sysDevBlock.resolve(major + ":" + minor);
        if (!Files.exists(link))
            throw new IOException("SOURCE's file system (device " + major + ":" + minor + ") is on no block device sysfs knows;"
                    + " give --image-offset BYTES to say where it starts in the image");
        Path dev = link.toRealPath();
        String name = dev.getFileName().toString();
        long size = sectors(dev.resolve("size"));
        boolean partition = Files.exists(dev.resolve("partition"));
        long partStart = partition ? sectors(dev.resolve("start")) : 0;
        Path disk = partition ? dev.getParent() : dev;
        String diskName = disk.getFileName().toString();
        Path loop = disk.resolve("loop");
        String where = partition ? name + " starts at byte " + partStart + " of " + diskName : name;
        if (Files.isDirectory(loop)) {
            String backing = read(loop.resolve("backing_file"));
            long loopOffset = Long.parseLong(read(loop.resolve("offset")));
            if (backing.endsWith(" (deleted)"))
                throw new IOException(diskName + " reads a deleted file (" + backing + "): not the image the mapfile describes");
            long imageSize = Files.exists(Path.of(backing)) ? Files.size(Path.of(backing)) : -1;
            return new ImagePlacement(name, loopOffset + partStart, size, backing, imageSize,
                    where + "; " + diskName + " reads " + backing + (loopOffset == 0 ? "" : " from byte " + loopOffset));
        }
        return new ImagePlacement(name, partStart, size, "/dev/" + diskName, partition ? sectors(disk.resolve("size")) : size,
                where + " (a disk, not a loop device: the mapfile's positions are taken as /dev/" + diskName + "'s)");
    }

    private static long sectors(Path p) throws IOException {
        return Long.parseLong(read(p)) * 512; // sysfs counts size and start in 512-byte sectors, whatever the device's
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.ISO_8859_1).strip();
    }
}
