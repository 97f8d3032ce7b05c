package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;

class CreatedPathsTest {
    private static byte[] b(String s) { return Names.bytes(s); }

    @Test
    void knowsExactlyThePathsAddedWhileWithinItsBound() {
        CreatedPaths made = new CreatedPaths(100_000, 64 << 20);
        Set<String> oracle = new HashSet<>();
        Random r = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            String p = "snap" + r.nextInt(20) + "/d" + r.nextInt(50) + "/f" + r.nextInt(100);
            made.add(b(p));
            oracle.add(p);
        }
        for (int i = 0; i < 100_000; i++) {
            String p = "snap" + r.nextInt(21) + "/d" + r.nextInt(51) + "/f" + r.nextInt(101);
            assertEquals(oracle.contains(p), made.contains(b(p)), p);
        }
    }

    @Test
    void prefixesAndExtensionsOfAPathAreOtherPaths() {
        CreatedPaths made = new CreatedPaths();
        made.add(b("a/b"));
        assertTrue(made.contains(b("a/b")));
        assertFalse(made.contains(b("a")));
        assertFalse(made.contains(b("a/b/c")));
        assertFalse(made.contains(b("a/bc")));
        assertFalse(made.contains(b("")));
    }

    @Test
    void forgetsPathsNotAskedForWithinTwoGenerationsButKeepsThoseInUse() {
        CreatedPaths made = new CreatedPaths(10, 1 << 20);
        made.add(b("used"));
        made.add(b("unused"));
        for (int i = 0; i < 100; i++) {
            made.add(b("f" + i));
            assertTrue(made.contains(b("used")), "asked for every time, so kept: " + i);
        }
        assertFalse(made.contains(b("unused")));
        assertFalse(made.contains(b("f0")));
        assertTrue(made.contains(b("f99")));
    }

    @Test
    void theByteBoundRotatesToo() {
        CreatedPaths made = new CreatedPaths(1_000_000, 100);
        byte[] big = new byte[60];
        java.util.Arrays.fill(big, (byte) 'x');
        made.add(big);
        made.add(b("y".repeat(60)));
        made.add(b("z".repeat(60)));
        assertFalse(made.contains(big), "two rotations later");
        assertTrue(made.contains(b("z".repeat(60))));
    }
}
