package org.linkrescue.migrate.map;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.linkrescue.migrate.pipeline.Evacuation;

/**
 * The scan's link table as it stood after the last finished entry, kept on the checkpoint's
 * side from the scan's link events: which inodes of SOURCE have links still to come, and the
 * first path of each (or that it could not be read). It writes what changed into the map: an
 * inode's record when its first path is finished, a {@code closed} record when its last link
 * is; an inode opened and closed between two checkpoints costs the map nothing.
 */
final class LinkMirror {
    private static final class Open {
        final byte[] path;
        int remaining;
        boolean inMap;

        Open(byte[] path, int remaining, boolean inMap) {
            this.path = path;
            this.remaining = remaining;
            this.inMap = inMap;
        }
    }

    private final Map<MapState.InodeKey, Open> open = new HashMap<>();
    /** Opened since the last flush: written at the next one, if still open. */
    private final Map<MapState.InodeKey, Open> fresh = new LinkedHashMap<>();

    /** An inode the map had open when this run resumed it. */
    void seed(long dev, long ino, int remaining, byte[] firstPath) {
        open.put(new MapState.InodeKey(dev, ino), new Open(firstPath, remaining, true));
    }

    void apply(Evacuation.LinkEvent e, StringBuilder sb) {
        MapState.InodeKey k = new MapState.InodeKey(e.dev(), e.ino());
        switch (e.kind()) {
            case FIRST -> {
                Open o = new Open(e.path(), e.nlink() - 1, false);
                open.put(k, o);
                fresh.put(k, o);
            }
            case FAILED -> {
                Open o = open.get(k);
                if (o == null) return;
                Open f = new Open(null, o.remaining, false);
                open.put(k, f);
                if (o.inMap) {
                    f.inMap = true;
                    MapRecords.inode(sb, e.dev(), e.ino(), f.remaining, null);
                } else {
                    fresh.put(k, f);
                }
            }
            case LATER -> {
                Open o = open.get(k);
                if (o == null) return;
                if (--o.remaining > 0) return;
                open.remove(k);
                if (o.inMap) MapRecords.closed(sb, e.dev(), e.ino());
                else fresh.remove(k);
            }
        }
    }

    /** Writes the records of inodes opened since the last flush and still open. */
    void flush(StringBuilder sb) {
        for (Map.Entry<MapState.InodeKey, Open> x : fresh.entrySet()) {
            Open o = x.getValue();
            MapRecords.inode(sb, x.getKey().dev(), x.getKey().ino(), o.remaining, o.path);
            o.inMap = true;
        }
        fresh.clear();
    }

    /** Every open inode, for a compacted map. */
    void writeAll(StringBuilder sb) {
        for (Map.Entry<MapState.InodeKey, Open> x : open.entrySet()) {
            Open o = x.getValue();
            MapRecords.inode(sb, x.getKey().dev(), x.getKey().ino(), o.remaining, o.path);
            o.inMap = true;
        }
        fresh.clear();
    }
}
