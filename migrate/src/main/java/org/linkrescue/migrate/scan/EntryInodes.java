package org.linkrescue.migrate.scan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.linkrescue.migrate.fs.MountInfo;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;

/**
 * When a directory entry may stand for an lstat: a name whose entry (getdents' d_ino and d_type)
 * names an inode the scan has already looked up through another of its links is that inode
 * again, and its lstat would only say so once more. On a snapshot farm that is four paths in
 * five (178,530 of 227,783 on the 10-snapshot metadata tree): as many statx calls saved, each a
 * hand-off's share of the drive's worker, and none of them a read a dying drive has to answer.
 *
 * <p>Trusted only where the entry's inode number is the inode's own: on file systems known to
 * store it so (ext2/3/4, XFS, btrfs, tmpfs, F2FS, found by device in mountinfo; not FUSE,
 * overlayfs or network file systems, which may number entries and inodes apart); for the
 * device its directory's other names were looked up on; never for a directory (a mount point's
 * entry names the directory below it) or a name some mount point in this system ends in (a file
 * bind-mounted over another); and no longer, for the whole run, once one lstat disagreed with
 * its entry. Nothing here asks the drive anything.
 */
final class EntryInodes {
    /** File system types (mountinfo) whose entries carry the inode's own number. */
    private static final Set<String> TRUSTED = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs");

    private final byte[][] mountNames;
    private final Set<Long> trustedDevices;
    private volatile boolean disagreed;

    EntryInodes() { this(Path.of("/proc/self/mountinfo")); }

    EntryInodes(Path mountinfo) {
        List<byte[]> names = new ArrayList<>();
        Set<Long> devices = new HashSet<>();
        for (MountInfo m : MountInfo.read(mountinfo)) {
            byte[] name = m.lastName();
            if (name.length > 0) names.add(name);
            if (TRUSTED.contains(m.type())) devices.add(m.device());
        }
        mountNames = names.toArray(new byte[0][]);
        trustedDevices = devices;
    }

    /**
     * Whether the entries of a directory whose other names were found on device dev (a
     * {@link Stat#devId}) may stand for lstats there.
     */
    boolean trusts(long dev) { return !disagreed && trustedDevices.contains(dev); }

    /**
     * Whether st, found by an lstat of name, tells the device its directory's entries are on:
     * not a directory (it may be a mount point or a btrfs subvolume), not a mount point's name.
     */
    boolean showsDevice(byte[] name, Stat st) { return st != null && !st.isDir() && !isMountName(name); }

    /** Whether an entry of this name and d_type may stand for an lstat (in a trusted directory). */
    boolean mayStandFor(byte[] name, byte type) {
        return !disagreed && type != Posix.DT_UNKNOWN && type != Posix.DT_DIR && !isMountName(name);
    }

    private boolean isMountName(byte[] name) {
        for (byte[] m : mountNames)
            if (m.length == name.length && Arrays.equals(m, name)) return true;
        return false;
    }

    /** Whether st, the inode kept for an entry of this d_type, is of that type (S_IFMT >> 12 is d_type). */
    static boolean sameType(Stat st, byte type) { return (st.mode() >>> 12 & 017) == type; }

    /** An lstat made anyway: when it disagrees with its entry, no entry stands for one again. */
    void check(long entryIno, byte type, Stat st) {
        if (st == null || type == Posix.DT_UNKNOWN || st.isDir()) return;
        if (st.ino() != entryIno || !sameType(st, type)) disagreed = true;
    }

    boolean disagreed() { return disagreed; }
}
