package org.linkrescue.migrate.inventory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.migrate.ddrescue.ExtentScan;
import org.linkrescue.migrate.ddrescue.FileDamage;
import org.linkrescue.migrate.ddrescue.MappedRange;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * The inventory's damage map from a ddrescue mapfile (scan --ddrescue-map): each inode's lost
 * ranges from its extents, every path of it, and the unrescued areas no file holds. No data is
 * read. Damaged inodes are few and kept; the others only pass.
 */
final class MappedDamage {
    private final ExtentScan scan;
    private final Problems problems;
    private final Map<Key, DamagedInode> damaged = new LinkedHashMap<>();
    private final Map<Key, DamagedInode> unverifiable = new LinkedHashMap<>();
    private final List<DamagedDirectory> directories = new ArrayList<>();
    private List<ExtentScan.Unowned> unowned = List.of();

    private record Key(long dev, long ino) {}

    /** A directory whose own blocks (its entries) lie in unrescued areas: names may be missing from its listing. */
    record DamagedDirectory(byte[] path, List<ByteRange> ranges, List<String> reasons) {}

    MappedDamage(ExtentScan scan, Problems problems) {
        this.scan = scan;
        this.problems = problems;
    }

    ExtentScan scan() { return scan; }

    /** An inode met for the first time; true when the mapfile says some of its bytes are lost or unplaced. */
    boolean firstSight(ScannedPath p) {
        Stat st = p.stat();
        try {
            if (st.isDir()) {
                FileDamage d = scan.directory(p.parentFd(), p.name(), st);
                if (d != null && !d.lost().isEmpty())
                    directories.add(new DamagedDirectory(p.path(), d.lostRanges(), reasons(d.lost())));
                return false;
            }
            if (!st.isRegular()) return false;
            FileDamage d = scan.file(p.parentFd(), p.name(), st);
            Key k = new Key(st.devId(), st.ino());
            if (!d.lost().isEmpty())
                damaged.put(k, new DamagedInode(st.ino(), st.size(), st.mtimeSec(), st.mtimeNsec(),
                        new ArrayList<>(List.of(p.path())), d.lostRanges(), reasons(d.lost())));
            if (!d.unplaced().isEmpty())
                unverifiable.put(k, new DamagedInode(st.ino(), st.size(), st.mtimeSec(), st.mtimeNsec(),
                        new ArrayList<>(List.of(p.path())), d.unplacedRanges(), reasons(d.unplaced())));
            return !d.isEmpty();
        } catch (IOException e) {
            problems.report(Grade.FAILED, p.path(), "ddrescue map: " + e.getMessage());
            return false;
        }
    }

    /** One more path of an inode firstSight called damaged. */
    void laterPath(Stat st, byte[] path) {
        Key k = new Key(st.devId(), st.ino());
        DamagedInode d = damaged.get(k);
        if (d != null) d.paths().add(path);
        DamagedInode u = unverifiable.get(k);
        if (u != null) u.paths().add(path);
    }

    /** After the walk: names the unrescued areas no file or directory holds. */
    void finish(byte[] root) throws IOException {
        int fd = Posix.openDir(Posix.AT_FDCWD, root);
        try {
            unowned = scan.unowned(fd);
        } finally {
            Posix.close(fd);
        }
    }

    List<DamagedInode> damaged() { return new ArrayList<>(damaged.values()); }
    List<DamagedInode> unverifiable() { return new ArrayList<>(unverifiable.values()); }
    List<DamagedDirectory> directories() { return directories; }
    List<ExtentScan.Unowned> unowned() { return unowned; }

    /** Whether anything may be lost: a damaged or unverifiable file or directory, or an unrescued area in use. */
    boolean anyDamage() {
        return !damaged.isEmpty() || !unverifiable.isEmpty() || !directories.isEmpty()
                || unowned.stream().anyMatch(u -> !u.free());
    }

    private static List<String> reasons(List<MappedRange> rs) {
        List<String> out = new ArrayList<>();
        for (MappedRange r : rs) {
            String s = "bytes " + r.range() + ": " + r.reason();
            if (!out.contains(s)) out.add(s);
        }
        return out;
    }
}
