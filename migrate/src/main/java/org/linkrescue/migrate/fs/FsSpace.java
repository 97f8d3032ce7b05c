package org.linkrescue.migrate.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

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
    /** statfs f_type of file systems that may store file data compressed: btrfs, ZFS, bcachefs, F2FS. */
    private static final Set<Long> COMPRESSING = Set.of(0x9123683EL, 0x2FC12FC1L, 0xCA451A4EL, 0xF2F52010L);

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

    /** Whether file data may take less room here than its size (compression): blocks in use then say less than the data. */
    public boolean mayCompress() { return COMPRESSING.contains(type); }

    /** Free bytes for this process: root may fill the reserve too. */
    public long freeBytesFor(boolean root) { return (root ? freeBlocks : availableBlocks) * blockSize; }

    /**
     * The file system a path is or would be created on: the path's own, or the nearest
     * existing directory's above it.
     */
    public static FsSpace ofNearest(byte[] path) throws PosixException {
        byte[] p = path;
        while (true) {
            int fd;
            try {
                fd = Posix.openat(Posix.AT_FDCWD, p, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            } catch (PosixException e) {
                byte[] up = Nesting.parent(p);
                if (e.errno() != Errno.ENOENT || up == null) throw e;
                p = up;
                continue;
            }
            try {
                return Posix.fsSpace(fd);
            } finally {
                Posix.close(fd);
            }
        }
    }
}
