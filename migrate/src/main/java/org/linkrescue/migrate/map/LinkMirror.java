package org.linkrescue.migrate.map;

import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.scan.InodeTable;

/**
 * The scan's link table as it stood after the last finished entry, kept on the checkpoint's
 * side from the scan's link events: which inodes of SOURCE have links still to come, and the
 * first path of each (or that it could not be read). It writes what changed into the map: an
 * inode's record when its first path is finished, a {@code closed} record when its last link
 * is; an inode opened and closed between two checkpoints costs the map nothing.
 *
 * <p>The scan tells an inode's first path and its last, not the links between (a link farm's
 * paths are nearly all such): the links to come that a record gives are those its first path
 * left, at least as many as are left. A resumed scan seeded with that many links an inode's
 * later paths all the same, and keeps it in its table a little longer (until the run ends, for
 * one whose last link came before the stop).
 */
final class LinkMirror {
    private static final class Open {
        final long dev, ino;
        byte[] path;
        int remaining;
        boolean inMap;
        /** All its links met before it went into the map: nothing to write. */
        boolean closed;

        Open(long dev, long ino, byte[] path, int remaining, boolean inMap) {
            this.dev = dev;
            this.ino = ino;
            this.path = path;
            this.remaining = remaining;
            this.inMap = inMap;
        }
    }

    private final InodeTable<Open> open = new InodeTable<>();
    /** Opened since the last flush, in the order met: written at the next one, if still open. */
    private final List<Open> fresh = new ArrayList<>();

    /** An inode the map had open when this run resumed it. */
    void seed(long dev, long ino, int remaining, byte[] firstPath) {
        open.put(dev, ino, new Open(dev, ino, firstPath, remaining, true));
    }

    /** One change to the scan's table; records of inodes the map holds go to sb at once. */
    void apply(Evacuation.LinkChange change, long dev, long ino, int nlink, byte[] path, StringBuilder sb) {
        switch (change) {
            case FIRST -> {
                Open o = new Open(dev, ino, path, nlink - 1, false);
                Open before = open.get(dev, ino);
                if (before != null && !before.inMap) before.closed = true; // this one's record stands for it
                open.put(dev, ino, o);
                fresh.add(o);
            }
            case FAILED -> {
                Open o = open.get(dev, ino);
                if (o == null) return;
                o.path = null;
                if (o.inMap) MapRecords.inode(sb, o.dev, o.ino, o.remaining, null);
            }
            case CLOSED -> {
                Open o = open.get(dev, ino);
                if (o == null) return;
                open.remove(dev, ino);
                if (o.inMap) MapRecords.closed(sb, o.dev, o.ino);
                else o.closed = true;
            }
        }
    }

    /** Writes the records of inodes opened since the last flush and still open. */
    void flush(StringBuilder sb) {
        for (Open o : fresh) {
            if (o.closed) continue;
            MapRecords.inode(sb, o.dev, o.ino, o.remaining, o.path);
            o.inMap = true;
        }
        fresh.clear();
    }
}
