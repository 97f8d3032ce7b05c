package org.linkrescue.migrate.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;

class LinkTableTest {
    @Test
    void firstPathCarriesDataLaterPathsLinkToIt() {
        LinkTable t = new LinkTable();
        assertNull(t.link(1, 42, 3, Names.bytes("a/x")));
        assertArrayEquals(Names.bytes("a/x"), t.link(1, 42, 3, Names.bytes("b/x")));
        assertEquals(1, t.openInodes());
        assertArrayEquals(Names.bytes("a/x"), t.link(1, 42, 3, Names.bytes("c/x")));
        assertEquals(0, t.openInodes(), "an inode is forgotten once all its links were seen");
    }

    @Test
    void singleLinkFilesAreNeverRemembered() {
        LinkTable t = new LinkTable();
        assertNull(t.link(1, 7, 1, Names.bytes("x")));
        assertEquals(0, t.openInodes());
    }

    @Test
    void sameInodeNumberOnAnotherDeviceIsAnotherInode() {
        LinkTable t = new LinkTable();
        assertNull(t.link(1, 5, 2, Names.bytes("a")));
        assertNull(t.link(2, 5, 2, Names.bytes("b")));
        assertArrayEquals(Names.bytes("a"), t.link(1, 5, 2, Names.bytes("c")));
    }

    @Test
    void failedInodeIsNotLinkedTo() {
        LinkTable t = new LinkTable();
        assertNull(t.link(1, 9, 2, Names.bytes("a")));
        t.markFailed(1, 9);
        assertSame(LinkTable.FAILED, t.link(1, 9, 2, Names.bytes("b")));
    }

    @Test
    void memoryFollowsOpenInodesUnderRandomChurn() {
        LinkTable t = new LinkTable();
        Random r = new Random(1);
        // 200k inodes with 2..5 links, their links interleaved within a sliding window.
        int n = 200_000;
        int[] left = new int[n];
        int[] nl = new int[n];
        for (int i = 0; i < n; i++) { nl[i] = 2 + r.nextInt(4); left[i] = nl[i]; }
        int lo = 0;
        for (int step = 0; lo < n; step++) {
            int i = lo + r.nextInt(Math.min(1000, n - lo));
            if (left[i] == 0) { while (lo < n && left[lo] == 0) lo++; continue; }
            byte[] res = t.link(0, i, nl[i], Names.bytes("p" + i + "_" + left[i]));
            if (left[i] == nl[i]) assertNull(res);
            else assertArrayEquals(Names.bytes("p" + i + "_" + nl[i]), res);
            left[i]--;
        }
        assertEquals(0, t.openInodes());
        assertTrue(t.peakOpenInodes() <= 1000, "peak " + t.peakOpenInodes());
    }

    @Test
    void itSaysWhichLinkWasAnInodesLast() {
        LinkTable t = new LinkTable();
        assertNull(t.link(1, 5, 3, Names.bytes("a")));
        assertFalse(t.closedLast(), "a first path closes nothing");
        t.link(1, 5, 3, Names.bytes("b"));
        assertFalse(t.closedLast());
        t.link(1, 6, 1, Names.bytes("lone"));
        assertFalse(t.closedLast(), "an inode of one link is never kept");
        t.link(1, 5, 3, Names.bytes("c"));
        assertTrue(t.closedLast(), "the third of three links");
        assertNull(t.link(1, 5, 3, Names.bytes("d")), "forgotten: met again, it is a first path");
        assertFalse(t.closedLast());
    }
}
