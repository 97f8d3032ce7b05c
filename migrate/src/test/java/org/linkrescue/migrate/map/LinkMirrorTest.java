package org.linkrescue.migrate.map;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.pipeline.Evacuation.LinkChange;

/** What the rescue map learns of the scan's link table, checkpoint by checkpoint. */
class LinkMirrorTest {
    private final LinkMirror mirror = new LinkMirror();
    private final StringBuilder map = new StringBuilder();

    private void first(long ino, int nlink, String path) {
        mirror.apply(LinkChange.FIRST, 7, ino, nlink, path.getBytes(StandardCharsets.ISO_8859_1), map);
    }

    private void closed(long ino) { mirror.apply(LinkChange.CLOSED, 7, ino, 0, null, map); }

    private void failed(long ino) { mirror.apply(LinkChange.FAILED, 7, ino, 0, null, map); }

    private String checkpoint() {
        mirror.flush(map);
        String s = map.toString();
        map.setLength(0);
        return s;
    }

    @Test
    void t01_anInodeOpenedAndClosedBetweenTwoCheckpointsCostsTheMapNothing() {
        first(1, 3, "a/f");
        closed(1);
        assertEquals("", checkpoint());
    }

    @Test
    void t02_anInodeStillOpenAtACheckpointIsWrittenWithItsFirstPathAndTheLinksItLeftAndClosedWhenItsLastLinkIs() {
        first(1, 3, "a/f");
        assertEquals("inode 7 1 2 a/f\n", checkpoint());
        closed(1);
        assertEquals("closed 7 1\n", checkpoint());
        closed(1); // told twice: the inode is closed already
        assertEquals("", checkpoint());
    }

    @Test
    void t03_aFirstPathThatCouldNotBeReadIsWrittenAsFailedAtOnceWhenTheMapHoldsTheInode() {
        first(1, 3, "a/f");
        first(2, 2, "a/g");
        failed(2);
        assertEquals("inode 7 1 2 a/f\nfailed 7 2 1\n", checkpoint());
        failed(1);
        assertEquals("failed 7 1 2\n", checkpoint());
    }

    @Test
    void t04_anInodeTheStoppedRunLeftOpenClosesWithItsLastLink() {
        mirror.seed(7, 9, 2, "s/f".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("", checkpoint());
        closed(9);
        assertEquals("closed 7 9\n", checkpoint());
    }

    @Test
    void t05_anInodeLinkedAgainAfterItClosedIsOpenedAnewAndWrittenOnce() {
        first(1, 2, "a/f");
        closed(1);
        first(1, 3, "b/f"); // a link made while the scan ran: nlink grew
        assertEquals("inode 7 1 2 b/f\n", checkpoint());
    }

    @Test
    void t06_inodesGoIntoTheMapInTheOrderTheirFirstPathsCame() {
        first(5, 2, "a");
        first(3, 2, "b");
        first(9, 2, "c");
        assertEquals("inode 7 5 1 a\ninode 7 3 1 b\ninode 7 9 1 c\n", checkpoint());
    }
}
