package org.linkrescue.migrate.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;

/** The entries a checkpoint holds until they are complete: oldest first, whatever their number. */
class PendingEntriesTest {
    private static Entry file(int n) {
        return new Entry(("f" + n).getBytes(StandardCharsets.ISO_8859_1), EntryType.FILE, 0644, 0, 0, null, null, n, 0, 0,
                null, 0, 0, Map.of());
    }

    @Test
    void t01_entriesComeOutInTheOrderTheyWentInWithWhatWasSaidOfEach() {
        PendingEntries p = new PendingEntries();
        p.add(file(1), 10, 4, true, false, null);
        p.add(file(2), 20, 20, false, true, null);
        assertEquals(2, p.size());
        assertEquals("f1", new String(p.entry().path(), StandardCharsets.ISO_8859_1));
        assertEquals(10, p.bytes());
        assertEquals(4, p.fromSource());
        assertTrue(p.damaged());
        assertFalse(p.later());
        p.poll();
        assertEquals("f2", new String(p.entry().path(), StandardCharsets.ISO_8859_1));
        assertFalse(p.damaged());
        assertTrue(p.later());
        p.poll();
        assertTrue(p.isEmpty());
    }

    @Test
    void t02_theOrderHoldsAcrossGrowingWhileTheOldestSitAnywhereInTheRing() {
        PendingEntries p = new PendingEntries();
        int in = 0, out = 0;
        for (int round = 0; round < 5; round++) {
            for (int k = 0; k < 3000; k++, in++) p.add(file(in), in, in, in % 3 == 0, in % 5 == 0, null);
            for (int k = 0; k < 1700; k++, out++) {
                assertEquals(out, p.bytes());
                assertEquals(out % 3 == 0, p.damaged());
                assertEquals(out % 5 == 0, p.later());
                p.poll();
            }
        }
        assertEquals(in - out, p.size());
        while (!p.isEmpty()) {
            assertEquals(out++, p.entry().size());
            p.poll();
        }
        assertEquals(in, out);
    }
}
