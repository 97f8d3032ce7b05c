package org.linkrescue.testdata;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A REAL failing drive for integration tests (root only): a btrfs filesystem in an image file on
 * a loop device. The test fills it through {@link #root()} (files larger than 64 KiB, with
 * {@link #pattern} data so every 4 KiB block is unique), names blocks to break with
 * {@link #corruptBlock}, and calls {@link #breakBlocks()}: the filesystem is synced and
 * unmounted, one byte inside each named block is changed in the image, and it is mounted again
 * read-only. Reads of those blocks now fail with EIO (btrfs data checksum failure), a read that
 * spans one returns short where it starts, and every other block reads fine.
 *
 * Layout: {@code -d single -m dup}: data has exactly one copy (so the change cannot be repaired
 * from a second copy), metadata two (so the tree stays readable). Blocks are found in the image
 * by their bytes, which must occur exactly once at a 4 KiB-aligned position; data extents of an
 * uncompressed btrfs are stored as they are, and the check of uniqueness makes a wrong guess
 * impossible. Cleanup (umount, losetup -d, image deleted) runs in {@link #close}, also after a
 * failure half-way.
 */
public final class FailingDrive implements AutoCloseable {
    public static final int BLOCK = 4096;

    private final Path dir, image, mnt;
    private String loop;
    private boolean solidState;
    private boolean mounted;
    private final List<byte[]> toBreak = new ArrayList<>();
    /** Inode numbers of directories whose listing to break at the next {@link #breakBlocks}. */
    private final List<Long> listingsToBreak = new ArrayList<>();
    /** Metadata with one copy ({@link #createSingleMetadata}): a broken leaf stays broken. */
    private final boolean singleMetadata;

    /** Whether this process may build a failing drive (root, with btrfs tools and loop devices). */
    public static String unavailableReason() {
        try {
            if (!run("id", "-u").trim().equals("0")) return "needs root (loop device, mount)";
        } catch (IOException e) {
            return "cannot tell whether this is root: " + e.getMessage();
        }
        for (String tool : new String[] {"/usr/sbin/mkfs.btrfs", "/usr/sbin/losetup", "/usr/bin/mount", "/usr/bin/umount"}) {
            if (!Files.isExecutable(Path.of(tool)) && !Files.isExecutable(Path.of(tool.replace("/usr", ""))))
                return "needs " + Path.of(tool).getFileName() + " (btrfs-progs, util-linux)";
        }
        if (!Files.exists(Path.of("/dev/loop-control"))) return "needs loop devices (/dev/loop-control)";
        return null;
    }

    /** Makes a 256 MiB btrfs image under dir, attaches it to a free loop device, mounts it read-write. */
    public static FailingDrive create(Path dir) throws IOException {
        return create(dir, false);
    }

    /**
     * As {@link #create}, with metadata in one copy ({@code -m single}), so a metadata block
     * can be broken for good: see {@link #breakListing}.
     */
    public static FailingDrive createSingleMetadata(Path dir) throws IOException {
        return create(dir, true);
    }

    private static FailingDrive create(Path dir, boolean singleMetadata) throws IOException {
        FailingDrive d = new FailingDrive(dir, singleMetadata);
        try {
            d.setUp();
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private FailingDrive(Path dir, boolean singleMetadata) {
        this.dir = dir;
        this.singleMetadata = singleMetadata;
        this.image = dir.resolve("drive.img");
        this.mnt = dir.resolve("mnt");
    }

    private void setUp() throws IOException {
        Files.createDirectories(mnt);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(256L << 20);
        }
        run("mkfs.btrfs", "-q", "-f", "-d", "single", "-m", singleMetadata ? "single" : "dup", image.toString());
        loop = run("losetup", "-f", "--show", image.toString()).trim();
        run("mount", "-t", "btrfs", loop, mnt.toString());
        mounted = true;
    }

    /**
     * Makes the loop device say it does not rotate (sysfs lets root set it), as an SSD would:
     * a reader may then read two files of it at once without making it seek. {@link #close}
     * sets it back before the device is detached.
     */
    public void solidState() throws IOException {
        Files.writeString(rotationalFlag(), "0");
        solidState = true;
    }

    private Path rotationalFlag() {
        return Path.of("/sys/block", Path.of(loop).getFileName().toString(), "queue", "rotational");
    }

    /** The filesystem's root (read-write until {@link #breakBlocks}, read-only after). */
    public Path root() { return mnt; }

    /**
     * Data whose every 4 KiB block is unique: lines naming the tag and the offset. Give each
     * file its own tag, so its blocks can be found in the image.
     */
    public static byte[] pattern(String tag, int size) {
        byte[] out = new byte[size];
        for (int off = 0; off < size; off += 64) {
            byte[] line = String.format("%-47.47s %015d\n", "LRPAT " + tag, off).getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(line, 0, out, off, Math.min(64, size - off));
        }
        return out;
    }

    /**
     * Names the 4 KiB block of fileInImage holding offsetInFile to break at the next
     * {@link #breakBlocks}. Returns the block's first offset in the file. The block must be whole
     * (not the file's partial last block) and its bytes unique in the image.
     */
    public long corruptBlock(Path fileInImage, long offsetInFile) throws IOException {
        if (!mounted) throw new IllegalStateException("the drive is not mounted read-write");
        long start = offsetInFile / BLOCK * BLOCK;
        byte[] block = new byte[BLOCK];
        try (FileChannel ch = FileChannel.open(fileInImage, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(block);
            while (b.hasRemaining()) {
                if (ch.read(b, start + b.position()) < 0)
                    throw new IllegalArgumentException(fileInImage + ": block at " + start + " is not a whole block");
            }
        }
        toBreak.add(block);
        return start;
    }

    /**
     * Names a directory whose listing to break at the next {@link #breakBlocks} (a drive made by
     * {@link #createSingleMetadata}): one fs-tree leaf holding nothing but the directory's name
     * items, some of its index (DIR_INDEX, what getdents reads) among them, gets a changed byte,
     * so getdents of it fails with EIO, while the directory's own inode and every other
     * directory still read. The directory needs a few hundred names, for its index to fill a leaf of its
     * own (found with {@code btrfs inspect-internal dump-tree}).
     */
    public void breakListing(Path dirInImage) throws IOException {
        if (!singleMetadata) throw new IllegalStateException("metadata in two copies heals a broken leaf: use createSingleMetadata");
        listingsToBreak.add((Long) Files.getAttribute(dirInImage, "unix:ino"));
    }

    /** The logical address of a leaf of the fs tree holding only name items of directory ino, some of its index among them. */
    private long leafOfListing(long ino) throws IOException {
        String dump = run("btrfs", "inspect-internal", "dump-tree", "-t", "5", image.toString());
        Pattern leafLine = Pattern.compile("^leaf (\\d+) items (\\d+)");
        Pattern itemLine = Pattern.compile("item \\d+ key \\((\\d+) (\\S+) ");
        long leaf = -1, found = -1;
        int items = 0, names = 0, index = 0;
        for (String line : (dump + "\nleaf 0 items 0").split("\n")) {
            Matcher m = leafLine.matcher(line);
            if (m.find()) {
                // Only the directory's name items (DIR_ITEM, DIR_INDEX), some of its index among them:
                // not its inode item, nor anything of another inode.
                if (leaf >= 0 && items > 0 && names == items && index > 0) found = leaf;
                leaf = Long.parseLong(m.group(1));
                items = 0;
                names = 0;
                index = 0;
                continue;
            }
            m = itemLine.matcher(line);
            if (m.find()) {
                items++;
                if (!m.group(1).equals(Long.toString(ino))) continue;
                if (m.group(2).equals("DIR_INDEX")) { names++; index++; }
                else if (m.group(2).equals("DIR_ITEM")) names++;
            }
        }
        if (found < 0) throw new IOException("no leaf holds only the listing of inode " + ino + ": give the directory more names");
        return found;
    }

    /** Where logical address lies in the image file (one device, one copy). */
    private long physical(long logical) throws IOException {
        String out = run("btrfs-map-logical", "-l", Long.toString(logical), image.toString());
        Matcher m = Pattern.compile("mirror 1 logical \\d+ physical (\\d+)").matcher(out);
        if (!m.find()) throw new IOException("btrfs-map-logical said: " + out.strip());
        return Long.parseLong(m.group(1));
    }

    /**
     * Syncs and unmounts, changes one byte in the middle of every named block in the image,
     * mounts read-only and drops the page cache, so every read goes to the (now failing) image.
     */
    public void breakBlocks() throws IOException {
        run("sync");
        run("umount", mnt.toString());
        mounted = false;
        // the loop device reads the image through the page cache: write through the same file
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (byte[] block : toBreak) {
                long at = find(ch, block);
                ByteBuffer one = ByteBuffer.wrap(new byte[] {(byte) (block[BLOCK / 2] ^ 0x5a)});
                ch.write(one, at + BLOCK / 2);
            }
            ch.force(true);
        }
        toBreak.clear();
        for (long ino : listingsToBreak) {
            long at = physical(leafOfListing(ino)) + 2000; // inside the leaf, past its header: its checksum no longer fits
            try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                ch.read(one, at);
                one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
                ch.write(one, at);
                ch.force(true);
            }
        }
        listingsToBreak.clear();
        run("mount", "-t", "btrfs", "-o", "ro", loop, mnt.toString());
        mounted = true;
        dropCaches();
    }

    /** Asks the kernel to forget cached file data, so the next read goes to the drive. */
    public static void dropCaches() throws IOException {
        run("sync");
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
    }

    /** The one 4 KiB-aligned position of block in the image. */
    private static long find(FileChannel ch, byte[] block) throws IOException {
        long size = ch.size(), found = -1;
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        byte[] arr = buf.array();
        for (long off = 0; off < size; off += arr.length) {
            buf.clear();
            while (buf.hasRemaining() && ch.read(buf, off + buf.position()) > 0) { /* fill */ }
            for (int i = 0; i + BLOCK <= buf.position(); i += BLOCK) {
                if (arr[i] == block[0] && Arrays.equals(arr, i, i + BLOCK, block, 0, BLOCK)) {
                    if (found >= 0) throw new IOException("block found twice in the image (at " + found + " and " + (off + i)
                            + "): give each file its own pattern");
                    found = off + i;
                }
            }
        }
        if (found < 0) throw new IOException("block not found in the image (compressed or inline?): files must be > 64 KiB");
        return found;
    }

    /** Unmounts, detaches and deletes the image; safe to call twice and after a failed set-up. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        if (mounted) {
            try { run("umount", mnt.toString()); mounted = false; } catch (IOException e) {
                try { run("umount", "-l", mnt.toString()); mounted = false; } catch (IOException e2) { first = e; }
            }
        }
        if (loop != null && solidState) {
            try { Files.writeString(rotationalFlag(), "1"); solidState = false; } catch (IOException e) { if (first == null) first = e; }
        }
        if (loop != null) {
            try { run("losetup", "-d", loop); loop = null; } catch (IOException e) { if (first == null) first = e; }
        }
        Files.deleteIfExists(image);
        if (first != null) throw first;
    }

    /** Runs a command; returns its output; throws with its output when it fails. */
    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.trim());
        return out;
    }
}
