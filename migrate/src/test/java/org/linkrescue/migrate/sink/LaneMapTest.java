package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;

/** Which lane makes an entry, and what it waits for: the rule that keeps several lanes to one thread's tree. */
class LaneMapTest {
    /** Lanes whose pending work and progress the test sets. */
    static final class Load implements LaneMap.Load {
        final long[] pending, done;

        Load(int lanes) {
            pending = new long[lanes];
            done = new long[lanes];
            java.util.Arrays.fill(done, -1);
        }

        @Override public long pending(int lane) { return pending[lane]; }
        @Override public long done(int lane) { return done[lane]; }
    }

    final Load load = new Load(2);
    final LaneMap map = new LaneMap(2, load, 1000);
    long seq;

    private static SafePath p(String s) throws Refused { return SafePath.parse(Names.bytes(s)); }

    /** Places the next entry (dir: a directory) and counts it as pending on its lane. */
    private long place(String path, boolean dir) throws Refused {
        return place(path, dir, null);
    }

    private long place(String path, boolean dir, String linkTarget) throws Refused {
        long s = seq++;
        map.place(s, p(path), dir, linkTarget == null ? null : p(linkTarget));
        load.pending[map.lane]++;
        return s;
    }

    private void noWaits() {
        assertEquals(-1, map.waitLane1, "no wait");
        assertEquals(-1, map.waitLane2, "no second wait");
    }

    @Test
    void everythingInOneDirectoryGoesToItsLaneWithoutWaiting() throws Refused {
        place("s", true);
        int lane = map.lane;
        for (String f : new String[] {"s/a", "s/b", "s/c"}) {
            place(f, false);
            assertEquals(lane, map.lane, f);
            noWaits();
        }
        place("s/a", false, "s/b"); // a link within the directory
        assertEquals(lane, map.lane);
        noWaits();
    }

    @Test
    void aSubdirectoryGoesToTheLaneWithLeastToDo_afterEverythingBeforeItInItsParent() throws Refused {
        place("s", true);
        int parentLane = map.lane;
        long f = place("s/f", false);
        load.pending[parentLane] = 100; // busy
        place("s/d", true);
        assertNotEquals(parentLane, map.lane, "the idle lane");
        assertEquals(parentLane, map.waitLane1);
        assertEquals(f, map.waitSeq1, "the last entry given to its parent's lane there");
        int dLane = map.lane;
        place("s/d/x", false);
        assertEquals(dLane, map.lane, "its entries follow its mkdir on its lane");
        noWaits();
    }

    @Test
    void aNonDirectoryNamedLikeAKnownDirectoryWaitsForThatDirectorysLane() throws Refused {
        place("s", true);
        int sLane = map.lane;
        load.pending[sLane] = 100;
        long d = place("s/d", true);
        int dLane = map.lane;
        assertNotEquals(sLane, dLane);
        long x = place("s/d/x", false);
        place("s/d", false); // a file over the directory: refused "exists", but only after the mkdir
        assertEquals(sLane, map.lane);
        assertEquals(dLane, map.waitLane1);
        assertEquals(x, map.waitSeq1, "everything its lane had there, the mkdir " + d + " among it");
    }

    @Test
    void aHardLinkWaitsForTheLaneOfItsTargetsDirectory() throws Refused {
        place("a", true);
        int aLane = map.lane;
        long f = place("a/f", false);
        load.pending[aLane] = 100;
        place("b", true);
        int bLane = map.lane;
        assertNotEquals(aLane, bLane);
        place("b/g", false, "a/f");
        assertEquals(bLane, map.lane);
        assertEquals(aLane, map.waitLane1);
        assertEquals(f, map.waitSeq1);
        place("b/h", false, "b/g");
        noWaits(); // its target's directory is its own
    }

    @Test
    void entriesBelowADirectoryNoEntryMadeGoToTheLaneOfTheirDeepestKnownAncestor() throws Refused {
        place("s", true);
        int sLane = map.lane;
        load.pending[sLane] = 100;
        place("s/u/v/f", false); // s/u and s/u/v are made on the way
        assertEquals(sLane, map.lane);
        noWaits();
        place("s/u/v", true); // an entry for one of them now: on the same lane, after what made it
        assertEquals(sLane, map.lane);
        noWaits();
        place("s/u/v/g", false);
        assertEquals(sLane, map.lane);
        place("x/y", false, "s/u/v/f"); // below the root's lane
        assertEquals(0, map.lane, "the root's lane");
    }

    @Test
    void anUnparsablePathGoesToTheRootsLane() {
        map.place(seq++, null, false, null);
        assertEquals(0, map.lane);
        noWaits();
    }

    @Test
    void directoriesItsLaneIsDoneWithAreForgottenPastTheBound_andThenPlacedLikeUnknownOnes() throws Refused {
        LaneMap small = new LaneMap(2, load, 4);
        for (int i = 0; i < 20; i++) {
            small.place(seq, p("d" + i), true, null);
            load.done[small.lane] = seq; // made at once
            seq++;
        }
        assertTrue(small.knownCount() <= 8, "bounded: " + small.knownCount());
        small.place(seq++, p("d0/f"), false, null); // d0 forgotten: the root's lane, nothing to wait for
        assertEquals(0, small.lane);
        assertEquals(-1, small.waitLane1);
    }

    @Test
    void directoriesWithWorkQueuedAreNeverForgotten() throws Refused {
        LaneMap small = new LaneMap(2, load, 4);
        for (int i = 0; i < 20; i++) small.place(seq++, p("d" + i), true, null); // none made yet
        assertEquals(20, small.knownCount());
    }
}
