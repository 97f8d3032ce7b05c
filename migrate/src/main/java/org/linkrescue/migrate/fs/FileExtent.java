package org.linkrescue.migrate.fs;

/**
 * One extent of a file as FS_IOC_FIEMAP gives it: bytes [logical, logical + length) of the file
 * lie at [physical, physical + length) of the file system's block device, unless the flags say
 * otherwise (linux/fiemap.h). Holes between extents hold no bytes on the device.
 */
public record FileExtent(long logical, long physical, long length, int flags) {
    public static final int LAST = 0x1, UNKNOWN = 0x2, DELALLOC = 0x4, ENCODED = 0x8, DATA_ENCRYPTED = 0x80,
            NOT_ALIGNED = 0x100, DATA_INLINE = 0x200, DATA_TAIL = 0x400, UNWRITTEN = 0x800, MERGED = 0x1000,
            SHARED = 0x2000;

    public boolean has(int flag) { return (flags & flag) != 0; }

    public long end() { return logical + length; }

    /** "unwritten,shared": the flags by their names, for a report. */
    public String flagNames() {
        String[] names = {"last", "unknown", "delalloc", "encoded", "", "", "", "encrypted", "not-aligned",
                "inline", "tail", "unwritten", "merged", "shared"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0 && !names[i].isEmpty()) b.append(b.length() == 0 ? "" : ",").append(names[i]);
        }
        int unknownBits = flags & ~0x3f8f;
        if (unknownBits != 0) b.append(b.length() == 0 ? "" : ",").append("0x").append(Integer.toHexString(unknownBits));
        return b.toString();
    }
}
