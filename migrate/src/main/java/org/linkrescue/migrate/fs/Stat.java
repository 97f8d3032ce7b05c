package org.linkrescue.migrate.fs;

/**
 * What statx(2) says of one inode. dev and rdev are kept as major/minor pairs, the form tar
 * headers carry; {@link #devId()} packs dev for use as a map key.
 */
public record Stat(int devMajor, int devMinor, long ino, int mode, int nlink, int uid, int gid,
                   long size, long blocks, int rdevMajor, int rdevMinor,
                   long mtimeSec, int mtimeNsec, long atimeSec, int atimeNsec,
                   long ctimeSec, int ctimeNsec) {

    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000,
            S_IFREG = 0100000, S_IFBLK = 060000, S_IFDIR = 040000, S_IFCHR = 020000,
            S_IFIFO = 010000;

    public int type() { return mode & S_IFMT; }
    /** Permission bits with setuid, setgid and sticky. */
    public int perm() { return mode & 07777; }
    public boolean isDir() { return type() == S_IFDIR; }
    public boolean isRegular() { return type() == S_IFREG; }
    public boolean isSymlink() { return type() == S_IFLNK; }
    public long devId() { return ((long) devMajor << 32) | (devMinor & 0xffffffffL); }

    /** Parses the 256-byte struct statx (same layout on every architecture). */
    static Stat parse(byte[] b) {
        return new Stat(
                i32(b, 136), i32(b, 140), i64(b, 32),
                u16(b, 28), i32(b, 16), i32(b, 20), i32(b, 24),
                i64(b, 40), i64(b, 48), i32(b, 128), i32(b, 132),
                i64(b, 112), i32(b, 120), i64(b, 64), i32(b, 72),
                i64(b, 96), i32(b, 104));
    }

    private static int u16(byte[] b, int o) { return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8; }
    private static int i32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }
    private static long i64(byte[] b, int o) {
        return (i32(b, o) & 0xffffffffL) | ((long) i32(b, o + 4)) << 32;
    }
}
