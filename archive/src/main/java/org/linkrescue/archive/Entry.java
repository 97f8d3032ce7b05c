package org.linkrescue.archive;

import java.util.Map;
import java.util.Objects;

/**
 * One entry of the stream: the metadata of one path, as a tar header carries it and as a disk
 * sink recreates it. Names, link targets and user/group names are raw bytes, never decoded.
 *
 * @param path       relative path, '/'-separated, no leading "./" and no trailing '/';
 *                   the root of the tree is the single byte "."
 * @param mode       permission bits including setuid, setgid and sticky (07777)
 * @param size       data bytes that follow (FILE only; 0 for every other type)
 * @param linkTarget symlink target (SYMLINK) or the path of the earlier entry (HARDLINK)
 * @param extra      PAX records of our own namespace ("LINKRESCUE.*") and any others the reader
 *                   kept (e.g. "SCHILY.xattr.*"), values as raw bytes; never null
 */
public record Entry(byte[] path, EntryType type, int mode, int uid, int gid, byte[] uname,
                    byte[] gname, long size, long mtimeSec, int mtimeNsec, byte[] linkTarget,
                    int devMajor, int devMinor, Map<String, byte[]> extra) {

    public static final byte[] EMPTY = new byte[0];

    public Entry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        if (uname == null) uname = EMPTY;
        if (gname == null) gname = EMPTY;
        if (linkTarget == null) linkTarget = EMPTY;
        if (extra == null) extra = Map.of();
        if (size < 0) throw new IllegalArgumentException("negative size " + size + " for " + Names.display(path));
        if (type != EntryType.FILE && size != 0)
            throw new IllegalArgumentException(type + " entry " + Names.display(path) + " with size " + size);
    }

    public boolean isRoot() { return path.length == 1 && path[0] == '.'; }

    public Entry withExtra(Map<String, byte[]> more) {
        return new Entry(path, type, mode, uid, gid, uname, gname, size, mtimeSec, mtimeNsec,
                linkTarget, devMajor, devMinor, more);
    }

    public Entry withPath(byte[] p) {
        return new Entry(p, type, mode, uid, gid, uname, gname, size, mtimeSec, mtimeNsec,
                linkTarget, devMajor, devMinor, extra);
    }

    /** A hard-link entry to target, with this entry's metadata (tar repeats it; size is 0). */
    public Entry asHardLinkTo(byte[] target) {
        return new Entry(path, EntryType.HARDLINK, mode, uid, gid, uname, gname, 0, mtimeSec,
                mtimeNsec, target, devMajor, devMinor, extra);
    }

    @Override public String toString() { return type + " " + Names.display(path); }
}
