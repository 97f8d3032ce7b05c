package org.linkrescue.migrate.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;

class NestingTest {
    @TempDir Path dir;

    private static Stat stat(Path p) throws PosixException { return Posix.statAt(Posix.AT_FDCWD, Names.bytes(p.toString())); }
    private static boolean within(Path inner, Path outer) throws PosixException {
        return Nesting.within(Names.bytes(inner.toString()), stat(outer));
    }

    @Test void t01_aDirectoryIsWithinItselfAndItsAncestorsOnly() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a/b/c"));
        assertTrue(within(a, a));
        assertTrue(within(a, dir.resolve("a")));
        assertTrue(within(a, Path.of("/")));
        assertFalse(within(dir.resolve("a"), a));
        assertFalse(within(Files.createDirectories(dir.resolve("ab")), dir.resolve("a")), "a name that starts the same is not inside");
    }

    @Test void t02_aPathNotYetMadeIsJudgedByTheNearestDirectoryAboveIt() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        assertTrue(within(a.resolve("x/y/z"), a));
        assertFalse(within(dir.resolve("elsewhere/x"), a));
    }

    @Test void t03_symlinksAndDotDotCannotHideWhereADirectoryIs() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a/b"));
        Files.createSymbolicLink(dir.resolve("l"), a);
        assertTrue(within(dir.resolve("l/new"), dir.resolve("a")));
        assertFalse(within(dir.resolve("a/b/../.."), dir.resolve("a")));
    }

    @Test void t04_theParentOfAPathByText() {
        assertEquals("a", Names.latin1(Nesting.parent(Names.bytes("a/b"))));
        assertEquals("a", Names.latin1(Nesting.parent(Names.bytes("a/b//"))));
        assertEquals(".", Names.latin1(Nesting.parent(Names.bytes("b"))));
        assertEquals("/", Names.latin1(Nesting.parent(Names.bytes("/b"))));
        assertNull(Nesting.parent(Names.bytes("/")));
        assertNull(Nesting.parent(Names.bytes(".")));
    }
}
