package org.linkrescue.migrate.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InodeTableTest {
    private record Key(long dev, long ino) {}

    private static final class Kept {
        final String value;
        int left;

        Kept(String value, int left) {
            this.value = value;
            this.left = left;
        }
    }

    /**
     * Link counting, lookups and hand-kept values against a plain map, under churn that makes the
     * table grow and delete across the end of its array: devices and inode numbers from a small
     * range collide in their slots, so deletion must move the right neighbours back.
     */
    @Test
    void agreesWithAMapUnderRandomLinksKnownLinksAndRemovals() {
        Random r = new Random(19);
        InodeTable<String> t = new InodeTable<>();
        Map<Key, Kept> model = new HashMap<>();
        for (int step = 0; step < 400_000; step++) {
            Key k = new Key(r.nextInt(3) - 1L, r.nextInt(5_000) * (r.nextBoolean() ? 1L : 1L << 40));
            Kept m = model.get(k);
            switch (r.nextInt(4)) {
                case 0, 1 -> { // a link of an inode with 1..6 links
                    int nlink = 1 + r.nextInt(6);
                    String v = "v" + step;
                    String got = t.link(k.dev(), k.ino(), nlink, v);
                    if (nlink == 1) { // one link: nothing to keep nor to look up
                        assertNull(got);
                    } else if (m == null) {
                        assertNull(got);
                        model.put(k, new Kept(v, nlink - 1));
                        assertFalse(t.closedLast());
                    } else {
                        assertEquals(m.value, got);
                        boolean last = --m.left <= 0;
                        if (last) model.remove(k);
                        assertEquals(last, t.closedLast());
                    }
                }
                case 2 -> { // a link of an inode only if it is kept
                    String got = t.linkKnown(k.dev(), k.ino());
                    assertEquals(m == null ? null : m.value, got);
                    if (m != null && --m.left <= 0) model.remove(k);
                    assertEquals(m != null && m.left <= 0, t.closedLast());
                }
                default -> {
                    assertEquals(m != null, t.knows(k.dev(), k.ino()));
                    assertEquals(m == null ? null : m.value, t.get(k.dev(), k.ino()));
                }
            }
            assertEquals(model.size(), t.openInodes());
        }
        for (Map.Entry<Key, Kept> e : model.entrySet())
            assertEquals(e.getValue().value, t.get(e.getKey().dev(), e.getKey().ino()));
    }

    @Test
    void handKeptValuesStayUntilRemoved() {
        InodeTable<String> t = new InodeTable<>();
        for (int i = 0; i < 10_000; i++) t.put(7, i, "a" + i);
        for (int i = 0; i < 10_000; i += 2) t.put(7, i, "b" + i);
        for (int i = 1; i < 10_000; i += 2) t.remove(7, i);
        assertEquals(5_000, t.openInodes());
        assertTrue(t.capacity() >= 10_000 * 4 / 3, "grew past three quarters full");
        for (int i = 0; i < 10_000; i++) assertEquals(i % 2 == 0 ? "b" + i : null, t.get(7, i));
        assertThrows(IllegalArgumentException.class, () -> t.put(7, 1, null));
    }

    @Test
    void anInodeWithOneLinkIsNeverKept() {
        InodeTable<String> t = new InodeTable<>();
        assertNull(t.link(1, 2, 1, "x"));
        assertNull(t.link(1, 2, 1, "y"));
        assertEquals(0, t.openInodes());
        assertFalse(t.knows(1, 2));
    }
}
