package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CreatedInodesTest {
    @Test
    void remembersExactlyThePairsAdded() {
        CreatedInodes set = new CreatedInodes(4);
        Set<String> oracle = new HashSet<>();
        Random r = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            long dev = r.nextInt(4);
            long ino = r.nextInt(300_000);
            assertEquals(oracle.add(dev + ":" + ino), set.add(dev, ino));
        }
        assertEquals(oracle.size(), set.size());
        for (int i = 0; i < 200_000; i++) {
            long dev = r.nextInt(5);
            long ino = r.nextInt(300_000);
            assertEquals(oracle.contains(dev + ":" + ino), set.contains(dev, ino));
        }
    }

    @Test
    void sameInodeOnAnotherDeviceIsAnotherFile() {
        CreatedInodes set = new CreatedInodes();
        set.add(1L << 32 | 5, 42);
        assertTrue(set.contains(1L << 32 | 5, 42));
        assertFalse(set.contains(1L << 32 | 6, 42));
        assertFalse(set.contains(5, 42));
    }
}
