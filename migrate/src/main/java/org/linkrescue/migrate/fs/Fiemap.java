package org.linkrescue.migrate.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * FS_IOC_FIEMAP: where a file's bytes lie on its file system's device, asked of an open
 * descriptor (so the file is the inode the caller checked, never a name looked up again).
 * Extents come in batches; the next batch starts where the last one ended.
 */
public final class Fiemap {
    /** _IOWR('f', 11, struct fiemap): struct fiemap is 32 bytes, each fiemap_extent 56. */
    private static final long FS_IOC_FIEMAP = 0xC020660BL;
    private static final int HEAD = 32, EXTENT = 56, BATCH = 128;
    /** Flush dirty data first, so a file being written has places rather than "delalloc". */
    private static final int FIEMAP_FLAG_SYNC = 0x1;

    private Fiemap() {}

    /** Every extent of fd's file, in logical order. @throws PosixException e.g. EOPNOTSUPP where the file system has no FIEMAP */
    public static List<FileExtent> of(int fd) throws PosixException {
        List<FileExtent> out = new ArrayList<>();
        long start = 0;
        byte[] buf = new byte[HEAD + BATCH * EXTENT];
        while (true) {
            ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
            Arrays.fill(buf, (byte) 0);
            b.putLong(0, start).putLong(8, -1L /* FIEMAP_MAX_OFFSET */ - start).putInt(16, FIEMAP_FLAG_SYNC)
                    .putInt(24, BATCH);
            Posix.ioctl(fd, FS_IOC_FIEMAP, buf, "fiemap");
            int n = b.getInt(20);
            if (n == 0) return out;
            FileExtent last = null;
            for (int i = 0; i < n; i++) {
                int o = HEAD + i * EXTENT;
                last = new FileExtent(b.getLong(o), b.getLong(o + 8), b.getLong(o + 16), b.getInt(o + 40));
                out.add(last);
            }
            if (last.has(FileExtent.LAST) || n < BATCH || last.end() <= start) return out;
            start = last.end();
        }
    }
}
