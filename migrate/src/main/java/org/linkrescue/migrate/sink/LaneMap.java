package org.linkrescue.migrate.sink;

import java.util.Arrays;

/**
 * Which lane makes each entry, and what it must wait for, so that several lanes together make
 * exactly the tree one thread would, in the stream's order as far as anyone can tell. Used by
 * the one thread that hands entries out ({@link Lanes}); entries are numbered in stream order.
 *
 * <p>The rule: everything that happens in one directory happens on one lane, in stream order.
 * Each directory an entry made is known here with its lane: its own mkdir ran there, and every
 * non-directory entry inside it goes there. A subdirectory gets the lane with the least to do
 * when its entry comes (so the leaves of a snapshot tree, and the snapshots, spread over the
 * lanes), and its mkdir first waits until the lane of its parent has made every entry it was
 * given in that parent before (its parent exists, and a same-named entry before it made its
 * name exists). A non-directory entry whose name is a known directory waits for that
 * directory's lane likewise. A hard link waits until the lane of its target's directory has made
 * every entry it was given there before the link (its target among them); the link tables then
 * refuse a target made after the link ({@link LinkTargets}).
 *
 * <p>A directory nobody made by an entry (a stream without directory entries) is not known: an
 * entry below it goes to the lane of its deepest known ancestor, as if it were in that
 * directory, since it may make the missing levels there. So such a stream is made on one lane,
 * in order, as one thread would.
 *
 * <p>Memory: a known directory stays known while its lane may still have work in it; past
 * {@code maxKnown}, directories whose lanes are done with them are forgotten (an entry in a
 * forgotten directory is then placed like one in an unknown directory, which is safe because
 * everything before it there is made).
 */
final class LaneMap {
    /** How much each lane has still to do: dispatched and not yet made. */
    interface Load {
        long pending(int lane);

        /** The number of the last entry the lane has made (entries are made in order on a lane). */
        long done(int lane);
    }

    /** A known directory: the lane that made it and makes its entries, and the last entry given to it there. */
    private static final class Dir {
        int lane;
        long last;

        Dir(int lane, long last) {
            this.lane = lane;
            this.last = last;
        }
    }

    // The answer of the last place(): its lane and up to two waits (lane -1: none).
    int lane;
    int waitLane1, waitLane2;
    long waitSeq1, waitSeq2;

    private final int lanes;
    private final Load load;
    private final int maxKnown;
    private final Dir root;
    private DirTable known = new DirTable(64);
    private int sweepAt;
    private int turn;
    // The parent of the last entry placed (consecutive entries share it): no hashing then.
    private byte[] lastParent;
    private int lastParentLen = -1;
    private Dir lastParentDir;

    LaneMap(int lanes, Load load, int maxKnown) {
        if (lanes < 1 || maxKnown < 1) throw new IllegalArgumentException(lanes + " lanes, " + maxKnown + " directories");
        this.lanes = lanes;
        this.load = load;
        this.maxKnown = maxKnown;
        this.sweepAt = maxKnown;
        this.root = new Dir(0, -1);
    }

    /**
     * Places the entry numbered seq at p (null: a path the lane will refuse), a directory or not;
     * target: a hard link's target (null: not a link, or one the lane will refuse). The answer is
     * in {@link #lane} and the waits.
     */
    void place(long seq, SafePath p, boolean isDir, SafePath target) {
        waitLane1 = waitLane2 = -1;
        if (p == null || p.isRoot()) {
            lane = root.lane;
            root.last = seq;
            return;
        }
        int n = p.count();
        byte[] b = p.bytes();
        int parentLen = n == 1 ? 0 : p.end(n - 2);
        Dir parent = parentOf(b, parentLen);
        Dir owner = parent != null ? parent : deepestKnown(p, n - 2);
        int fullLen = p.end(n - 1);
        Dir self = known.get(b, fullLen);
        if (isDir && parent != null) {
            if (self == null) {
                self = new Dir(leastLoaded(), seq);
                add(b, fullLen, self);
            } else {
                self.last = seq;
            }
            lane = self.lane;
            if (owner.lane != lane) waitFor(owner.lane, owner.last); // its name is made in its parent
        } else {
            lane = owner.lane;
            owner.last = seq;
            if (self != null) {
                if (self.lane != lane) waitFor(self.lane, self.last);
                if (isDir) { // below an unknown directory: it moves to this lane, after all it had elsewhere
                    self.lane = lane;
                    self.last = seq;
                }
            } else if (isDir) {
                add(b, fullLen, new Dir(lane, seq));
            }
        }
        if (target != null && !target.isRoot()) {
            int tn = target.count();
            Dir holder = tn == 1 ? root : known.get(target.bytes(), target.end(tn - 2));
            if (holder == null) holder = deepestKnown(target, tn - 2);
            if (holder.lane != lane) waitFor(holder.lane, holder.last);
        }
    }

    /** Directories known now (for tests of the bound). */
    int knownCount() { return known.size; }

    private Dir parentOf(byte[] b, int len) {
        if (len == 0) return root;
        if (len == lastParentLen && Arrays.equals(lastParent, 0, len, b, 0, len)) return lastParentDir;
        Dir d = known.get(b, len);
        if (d != null) {
            lastParent = b;
            lastParentLen = len;
            lastParentDir = d;
        }
        return d;
    }

    /** The deepest known directory among p's first levels components, their prefixes, and the root. */
    private Dir deepestKnown(SafePath p, int levels) {
        for (int k = levels - 1; k >= 0; k--) {
            Dir d = known.get(p.bytes(), p.end(k));
            if (d != null) return d;
        }
        return root;
    }

    /** Adds a wait (at most two per entry: one for its own place, one for a link's target). */
    private void waitFor(int l, long seq) {
        if (seq < 0) return;
        if (waitLane1 < 0 || waitLane1 == l) {
            waitSeq1 = waitLane1 < 0 ? seq : Math.max(waitSeq1, seq);
            waitLane1 = l;
        } else if (waitLane2 < 0 || waitLane2 == l) {
            waitSeq2 = waitLane2 < 0 ? seq : Math.max(waitSeq2, seq);
            waitLane2 = l;
        } else {
            throw new IllegalStateException("a third wait for one entry");
        }
    }

    private int leastLoaded() {
        int best = -1;
        long bestLoad = Long.MAX_VALUE;
        for (int i = 0; i < lanes; i++) {
            int l = (turn + i) % lanes;
            long p = load.pending(l);
            if (p < bestLoad) {
                best = l;
                bestLoad = p;
            }
        }
        turn = (best + 1) % lanes;
        return best;
    }

    private void add(byte[] b, int len, Dir d) {
        if (known.size >= sweepAt) sweep();
        known.put(b, len, d);
    }

    /** Forgets the directories whose lanes have made everything given to them there. */
    private void sweep() {
        DirTable kept = new DirTable(Math.max(64, known.size));
        for (int i = 0; i < known.keys.length; i++) {
            Dir d = known.values[i];
            if (d != null && load.done(d.lane) < d.last) kept.put(known.keys[i], known.keys[i].length, d);
        }
        known = kept;
        sweepAt = Math.max(maxKnown, kept.size * 2);
        lastParentLen = -1;
        lastParentDir = null;
    }

    /** Open addressing from a path's first len bytes to its directory, without a key object per lookup. */
    private static final class DirTable {
        byte[][] keys;
        long[] hashes;
        Dir[] values;
        int size, mask;

        DirTable(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
            keys = new byte[cap][];
            hashes = new long[cap];
            values = new Dir[cap];
            mask = cap - 1;
        }

        static long hash(byte[] b, int len) {
            long h = 0x9E3779B97F4A7C15L ^ len;
            for (int i = 0; i < len; i++) h = (h ^ (b[i] & 0xff)) * 0x100000001B3L;
            return h ^ (h >>> 29);
        }

        Dir get(byte[] b, int len) {
            long h = hash(b, len);
            for (int i = (int) h & mask; keys[i] != null; i = (i + 1) & mask) {
                if (hashes[i] == h && keys[i].length == len && Arrays.equals(keys[i], 0, len, b, 0, len)) return values[i];
            }
            return null;
        }

        void put(byte[] b, int len, Dir d) {
            long h = hash(b, len);
            int i = (int) h & mask;
            while (keys[i] != null) {
                if (hashes[i] == h && keys[i].length == len && Arrays.equals(keys[i], 0, len, b, 0, len)) {
                    values[i] = d;
                    return;
                }
                i = (i + 1) & mask;
            }
            keys[i] = Arrays.copyOf(b, len);
            hashes[i] = h;
            values[i] = d;
            if (++size > (mask + 1) / 2) grow();
        }

        private void grow() {
            byte[][] ok = keys;
            Dir[] ov = values;
            int cap = (mask + 1) * 2;
            keys = new byte[cap][];
            hashes = new long[cap];
            values = new Dir[cap];
            mask = cap - 1;
            size = 0;
            for (int i = 0; i < ok.length; i++) {
                if (ok[i] != null) put(ok[i], ok[i].length, ov[i]);
            }
        }
    }
}
