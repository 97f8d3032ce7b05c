package org.linkrescue.testdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A drive imaged by real GNU ddrescue, for integration tests (root only): what a user with a
 * dying disk holds after following the experts' advice. The "drive" is a sparse image file with
 * an ext4 or XFS file system (optionally inside a partition table, for the offset case), built
 * through a read-write loop mount ({@link #root}); {@link #failSectors} names device bytes the
 * drive will not read; {@link #rescue} unmounts it, serves it through {@link FaultFs} with EIO
 * for exactly those bytes, lets {@code ddrescue} copy it into {@code rescued.img} with its
 * mapfile {@code rescued.map}, and loop-mounts the copy read-only ({@link #mounted}). Reads of
 * the copy never fail: the unread sectors are zeros in it, and only the mapfile knows.
 *
 * <p>Device bytes are the file system's (what FIEMAP and {@code filefrag} give); with a
 * partition table they lie {@link #partitionStart} bytes into the image. {@link #close} unmounts,
 * detaches and deletes, also after a failure half-way.
 */
public final class DdrescueImage implements AutoCloseable {
    public enum FileSystem {
        /** 4 KiB blocks; no inline data, so every file's bytes are in data blocks. */
        EXT4(64L << 20),
        /** mkfs.xfs wants 300 MB at least; the image file is sparse. */
        XFS(320L << 20);

        final long size;

        FileSystem(long size) { this.size = size; }
    }

    /** Where the partition starts in a partitioned image: 1 MiB, as fdisk aligns it. */
    public static final long PARTITION_START = 1L << 20;

    private final Path dir, drive, rescuedImage, rescuedMap, rwMount, roMount;
    private final FileSystem fs;
    private final boolean partitioned;
    private final List<long[]> bad = new ArrayList<>();
    private String driveLoop, driveDevice, rescuedLoop;
    private boolean rwMounted, roMounted;

    /** Why this cannot run here (root, loop devices, FUSE, ddrescue, the mkfs), or null. */
    public static String unavailableReason(FileSystem fs) {
        if (!Commands.isRoot()) return "needs root (loop devices, mount)";
        if (!Files.exists(Path.of("/dev/loop-control"))) return "needs loop devices (/dev/loop-control)";
        if (!Commands.available("losetup") || !Commands.available("sfdisk")) return "needs losetup and sfdisk (util-linux, fdisk)";
        String fuse = FaultFs.unavailableReason();
        if (fuse != null) return fuse;
        if (!Commands.available("ddrescue")) return "needs ddrescue (Debian package gddrescue)";
        if (!Commands.available("filefrag")) return "needs filefrag (Debian package e2fsprogs)";
        String mkfs = fs == FileSystem.EXT4 ? "mkfs.ext4" : "mkfs.xfs";
        if (!Commands.available(mkfs)) return "needs " + mkfs + (fs == FileSystem.XFS ? " (Debian package xfsprogs)" : " (e2fsprogs)");
        return null;
    }

    /** Makes the drive under dir and mounts its file system read-write at {@link #root}. */
    public static DdrescueImage create(Path dir, FileSystem fs, boolean partitioned) throws IOException {
        DdrescueImage d = new DdrescueImage(dir, fs, partitioned);
        try {
            d.build();
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private DdrescueImage(Path dir, FileSystem fs, boolean partitioned) {
        this.dir = dir.toAbsolutePath();
        this.fs = fs;
        this.partitioned = partitioned;
        this.drive = this.dir.resolve("drive/drive.img");
        this.rescuedImage = this.dir.resolve("rescued.img");
        this.rescuedMap = this.dir.resolve("rescued.map");
        this.rwMount = this.dir.resolve("rw");
        this.roMount = this.dir.resolve("ro");
    }

    private void build() throws IOException {
        Files.createDirectories(drive.getParent());
        Files.createDirectories(rwMount);
        Files.createDirectories(roMount);
        Commands.run(null, "truncate", "-s", Long.toString(fs.size + (partitioned ? PARTITION_START : 0)), drive.toString());
        if (partitioned) {
            Commands.bash(null, "printf 'label: dos\\nstart=2048, type=83\\n' | sfdisk -q \"$1\"", drive.toString());
            driveLoop = run("losetup", "-f", "--show", "-P", drive.toString()).strip();
        } else {
            driveLoop = run("losetup", "-f", "--show", drive.toString()).strip();
        }
        String dev = device(driveLoop);
        driveDevice = dev;
        if (fs == FileSystem.EXT4) Commands.run(null, "mkfs.ext4", "-q", "-F", "-b", "4096", "-O", "^inline_data", dev);
        else Commands.run(null, "mkfs.xfs", "-q", "-f", dev);
        Commands.run(null, "mount", dev, rwMount.toString());
        rwMounted = true;
    }

    /**
     * The partition (loopNp1) of a partitioned image, else the loop device itself. losetup -P
     * does not always get the kernel to scan the table (seen on a 6.18 kernel in a container):
     * partx -a then adds the partition, and without udev the node is made from sysfs.
     */
    private String device(String loop) throws IOException {
        if (!partitioned) return loop;
        String name = Path.of(loop).getFileName().toString();
        Path sys = Path.of("/sys/block", name, name + "p1");
        if (!Files.exists(sys)) Commands.run(null, "partx", "-a", loop);
        Path node = Path.of(loop + "p1");
        for (int i = 0; i < 100 && !Files.exists(node); i++) sleep(20);
        if (!Files.exists(node)) {
            String[] mm = Files.readString(sys.resolve("dev"), StandardCharsets.US_ASCII).strip().split(":");
            Commands.run(null, "mknod", node.toString(), "b", mm[0], mm[1]);
        }
        return node.toString();
    }

    /** The drive's file system's device (a loop device or its partition), until {@link #rescue}: for dumpe2fs and the like. */
    public String driveDevice() { return driveDevice; }

    /** The drive's file system, read-write, until {@link #rescue}. */
    public Path root() { return rwMount; }

    /** Where the file system starts in the image: 0, or {@link #PARTITION_START} with a partition table. */
    public long partitionStart() { return partitioned ? PARTITION_START : 0; }

    /**
     * The device byte holding byte off of file (below {@link #root}), by filefrag (e2fsprogs,
     * FIEMAP in bytes): an oracle of its own, not linkrescue's code. Syncs first.
     */
    public long deviceByteOf(Path file, long off) throws IOException {
        Commands.run(null, "sync");
        String out = new String(Commands.run(null, "filefrag", "-v", "-b1", file.toString()), StandardCharsets.ISO_8859_1);
        for (String line : out.split("\n")) {
            // "   0:        0..  303103:    9506816..   9809919: 303104:             last,eof"
            String[] f = line.trim().split("[:\\s.]+");
            if (f.length < 5 || !f[0].matches("\\d+")) continue;
            long ls = Long.parseLong(f[1]), le = Long.parseLong(f[2]), ps = Long.parseLong(f[3]);
            if (ls <= off && off <= le) return ps + (off - ls);
        }
        throw new IOException("filefrag has no extent for byte " + off + " of " + file + ":\n" + out);
    }

    /** Device bytes [start, start + length) will fail to read when ddrescue images the drive. */
    public DdrescueImage failSectors(long start, long length) {
        bad.add(new long[] {start, start + length});
        return this;
    }

    /**
     * Unmounts the drive, images it with ddrescue through a FUSE file that fails the chosen
     * bytes (ddrescueArgs: extra options), and mounts the copy read-only at {@link #mounted}.
     * The FUSE file is read directly: a read is answered short up to a failing byte, so
     * ddrescue finds the failing sectors exactly. Returns ddrescue's mapfile.
     */
    public Path rescue(String... ddrescueArgs) throws IOException {
        return rescue(true, ddrescueArgs);
    }

    /**
     * As {@link #rescue(String...)}, but the FUSE file is read through the page cache: a read
     * that meets a failing byte fails whole, page by page, as a drive fails a whole request; with
     * "-n" (no scraping) ddrescue then leaves the inside of a failed cluster non-scraped ('/').
     */
    public Path rescueFailingWholeRequests(String... ddrescueArgs) throws IOException {
        return rescue(false, ddrescueArgs);
    }

    private Path rescue(boolean directIo, String... ddrescueArgs) throws IOException {
        Commands.run(null, "sync");
        Commands.run(null, "umount", rwMount.toString());
        rwMounted = false;
        run("losetup", "-d", driveLoop);
        driveLoop = driveDevice = null;
        try (FaultFs fuse = FaultFs.mount(drive.getParent(), dir.resolve("fuse"), directIo)) {
            for (long[] b : bad)
                fuse.add(Fault.on(FaultFs.Op.READ).path("drive.img").bytes(partitionStart() + b[0], partitionStart() + b[1]).eio());
            List<String> cmd = new ArrayList<>(List.of("ddrescue", "-q"));
            cmd.addAll(List.of(ddrescueArgs));
            cmd.addAll(List.of(fuse.root().resolve("drive.img").toString(), rescuedImage.toString(), rescuedMap.toString()));
            Commands.run(dir, cmd.toArray(String[]::new));
        }
        rescuedLoop = (partitioned ? run("losetup", "-f", "--show", "-r", "-P", rescuedImage.toString())
                : run("losetup", "-f", "--show", "-r", rescuedImage.toString())).strip();
        Commands.run(null, "mount", "-o", "ro", device(rescuedLoop), roMount.toString());
        roMounted = true;
        FailingDrive.dropCaches();
        return rescuedMap;
    }

    /** The rescued copy's file system, mounted read-only: SOURCE for linkrescue. */
    public Path mounted() { return roMount; }

    public Path mapfile() { return rescuedMap; }

    public Path rescuedImage() { return rescuedImage; }

    /** The rescued copy's loop device (the whole image; its partition is this + "p1"). */
    public String rescuedLoop() { return rescuedLoop; }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Object[] m : new Object[][] {{rwMounted, rwMount}, {roMounted, roMount}}) {
            if (!(Boolean) m[0]) continue;
            try {
                run("umount", m[1].toString());
            } catch (IOException e) {
                try { run("umount", "-l", m[1].toString()); } catch (IOException e2) { if (first == null) first = e; }
            }
        }
        rwMounted = roMounted = false;
        for (String loop : new String[] {driveLoop, rescuedLoop}) {
            if (loop == null) continue;
            try { run("losetup", "-d", loop); } catch (IOException e) { if (first == null) first = e; }
        }
        driveLoop = rescuedLoop = null;
        Files.deleteIfExists(drive);
        Files.deleteIfExists(rescuedImage);
        if (first != null) throw first;
    }

    private static String run(String... cmd) throws IOException { return FailingDrive.run(cmd); }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
