package org.linkrescue.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oracle must see every difference a copy can have, and none where a faithful tool copied. */
class TreeListingTest {

    @TempDir
    static Path shared;
    static SnapshotTree tree;           // no long path: cp and tar must be able to copy it
    static TreeListing source;

    @TempDir
    Path dir;

    @AfterAll
    static void removeShared() {
        Commands.removeTree(shared.resolve("g"));
    }

    @AfterEach
    void removeDeep() {
        Commands.removeTree(dir.resolve("deep"));
    }

    @BeforeAll
    static void generate() {
        tree = new SnapshotTreeGenerator().snapshots(3).filesPerSnapshot(30).longPath(false).generate(shared.resolve("g"));
        source = TreeListing.of(tree.source());
    }

    private Path cpCopy() {
        Path copy = dir.resolve("copy");
        Commands.run(null, "cp", "-a", tree.source().toString(), copy.toString());
        return copy;
    }

    private static String diff(TreeListing expected, TreeListing actual) {
        return String.join("\n", expected.diff(actual));
    }

    @Test
    void t01_cpArchiveCopyListsIdentically() {
        TreeListing copy = TreeListing.of(cpCopy());
        assertEquals("", diff(source, copy));
        assertEquals(source, copy);
        assertEquals(source.linkGroups(), copy.linkGroups());
    }

    @Test
    void t02_gnuTarRoundTripListsIdenticallyExceptLinkedSpecialFiles() {
        Path out = dir.resolve("tar");
        Commands.bash(null, "mkdir \"$2\" && tar --format=posix -C \"$1\" -cf - . | tar -C \"$2\" -xpf - --numeric-owner",
                tree.source().toString(), out.toString());
        // Measured: GNU tar 1.34 archives each path of a hard-linked FIFO or device as its own
        // entry, so the copy has one inode per path. Everything else must come through.
        List<String> want = new java.util.ArrayList<>();
        for (String special : Commands.isRoot() ? List.of("block-dev", "char-dev", "fifo") : List.of("fifo")) {
            List<String> paths = tree.snapshotNames().stream().map(s -> s + "/odd/" + special).toList();
            want.add("hard links: expected one inode for {" + String.join(", ", paths) + "}, found 3 inodes: "
                    + String.join(" ", paths.stream().map(p -> "{" + p + "}").toList()));
        }
        assertEquals(String.join("\n", want), diff(source, TreeListing.of(out)));
    }

    @Test
    void t03_listingHoldsEveryKindOfEntryWithItsMetadata() {
        String odd = tree.snapshotNames().get(0) + "/odd/";
        TreeListing.Node ns = source.node(odd + "ns-mtime").orElseThrow();
        assertEquals(1_700_000_000_123_456_789L, ns.mtimeNs());
        assertEquals(TreeListing.Type.FILE, ns.type());
        assertEquals(04755, source.node(odd + "setuid").orElseThrow().mode());
        assertEquals(02755, source.node(odd + "setgid-dir").orElseThrow().mode());
        assertEquals(01777, source.node(odd + "sticky-dir").orElseThrow().mode());
        assertEquals(0555, source.node(odd + "readonly-dir").orElseThrow().mode());
        assertEquals(TreeListing.Type.FIFO, source.node(odd + "fifo").orElseThrow().type());
        TreeListing.Node link = source.node(odd + "link-latin1-target").orElseThrow();
        assertEquals("\u00e9t\u00e9\n\u00ff", link.linkTarget());
        assertEquals(1_600_000_000_987_654_321L, source.node(odd + "link-relative").orElseThrow().mtimeNs());
        assertTrue(source.node(odd + "caf\u00e9.txt").isPresent(), "Latin-1 name listed byte for byte");
        assertTrue(source.node(odd + "new\nline").isPresent());
        assertTrue(source.node(odd + "tab\there").isPresent());
        assertTrue(source.node(odd + "n".repeat(255)).isPresent());
        assertEquals(0, source.node(odd + "zero").orElseThrow().size());
        assertEquals(65537, source.node(odd + "exactly-64KiB+1").orElseThrow().size());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                source.node(odd + "zero").orElseThrow().sha256(), "sha256 of nothing");
        // hard-a, hard-b and t0/hard-c are one inode in every snapshot: 3 x 3 paths
        List<String> group = source.linkGroups().stream()
                .filter(g -> g.contains(odd + "hard-a")).findFirst().orElseThrow();
        assertEquals(9, group.size(), group.toString());
    }

    @Test
    void t04_aBrokenHardLinkIsNamed() {
        Path copy = cpCopy();
        String rel = tree.snapshotNames().get(1) + "/odd/hard-b";
        // cp without -l makes a new inode with the same bytes, times and mode
        Commands.bash(copy, "t=$(stat -c %y \"${1%/*}\"); cp -p \"$1\" \"$1.tmp\" && mv \"$1.tmp\" \"$1\";"
                + " touch -d \"$t\" \"${1%/*}\"", rel);
        List<String> d = source.diff(TreeListing.of(copy));
        assertEquals(1, d.size(), String.join("\n", d));
        assertTrue(d.get(0).startsWith("hard links: expected one inode for "), d.get(0));
        assertTrue(d.get(0).contains(rel), d.get(0));
    }

    @Test
    void t05_oneFlippedByteIsNamed() {
        Path copy = cpCopy();
        String rel = tree.snapshotNames().get(0) + "/odd/exactly-512";
        // The byte's bits inverted, whatever the generator put there (writing a fixed 'Z' changed
        // nothing when byte 100 already was one: 1 run in 256).
        Commands.bash(copy, "t=$(stat -c %y \"$1\"); o=$(od -An -tu1 -j100 -N1 \"$1\");"
                + " printf \"$(printf '\\\\%03o' $(( o ^ 255 )))\" | dd of=\"$1\" bs=1 seek=100 conv=notrunc status=none;"
                + " touch -d \"$t\" \"$1\"", rel);
        List<String> d = source.diff(TreeListing.of(copy));
        // the file is one inode in all three snapshots: each of its paths shows the change
        assertEquals(3, d.size(), String.join("\n", d));
        assertTrue(d.stream().allMatch(l -> l.contains("/odd/exactly-512: content sha256 ")), String.join("\n", d));
        assertTrue(d.stream().anyMatch(l -> l.startsWith(rel)), String.join("\n", d));
    }

    @Test
    void t06_oneNanosecondOfMtimeIsNamed() {
        Path copy = cpCopy();
        String rel = tree.snapshotNames().get(0) + "/odd/ns-mtime";
        Commands.run(copy, "touch", "-d", "@1700000000.123456790", rel);
        List<String> d = source.diff(TreeListing.of(copy));
        List<String> want = tree.snapshotNames().stream()
                .map(s -> s + "/odd/ns-mtime: mtime 1700000000.123456789 expected, 1700000000.123456790 found").toList();
        assertEquals(want, d, "one inode, three paths");
    }

    @Test
    void t07_modeOwnerTargetMissingAndExtraEntriesAreNamed() {
        Path copy = cpCopy();
        String odd = tree.snapshotNames().get(2) + "/odd/";
        Commands.bash(copy, "chmod 0644 \"$1setuid\"; chown -h 7:7 \"$1zero\"; rm \"$1link-dangling\";"
                + " ln -s elsewhere \"$1link-dangling\"; touch -h -d @1600000000 \"$1link-dangling\";"
                + " rm \"$1fifo\"; : > \"$1extra\"", odd);
        List<String> d = source.diff(TreeListing.of(copy));
        String all = String.join("\n", d);
        assertTrue(all.contains(odd + "setuid: mode 4755 expected, 0644 found"), all);
        assertTrue(all.contains(odd + "zero: owner"), all);
        assertTrue(all.contains(odd + "link-dangling: symlink target does-not-exist expected, elsewhere found"), all);
        assertTrue(all.contains("missing: " + odd + "fifo (fifo)"), all);
        assertTrue(all.contains("unexpected: " + odd + "extra (file, 0 bytes)"), all);
    }

    @Test
    void t08_oddBytesAreEscapedInDifferences() {
        Path copy = cpCopy();
        String rel = tree.snapshotNames().get(0) + "/odd/new\nline";
        Commands.run(copy, "rm", rel);
        String d = String.join("\n", source.diff(TreeListing.of(copy)));
        assertTrue(d.contains("missing: " + tree.snapshotNames().get(0) + "/odd/new\\nline (file, 8 bytes)"), d);
        Commands.run(copy, "rm", tree.snapshotNames().get(0) + "/odd/caf\u00e9.txt");
        String all = String.join("\n", source.diff(TreeListing.of(copy)));
        assertTrue(all.contains("odd/caf\\xe9.txt"), all);
    }

    @Test
    void t09_differencesAreCutAtFifty() {
        Path copy = cpCopy();
        Commands.run(copy, "find", ".", "-type", "f", "-name", "*.dat", "-exec", "touch", "-d", "@1", "{}", "+");
        List<String> d = source.diff(TreeListing.of(copy));
        assertEquals(51, d.size());
        assertTrue(d.get(50).matches("\\.\\.\\. and \\d+ more differences"), d.get(50));
    }

    @Test
    void t10_devicesCarryMajorAndMinor() {
        assumeTrue(Commands.isRoot(), "mknod needs root");
        TreeListing.Node c = source.node(tree.snapshotNames().get(0) + "/odd/char-dev").orElseThrow();
        assertEquals(TreeListing.Type.CHAR_DEVICE, c.type());
        assertEquals(1, c.devMajor());
        assertEquals(3, c.devMinor());
        TreeListing.Node b = source.node(tree.snapshotNames().get(0) + "/odd/block-dev").orElseThrow();
        assertEquals(7, b.devMajor());
        assertEquals(200, b.devMinor());
        assertEquals(3_000_000_000L, source.node(tree.snapshotNames().get(0) + "/odd/big-uid").orElseThrow().uid());
    }

    @Test
    void t11_pathsOver4096BytesAreListedAndHashed() {
        SnapshotTree deep = new SnapshotTreeGenerator().snapshots(1).filesPerSnapshot(2).generate(dir.resolve("deep"));
        String rel = deep.longPath().orElseThrow();
        assertTrue(rel.length() > 4096, "length " + rel.length());
        TreeListing l = TreeListing.of(deep.source());
        TreeListing.Node n = l.node(rel).orElseThrow();
        assertEquals(1_700_000_000_000_000_007L, n.mtimeNs());
        assertEquals(64, n.sha256().length());
    }

    @Test
    void t12_rootItselfIsListedOnlyWhenAskedFor() {
        assertFalse(source.node("").isPresent());
        assertTrue(TreeListing.ofIncludingRoot(tree.source()).node("").isPresent());
    }

    @Test
    void t13_ignoringAndFilteringAreExplicit() throws Exception {
        Path copy = cpCopy();
        String rel = tree.snapshotNames().get(0) + "/odd/zero";
        Commands.run(copy, "chown", "99:99", rel);
        TreeListing c = TreeListing.of(copy);
        assertNotEquals(source, c);
        assertEquals(source.ignoring(TreeListing.Aspect.OWNER), c);
        Files.delete(copy.resolve(rel));
        // deleting changed the parent's mtime, which this comparison leaves out on purpose
        assertEquals(source.filter(p -> !p.equals(rel)).ignoring(TreeListing.Aspect.OWNER, TreeListing.Aspect.DIRECTORY_MTIME),
                TreeListing.of(copy).filter(p -> !p.equals(rel)));
        String snap = tree.snapshotNames().get(1);
        TreeListing one = source.under(snap);
        assertTrue(one.node("odd/setuid").isPresent());
        assertEquals(List.of("odd/hard-a", "odd/hard-b", "t0/hard-c"),
                one.linkGroups().stream().filter(g -> g.contains("odd/hard-a")).findFirst().orElseThrow());
    }
}
