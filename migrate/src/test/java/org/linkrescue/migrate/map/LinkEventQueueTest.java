package org.linkrescue.migrate.map;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.pipeline.Evacuation.LinkChange;

/** Link events from the scan's thread reach the checkpoints all, once, in order, and only once their entry is finished. */
class LinkEventQueueTest {
    /** The inode numbers of the "inode" records in text, space-separated. */
    private static String inodes(StringBuilder text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.toString().split("\n")) {
            if (line.startsWith("inode ")) out.append(out.length() == 0 ? "" : " ").append(line.split(" ")[2]);
        }
        return out.toString();
    }

    @Test
    void t01_onlyTheEventsOfFinishedEntriesAreApplied() {
        LinkEventQueue q = new LinkEventQueue();
        LinkMirror m = new LinkMirror();
        for (int i = 0; i < 5; i++) q.add(i, LinkChange.FIRST, 1, 100 + i, 2, new byte[] {'p'});
        StringBuilder sb = new StringBuilder();
        q.applyBelow(3, m, sb);
        m.flush(sb);
        assertEquals("100 101 102", inodes(sb));
        sb.setLength(0);
        q.applyBelow(3, m, sb); // nothing new finished
        m.flush(sb);
        assertEquals("", inodes(sb));
        q.applyBelow(Long.MAX_VALUE, m, sb);
        m.flush(sb);
        assertEquals("103 104", inodes(sb));
    }

    @Test
    void t02_eventsWrittenByAnotherThreadAcrossManyChunksComeOutWholeAndInOrder() throws Exception {
        LinkEventQueue q = new LinkEventQueue();
        LinkMirror m = new LinkMirror();
        int n = 200_000;
        AtomicLong written = new AtomicLong();
        Thread scan = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                q.add(i, LinkChange.FIRST, 1, i, 2, null);
                if (i % 3 == 0) written.set(i + 1); // entries handed on, now and then
            }
            written.set(n);
        });
        scan.start();
        StringBuilder sb = new StringBuilder();
        long expected = 0;
        while (expected < n) {
            long done = written.get();
            q.applyBelow(done, m, sb);
            m.flush(sb);
            for (String line : sb.toString().split("\n")) {
                if (line.isEmpty()) continue;
                assertEquals("failed 1 " + expected + " 1", line);
                expected++;
            }
            assertEquals(done, expected);
            sb.setLength(0);
        }
        scan.join();
        assertEquals(n, expected);
    }
}
