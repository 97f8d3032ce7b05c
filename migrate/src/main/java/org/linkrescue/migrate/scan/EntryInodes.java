package org.linkrescue.migrate.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
        byte[] all;
        try {
            all = Files.readAllBytes(mountinfo);
        } catch (IOException e) {
            all = new byte[0];
        }
        int line = 0;
        while (line < all.length) {
            int end = line;
            while (end < all.length && all[end] != '\n') end++;
            readMount(all, line, end, names, devices);
            line = end + 1;
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

    /**
     * One line of mountinfo: "id parent major:minor root point options ... - type source ...".
     * The mount point's last name goes into names; the device into devices when its type is trusted.
     */
    private static void readMount(byte[] all, int from, int to, List<byte[]> names, Set<Long> devices) {
        byte[] point = field(all, from, to, 4);
        if (point == null) return;
        int slash = point.length - 1;
        while (slash >= 0 && point[slash] != '/') slash--;
        if (slash < point.length - 1) names.add(Arrays.copyOfRange(point, slash + 1, point.length));
        String line = new String(all, from, to - from, StandardCharsets.ISO_8859_1);
        int dash = line.indexOf(" - ");
        byte[] dev = field(all, from, to, 2);
        if (dash < 0 || dev == null) return;
        String type = line.substring(dash + 3).split(" ", 2)[0];
        String[] mm = new String(dev, StandardCharsets.ISO_8859_1).split(":");
        if (!TRUSTED.contains(type) || mm.length != 2) return;
        try {
            devices.add(Long.parseLong(mm[0]) << 32 | (Long.parseLong(mm[1]) & 0xffffffffL));
        } catch (NumberFormatException e) {
            // not a device number: nothing on it is trusted
        }
    }

    /** Field n (from 0, space-separated) of all[from, to), its \ooo escapes undone; null when the line is shorter. */
    private static byte[] field(byte[] all, int from, int to, int n) {
        int i = from;
        for (int f = 0; f < n; f++) {
            while (i < to && all[i] != ' ') i++;
            if (i >= to) return null;
            i++;
        }
        byte[] out = new byte[to - i];
        int len = 0;
        while (i < to && all[i] != ' ') {
            if (all[i] == '\\' && i + 3 < to) {
                out[len++] = (byte) ((all[i + 1] - '0') << 6 | (all[i + 2] - '0') << 3 | (all[i + 3] - '0'));
                i += 4;
            } else {
                out[len++] = all[i++];
            }
        }
        return Arrays.copyOf(out, len);
    }
}
