package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;

class SafePathTest {
    private static SafePath p(String s) throws Refused { return SafePath.parse(Names.bytes(s)); }

    private static String refusal(String s) {
        return assertThrows(Refused.class, () -> p(s)).reason();
    }

    @Test
    void hostilePathsAreRefused() {
        assertEquals("absolute path", refusal("/etc/passwd"));
        assertEquals("absolute path", refusal("//x"));
        assertEquals("empty path", refusal(""));
        assertEquals("'..' component in path", refusal(".."));
        assertEquals("'..' component in path", refusal("a/../b"));
        assertEquals("'..' component in path", refusal("a/.."));
        assertEquals("'..' component in path", refusal("./../x"));
        assertEquals("NUL byte in path", refusal("a\0b"));
    }

    @Test
    void dotsAndSlashesAreCleanedAway() throws Refused {
        assertEquals("a/b/c", p("./a//b/./c/").toString());
        assertTrue(p(".").isRoot());
        assertTrue(p("./").isRoot());
        assertTrue(p("././/.").isRoot());
        assertEquals("...", p("...").toString(), "three dots is a name");
        assertEquals(".x/..y", p(".x/..y").toString());
    }

    @Test
    void componentsAreOffsetsIntoOneArray() throws Refused {
        byte[] raw = Names.bytes("ab/c/\u00ff\n");
        SafePath s = SafePath.parse(raw);
        assertSame(raw, s.bytes(), "a clean path is not copied");
        assertEquals(3, s.count());
        assertArrayEquals(Names.bytes("c"), s.name(1));
        assertArrayEquals(Names.bytes("\u00ff\n"), s.lastName());
        assertArrayEquals(Names.bytes("ab/c"), s.prefix(2));
    }
}
