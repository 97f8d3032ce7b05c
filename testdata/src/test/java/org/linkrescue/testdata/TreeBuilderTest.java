package org.linkrescue.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each word of the vocabulary makes exactly the entry it names, as find sees it. */
class TreeBuilderTest {

    @TempDir
    Path dir;

    @Test
    void filesCarryBytesModeAndNanosecondMtime() {
        new TreeBuilder(dir).file("a/x", "hello").file("a/s", new byte[70_000], 04755, 1_700_000_000_123_456_789L);
        TreeListing l = TreeListing.of(dir);
        TreeListing.Node x = l.node("a/x").orElseThrow();
        assertEquals(5, x.size());
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", x.sha256());
        TreeListing.Node s = l.node("a/s").orElseThrow();
        assertEquals(04755, s.mode());
        assertEquals(70_000, s.size());
        assertEquals(1_700_000_000_123_456_789L, s.mtimeNs());
        assertEquals(TreeListing.Type.DIRECTORY, l.node("a").orElseThrow().type());
    }

    @Test
    void namesAreBytesOnePerChar() {
        new TreeBuilder(dir).file("caf\u00e9", "x").file("new\nline", "y").symlink("l\u00ff", "t\u00e9\n");
        String names = new String(Commands.run(dir, "find", ".", "-mindepth", "1", "-printf", "%P/%l\\0"),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(names.contains("caf\u00e9/\0"), Escaping.display(names));
        assertTrue(names.contains("new\nline/\0"), Escaping.display(names));
        assertTrue(names.contains("l\u00ff/t\u00e9\n\0"), Escaping.display(names));
    }

    @Test
    void symlinksHardlinksAndFifos() {
        new TreeBuilder(dir)
                .file("f", "data")
                .hardlink("sub/g", "f")
                .symlink("up", "../nowhere", 1_600_000_000_000_000_001L)
                .fifo("p/pipe");
        TreeListing l = TreeListing.of(dir);
        assertEquals(List.of(List.of("f", "sub/g")), l.linkGroups());
        TreeListing.Node up = l.node("up").orElseThrow();
        assertEquals("../nowhere", up.linkTarget());
        assertEquals(1_600_000_000_000_000_001L, up.mtimeNs());
        assertEquals(TreeListing.Type.FIFO, l.node("p/pipe").orElseThrow().type());
    }

    @Test
    void directoryModeAndMtimeApplyAfterTheirContent() {
        Path root = new TreeBuilder(dir)
                .dir("ro", 0555, 1_650_000_000_000_000_001L)
                .file("ro/inside", "kept")
                .dir("ro/sub", 02750, 1_650_000_000_000_000_002L)
                .file("ro/sub/deeper", "x")
                .finish();
        TreeListing l = TreeListing.of(root);
        assertEquals(0555, l.node("ro").orElseThrow().mode());
        assertEquals(1_650_000_000_000_000_001L, l.node("ro").orElseThrow().mtimeNs());
        assertEquals(02750, l.node("ro/sub").orElseThrow().mode());
        assertEquals(1_650_000_000_000_000_002L, l.node("ro/sub").orElseThrow().mtimeNs());
    }

    @Test
    void ownersAndDevicesAsRoot() {
        assumeTrue(Commands.isRoot(), "chown and mknod need root");
        new TreeBuilder(dir).file("s", new byte[1], 04755).owner("s", 3_000_000_000L, 5678)
                .symlink("l", "s").owner("l", 1234, 4321)
                .device("c", 'c', 1, 3).device("b", 'b', 7, 200);
        TreeListing l = TreeListing.of(dir);
        TreeListing.Node s = l.node("s").orElseThrow();
        assertEquals(3_000_000_000L, s.uid());
        assertEquals(5678, s.gid());
        assertEquals(04755, s.mode(), "setuid survives the chown");
        assertEquals(1234, l.node("l").orElseThrow().uid());
        assertEquals(TreeListing.Type.BLOCK_DEVICE, l.node("b").orElseThrow().type());
        assertEquals(200, l.node("b").orElseThrow().devMinor());
    }

    @Test
    void longPathGoesBeyond4096Bytes() {
        Path root = dir.resolve("r");
        try {
            String rel = new TreeBuilder(root).longPath("deep", 4097, "end of the road");
            assertTrue(rel.length() > 4096);
            assertEquals(15, TreeListing.of(root).node(rel).orElseThrow().size());
        } finally {
            Commands.removeTree(root);
        }
    }
}
