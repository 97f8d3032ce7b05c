package org.linkrescue.migrate.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A file system as statfs(2) tells it, at no cost to the drive (the kernel keeps these counts):
 * its type, bytes as blocks of {@code blockSize}, inodes (totalInodes 0: the file system makes
 * inodes as it needs them, btrfs says so, and none can run out first). The one statfs record:
 * the room check before a migrate, the progress line's estimate and the file system checks of
 * {@code --ddrescue-map} all read it.
 *
 * @param type f_type, a magic number (0xEF53 ext2/3/4, 0x01021994 tmpfs)
 * @param availableBlocks what an unprivileged writer may still use (root may use the reserve too)
 */
public record FsSpace(long type, long blockSize, long totalBlocks, long freeBlocks, long availableBlocks,
                      long totalInodes, long freeInodes, boolean readOnly) {
    private static final long ST_RDONLY = 1;

    /** struct statfs on x86_64 and aarch64: eight-byte fields, f_type at 0, f_frsize at 72, f_flags at 80. */
    static FsSpace parse(byte[] b) {
        ByteBuffer s = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        long bsize = s.getLong(8), frsize = s.getLong(72);
        return new FsSpace(s.getLong(0), frsize > 0 ? frsize : bsize, s.getLong(16), s.getLong(24), s.getLong(32),
                s.getLong(40), s.getLong(48), (s.getLong(80) & ST_RDONLY) != 0);
    }

    public long availableBytes() { return availableBlocks * blockSize; }

    public long usedBytes() { return (totalBlocks - freeBlocks) * blockSize; }

    public long usedInodes() { return totalInodes == 0 ? 0 : totalInodes - freeInodes; }

    /** Whether the file system counts inodes at all (a fixed table that can run out). */
    public boolean limitsInodes() { return totalInodes > 0; }
}
