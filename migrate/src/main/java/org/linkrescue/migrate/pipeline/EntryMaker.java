package org.linkrescue.migrate.pipeline;

import java.util.HashMap;
import java.util.Map;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.ScannedPath;

/**
 * Turns what the scan saw of a path into the entry both sinks consume. User and group names are
 * looked up once per id (a tree has few owners and millions of paths). Not thread-safe: one
 * scan, one maker.
 */
public final class EntryMaker {
    private final IdNames users = new IdNames(true);
    private final IdNames groups = new IdNames(false);

    /** The entry for p, or null for a kind of file tar cannot carry (a socket). */
    public Entry make(ScannedPath p) {
        Stat st = p.stat();
        EntryType type = typeOf(st);
        if (type == null) return null;
        boolean device = isDevice(type);
        return new Entry(p.path(), type, st.perm(), st.uid(), st.gid(), users.name(st.uid()), groups.name(st.gid()),
                type == EntryType.FILE ? st.size() : 0, st.mtimeSec(), st.mtimeNsec(),
                type == EntryType.SYMLINK ? p.linkTarget() : null, device ? st.rdevMajor() : 0, device ? st.rdevMinor() : 0,
                Map.of());
    }

    /** Whether a path of this kind becomes an entry (not a socket). */
    public static boolean carried(Stat st) { return typeOf(st) != null; }

    /**
     * The entry for a later path of an inode whose first path is target: what {@code
     * make(p).asHardLinkTo(target)} gives, made once (a link farm's paths are nearly all such).
     */
    public Entry makeLink(ScannedPath p, byte[] target) {
        Stat st = p.stat();
        boolean device = isDevice(typeOf(st));
        return new Entry(p.path(), EntryType.HARDLINK, st.perm(), st.uid(), st.gid(), users.name(st.uid()), groups.name(st.gid()),
                0, st.mtimeSec(), st.mtimeNsec(), target, device ? st.rdevMajor() : 0, device ? st.rdevMinor() : 0, Map.of());
    }

    /** The entry type of a kind of file, or null for one tar cannot carry (a socket). */
    private static EntryType typeOf(Stat st) {
        return switch (st.type()) {
            case Stat.S_IFREG -> EntryType.FILE;
            case Stat.S_IFDIR -> EntryType.DIRECTORY;
            case Stat.S_IFLNK -> EntryType.SYMLINK;
            case Stat.S_IFIFO -> EntryType.FIFO;
            case Stat.S_IFCHR -> EntryType.CHAR_DEVICE;
            case Stat.S_IFBLK -> EntryType.BLOCK_DEVICE;
            default -> null;
        };
    }

    private static boolean isDevice(EntryType t) { return t == EntryType.CHAR_DEVICE || t == EntryType.BLOCK_DEVICE; }

    /** Names per numeric id, remembered; the last id asked for is answered without a lookup. */
    private static final class IdNames {
        private final boolean users;
        private final HashMap<Integer, byte[]> known = new HashMap<>();
        private int lastId = Integer.MIN_VALUE;
        private byte[] lastName;

        IdNames(boolean users) { this.users = users; }

        byte[] name(int id) {
            if (id == lastId) return lastName;
            byte[] n = known.get(id);
            if (n == null) {
                String s = users ? Posix.userName(id) : Posix.groupName(id);
                // Under the Latin-1 locale the String maps byte for char to what /etc/passwd holds.
                n = s == null ? Entry.EMPTY : Names.bytes(s);
                known.put(id, n);
            }
            lastId = id;
            lastName = n;
            return n;
        }
    }
}
