package org.linkrescue.migrate.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * FS_IOC_GETFSMAP (linux/fsmap.h; ext4 and XFS): who owns each part of a file system's device,
 * as the file system itself says. ext4 names its fixed metadata (superblocks, group
 * descriptors, bitmaps, inode tables) and free space, and calls every other block in use
 * "unknown"; XFS names its metadata and free space, and the owning inode of every block only
 * when it keeps a reverse map (mkfs.xfs -m rmapbt=1). XFS asks for CAP_SYS_ADMIN.
 */
public final class FsMap {
    /** _IOWR('X', 59, struct fsmap_head): the head is 192 bytes (two keys included), each record 64. */
    private static final long FS_IOC_GETFSMAP = 0xC0C0583BL;
    private static final int HEAD = 64, REC = 64, BATCH = 256;
    public static final int OF_PREALLOC = 0x1, OF_ATTR_FORK = 0x2, OF_EXTENT_MAP = 0x4, OF_SHARED = 0x8,
            OF_SPECIAL_OWNER = 0x10, OF_LAST = 0x20;

    /** One record: bytes [physical, physical + length) of the device belong to owner. */
    public record Record(int device, int flags, long physical, long owner, long offset, long length) {
        public long end() { return physical + length; }

        public boolean special() { return (flags & OF_SPECIAL_OWNER) != 0; }

        /** "free space", "inode table", ... for a special owner; "inode N (its data)" and the like otherwise. */
        public String ownerName() {
            if (!special()) {
                String part = (flags & OF_EXTENT_MAP) != 0 ? "its block map" : (flags & OF_ATTR_FORK) != 0 ? "its extended attributes"
                        : (flags & OF_PREALLOC) != 0 ? "preallocated, unwritten" : "its data at byte " + offset;
                return "inode " + owner + " (" + part + ")";
            }
            int type = (int) (owner >>> 32), code = (int) owner;
            return switch (type) {
                case 0 -> switch (code) {
                    case 1 -> "free space";
                    case 2 -> "in use (the file system does not say by what)";
                    case 3 -> "file system metadata";
                    default -> "special owner 0:" + code;
                };
                case 'X' -> switch (code) {
                    case 1 -> "static file system metadata (superblock)";
                    case 2 -> "journal";
                    case 3 -> "allocation group metadata";
                    case 4 -> "inode btree";
                    case 5 -> "inode table (the inodes' own metadata)";
                    case 6 -> "reference count btree";
                    case 7 -> "copy-on-write staging";
                    case 8 -> "blocks the file system knows are bad";
                    default -> "special owner X:" + code;
                };
                case 'f' -> switch (code) {
                    case 1 -> "group descriptors";
                    case 2 -> "reserved group descriptors";
                    case 3 -> "block bitmap";
                    case 4 -> "inode bitmap";
                    default -> "special owner f:" + code;
                };
                default -> "special owner " + type + ":" + code;
            };
        }

        public boolean free() { return special() && owner == 1; }
    }

    private FsMap() {}

    /** Every record of the file system fd's file is on, in device order. */
    public static List<Record> of(int fd) throws PosixException {
        List<Record> out = new ArrayList<>();
        byte[] buf = new byte[HEAD + 2 * REC + BATCH * REC];
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        int high = HEAD + REC; // the high key: everything (its length stays 0: XFS refuses a key of length ~0 with EINVAL)
        b.putInt(high, -1).putInt(high + 4, -1).putLong(high + 8, -1).putLong(high + 16, -1).putLong(high + 24, -1);
        while (true) {
            b.putInt(0, 0).putInt(4, 0).putInt(8, BATCH).putInt(12, 0);
            Posix.ioctl(fd, FS_IOC_GETFSMAP, buf, "getfsmap");
            int n = b.getInt(12);
            if (n == 0) return out;
            int recs = HEAD + 2 * REC;
            Record last = null;
            for (int i = 0; i < n; i++) {
                int o = recs + i * REC;
                last = new Record(b.getInt(o), b.getInt(o + 4), b.getLong(o + 8), b.getLong(o + 16), b.getLong(o + 24), b.getLong(o + 32));
                out.add(last);
            }
            if ((last.flags() & OF_LAST) != 0) return out;
            System.arraycopy(buf, recs + (n - 1) * REC, buf, HEAD, REC); // fsmap_advance: the low key is the last record
        }
    }
}
