package org.linkrescue.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated tree is what cp -al + rsync -aH make of a changing live tree. */
class SnapshotTreeGeneratorTest {

    @TempDir
    Path dir;

    @AfterEach
    void removeLongPaths() throws Exception {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Commands.removeTree(p);
            }
        }
    }

    /** Its speed is not timed here: a timed unit test fails on a busy machine, not on a slow generator. */
    @Test
    void defaultTreeHasFiveSnapshotsThatShareInodes() {
        SnapshotTree t = new SnapshotTreeGenerator().generate(dir.resolve("t"));
        assertEquals(List.of("2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"), t.snapshotNames());
        assertTrue(Files.isDirectory(t.original().resolve("odd")));
        assertTrue(t.paths() > 5 * 50, "paths " + t.paths());
        assertTrue(t.inodes() < t.paths(), "snapshots share inodes");
        assertTrue(t.uniqueBytes() > 0);
    }

    @Test
    void unchangedFilesShareOneInodeAcrossSnapshotsAndChangedOnesDoNot() {
        SnapshotTree t = new SnapshotTreeGenerator().snapshots(4).filesPerSnapshot(60).generate(dir.resolve("t"));
        TreeListing l = TreeListing.of(t.source());
        int snaps = t.snapshotNames().size();
        Map<String, Integer> inodesPerRel = new TreeMap<>();
        Map<String, Integer> pathsPerRel = new TreeMap<>();
        for (List<String> g : l.linkGroups()) {
            Set<String> rels = g.stream().map(p -> p.substring(p.indexOf('/') + 1)).collect(Collectors.toSet());
            for (String r : rels) {
                inodesPerRel.merge(r, 1, Integer::sum);
            }
        }
        for (String p : l.nodes().keySet()) {
            if (l.nodes().get(p).type() == TreeListing.Type.FILE && p.contains("/f")) {
                pathsPerRel.merge(p.substring(p.indexOf('/') + 1), 1, Integer::sum);
            }
        }
        long linkedEverywhere = l.linkGroups().stream().filter(g -> g.size() == snaps).count();
        assertTrue(linkedEverywhere > 30, "most files are one inode in all " + snaps + " snapshots: " + linkedEverywhere);
        long changed = pathsPerRel.entrySet().stream()
                .filter(e -> e.getValue() == snaps && inodesPerRel.getOrDefault(e.getKey(), 0) != 1).count();
        assertTrue(changed >= 1, "some file present in every snapshot has more than one inode");
        long deletedOrAdded = pathsPerRel.values().stream().filter(n -> n < snaps).count();
        assertTrue(deletedOrAdded >= 3, "additions, deletions and renames: " + deletedOrAdded);
        // the Latin-1 file changed on day 2: two inodes over the snapshots
        Set<String> cafe = new HashSet<>();
        for (String s : t.snapshotNames()) {
            cafe.add(l.node(s + "/odd/caf\u00e9.txt").orElseThrow().sha256());
        }
        assertEquals(2, cafe.size());
    }

    @Test
    void sameSeedSameShapeOtherSeedOtherShape() {
        SnapshotTreeGenerator g = new SnapshotTreeGenerator().snapshots(3).filesPerSnapshot(40).longPath(false);
        Map<String, String> a = shape(g.seed(7).generate(dir.resolve("a")));
        Map<String, String> b = shape(g.seed(7).generate(dir.resolve("b")));
        Map<String, String> c = shape(g.seed(8).generate(dir.resolve("c")));
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    private static Map<String, String> shape(SnapshotTree t) {
        Map<String, String> m = new TreeMap<>();
        TreeListing.of(t.source()).nodes().forEach((p, n) -> m.put(p, n.type() + " " + n.size() + " "
                + (n.type() == TreeListing.Type.DIRECTORY ? "" : n.mtimeNs())));
        return m;
    }

    @Test
    void mirrorIsAPlainCopyOfTheFirstSnapshots() {
        SnapshotTree t = new SnapshotTreeGenerator().snapshots(3).filesPerSnapshot(20).mirrorAfter(2).generate(dir.resolve("t"));
        Path mirror = t.mirror().orElseThrow();
        TreeListing m = TreeListing.of(mirror);
        assertEquals(List.of(), m.linkGroups(), "rsync -a without -H keeps no hard links");
        assertEquals(Set.of("2024-01-01", "2024-01-02"),
                m.nodes().keySet().stream().filter(p -> !p.contains("/")).collect(Collectors.toSet()));
        // Regular files only: mode-only changes on later dates chmod the inode every snapshot
        // shares, and rsync -a does not keep the times of devices and of some directories.
        TreeListing first = TreeListing.of(t.source()).under("2024-01-01").filter(p -> p.startsWith("t"))
                .ignoring(TreeListing.Aspect.HARD_LINKS, TreeListing.Aspect.MODE, TreeListing.Aspect.DIRECTORY_MTIME);
        assertEquals(List.of(), first.diff(m.under("2024-01-01").filter(p -> p.startsWith("t"))));
    }

    @Test
    void oddEntriesAndLongPathCanBeLeftOut() {
        SnapshotTree t = new SnapshotTreeGenerator().snapshots(2).filesPerSnapshot(10).oddEntries(false).generate(dir.resolve("t"));
        assertFalse(Files.exists(t.original().resolve("odd")));
        assertTrue(t.longPath().isEmpty());
        SnapshotTree u = new SnapshotTreeGenerator().snapshots(2).filesPerSnapshot(10).longPath(false).generate(dir.resolve("u"));
        assertTrue(Files.exists(u.original().resolve("odd")));
        assertTrue(u.longPath().isEmpty());
    }

    @Test
    void largeFilesModeAddsBigFilesToEverySnapshot() {
        SnapshotTree t = new SnapshotTreeGenerator().snapshots(2).filesPerSnapshot(0).oddEntries(false)
                .largeFiles(2, 3_000_000).generate(dir.resolve("t"));
        TreeListing l = TreeListing.of(t.source());
        assertEquals(3_000_000, l.node("2024-01-02/large/big1.bin").orElseThrow().size());
        assertEquals(List.of("2024-01-01/large/big0.bin", "2024-01-02/large/big0.bin"), l.linkGroups().get(0));
        assertTrue(t.uniqueBytes() >= 6_000_000, "the large files plus the one file added on day 2");
    }

    @Test
    void benchSizesHaveTheCalibratedMean() {
        SnapshotTree t = new SnapshotTreeGenerator().snapshots(1).filesPerSnapshot(400).sizes(SizeDistribution.BENCH)
                .oddEntries(false).generate(dir.resolve("t"));
        double mean = t.uniqueBytes() / 400.0;
        assertTrue(mean > 100_000 && mean < 200_000, "mean " + mean);
    }

    @Test
    void aNonEmptyTargetFailsWithTheScriptsMessage() throws Exception {
        Files.createDirectories(dir.resolve("busy"));
        Files.writeString(dir.resolve("busy/x"), "x");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SnapshotTreeGenerator().generate(dir.resolve("busy")));
        assertTrue(e.getMessage().contains("exists and is not empty"), e.getMessage());
    }

    @Test
    void worksWithoutRoot() throws Exception {
        assumeTrue(Commands.isRoot() && Commands.available("setpriv"), "needs root to drop to nobody");
        Path work = dir.resolve("nobody");
        Files.createDirectories(work);
        Commands.run(null, "chmod", "0777", dir.toString(), work.toString());
        Path script = SnapshotTreeGenerator.extractScript();
        try {
            Commands.run(null, "chmod", "0644", script.toString());
            String out = new String(Commands.run(work, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "bash", script.toString(), work.resolve("t").toString()), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(out.contains("root=0"), out);
        } finally {
            Files.deleteIfExists(script);
        }
        TreeListing l = TreeListing.of(work.resolve("t/snapshots"));
        assertTrue(l.node("2024-01-05/odd/setuid").isPresent());
        assertFalse(l.node("2024-01-05/odd/char-dev").isPresent(), "no devices without root");
        assertTrue(l.nodes().values().stream().allMatch(n -> n.uid() == 65534));
    }
}
