package org.linkrescue.migrate.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Directory metadata held back until the end. A directory is made 0700 and filled first; its own
 * mode (it may be read-only), owner and mtime (every entry made in it changes the mtime) can only
 * be set when nothing more goes into it. {@link #inApplyOrder} gives deepest first, so a
 * directory that ends up closed is never needed again to reach a child; among equal depths
 * arrival order, so a later entry for the same directory wins over an earlier one (and an
 * explicit entry over the default given to a directory made only because a child needed it).
 * Memory is proportional to the number of directories.
 */
final class DirFixups {
    /** Mode given to a directory that no entry describes, as GNU tar does under umask 022. */
    static final int IMPLICIT_MODE = 0755;

    /**
     * @param explicit false for a directory made only because an entry below needed it: it gets
     *                 {@link #IMPLICIT_MODE} and keeps its owner and times
     */
    record Fixup(byte[] path, int depth, boolean explicit, int mode, int uid, int gid,
                 long mtimeSec, int mtimeNsec) {}

    private final List<Fixup> queue = new ArrayList<>();

    void explicit(byte[] path, int depth, int mode, int uid, int gid, long mtimeSec, int mtimeNsec) {
        queue.add(new Fixup(path, depth, true, mode & 07777, uid, gid, mtimeSec, mtimeNsec));
    }

    void implicit(byte[] path, int depth) {
        queue.add(new Fixup(path, depth, false, IMPLICIT_MODE, -1, -1, 0, 0));
    }

    int size() { return queue.size(); }

    /** Deepest first; equal depths in arrival order. Sorting packed longs avoids boxing. */
    List<Fixup> inApplyOrder() {
        int n = queue.size();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) (Integer.MAX_VALUE - queue.get(i).depth()) << 32) | i;
        }
        Arrays.sort(keys);
        List<Fixup> out = new ArrayList<>(n);
        for (long k : keys) out.add(queue.get((int) k));
        return out;
    }

    void clear() { queue.clear(); }
}
