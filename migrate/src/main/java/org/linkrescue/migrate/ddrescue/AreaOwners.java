package org.linkrescue.migrate.ddrescue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.linkrescue.migrate.ddrescue.ExtentScan.Unowned;
import org.linkrescue.migrate.fs.FsMap;

/**
 * Who holds each unrescued area: the files and directories the scan met cover parts of it
 * ({@link #cover}); what none covers is named by the file system's own map (GETFSMAP), where
 * it gives one. Only the parts of areas met are kept, so memory follows the damage, not the
 * tree.
 */
final class AreaOwners {
    private final UnrescuedAreas areas;
    /** Covered device bytes within unrescued areas: start -> end, merged. */
    private final TreeMap<Long, Long> covered = new TreeMap<>();

    AreaOwners(UnrescuedAreas areas) { this.areas = areas; }

    /** Device bytes [start, end) hold some file's or directory's bytes. */
    void cover(long start, long end) {
        for (UnrescuedAreas.Area a : areas.within(start, end)) add(a.start(), a.end());
    }

    private void add(long s, long e) {
        Map.Entry<Long, Long> before = covered.floorEntry(s);
        if (before != null && before.getValue() >= s) {
            s = before.getKey();
            e = Math.max(e, before.getValue());
        }
        Map.Entry<Long, Long> next = covered.ceilingEntry(s);
        while (next != null && next.getKey() <= e) {
            e = Math.max(e, next.getValue());
            covered.remove(next.getKey());
            next = covered.ceilingEntry(s);
        }
        covered.put(s, e);
    }

    /**
     * The parts of unrescued areas nothing covered, each split by the owner the file system
     * names (fsmap, in device order; null when it would not say, with why).
     */
    List<Unowned> unowned(List<FsMap.Record> fsmap, String noMapWhy) {
        List<Unowned> out = new ArrayList<>();
        for (UnrescuedAreas.Area a : areas.all()) {
            long p = a.start();
            Map.Entry<Long, Long> before = covered.lowerEntry(a.start()); // a covered stretch may start in the area before
            if (before != null) p = Math.max(p, Math.min(a.end(), before.getValue()));
            for (Map.Entry<Long, Long> c : covered.subMap(a.start(), true, a.end(), false).entrySet()) {
                if (c.getKey() > p) name(p, c.getKey(), a.status(), fsmap, noMapWhy, out);
                p = Math.max(p, c.getValue());
            }
            if (p < a.end()) name(p, a.end(), a.status(), fsmap, noMapWhy, out);
        }
        return out;
    }

    private static void name(long s, long e, BlockStatus status, List<FsMap.Record> fsmap, String noMapWhy, List<Unowned> out) {
        if (fsmap == null) {
            out.add(new Unowned(s, e, status, "not told (" + noMapWhy + ")", false));
            return;
        }
        long p = s;
        for (FsMap.Record r : fsmap) {
            if (r.end() <= p) continue;
            if (r.physical() >= e) break;
            if (r.physical() > p) { out.add(new Unowned(p, r.physical(), status, "not told by the file system", false)); p = r.physical(); }
            long t = Math.min(e, r.end());
            String owner = r.special() && r.owner() == 2 ? // ext4's, and XFS's without a reverse map, "unknown": in use
                    "in use, not by the data of any file or directory under SOURCE (the journal, a block map, a long"
                            + " symlink's target, an attribute block, or a file elsewhere on the file system)" : r.ownerName();
            Unowned last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == p && last.owner().equals(owner) && last.status() == status)
                out.set(out.size() - 1, new Unowned(last.start(), t, status, owner, r.free()));
            else out.add(new Unowned(p, t, status, owner, r.free()));
            p = t;
            if (p >= e) break;
        }
        if (p < e) out.add(new Unowned(p, e, status, "past the file system's map", false));
    }
}
