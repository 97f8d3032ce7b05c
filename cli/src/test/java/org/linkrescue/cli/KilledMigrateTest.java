package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.testdata.SnapshotTree;
import org.linkrescue.testdata.SnapshotTreeGenerator;
import org.linkrescue.testdata.TreeListing;

/**
 * kill -9 at five points (seeded: when a seeded snapshot appears in TARGET) of a migrate of a
 * 200,000-path snapshot tree on tmpfs (issue 15): each run is killed with no chance to say
 * anything and resumed with --resume (and that run killed at the next point), and the tree the
 * rescue ends with is the source's (GNU find listing, inode partition, SHA-256 of every file, the
 * root's own metadata), exactly what an uninterrupted run makes; the resumed run's report counts
 * the whole tree and the map is gone. The tree: the generator's snapshots (odd names, modes,
 * links inside a snapshot) and more snapshots made from them by cp -al, as rotation does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledMigrateTest {
    static final long SEED = 15;
    Path dir, src;
    TreeListing want;

    @BeforeAll void aTwoHundredThousandPathTree() throws Exception {
        dir = CliTestSupport.scratchInMemory(); // tmpfs: built once, read and written ten times
        SnapshotTree t = new SnapshotTreeGenerator().snapshots(4).filesPerSnapshot(2500).longPath(false).seed(SEED)
                .generate(dir.resolve("gen"));
        src = t.source();
        String last = t.snapshotNames().get(t.snapshotNames().size() - 1);
        // More snapshots, each a cp -al of the last one: rotation without changes.
        StringBuilder script = new StringBuilder("set -e; cd '" + src + "'");
        for (int i = 0; i < 74; i++) script.append(String.format("; cp -al '%s' 2025-%02d-%02d", last, 1 + i / 28, 1 + i % 28));
        CliTestSupport.sh(null, "bash", "-c", script.toString());
        want = TreeListing.ofIncludingRoot(src); // what an uninterrupted run makes (GeneratedTreeTest and others prove it)
        assertTrue(want.size() > 200_000, "paths: " + want.size());
    }

    @AfterAll void remove() throws Exception { CliTestSupport.remove(dir); }

    @Test
    void t01_killedAtFiveSeededPoints_theResumedRescueEndsWithTheTreeOfAnUninterruptedRun() throws Exception {
        Random rnd = new Random(SEED);
        List<String> snapshots;
        try (var names = Files.list(src)) {
            snapshots = names.map(p -> p.getFileName().toString()).sorted().toList();
        }
        // Five points, each the moment a seeded snapshot (between a tenth and nine tenths of the
        // walk) appears in TARGET. One rescue is killed at all five, in walk order: the first
        // run, then each resumed run in turn, so five kills cost about one run of the tree (and
        // a map resumed four times over is resumed once more). The last resume completes it.
        java.util.TreeSet<String> points = new java.util.TreeSet<>();
        while (points.size() < 5) points.add(snapshots.get(snapshots.size() / 10 + rnd.nextInt(snapshots.size() * 8 / 10)));
        Path target = dir.resolve("t"), report = dir.resolve("r.json");
        boolean resume = false;
        for (String point : points) {
            List<String> args = new ArrayList<>(List.of("migrate", src.toString(), target.toString(), "-q", "--map-interval", "0.5"));
            if (resume) args.add("--resume");
            try (LiveChild run = LiveChild.start(dir.resolve("logs"), args.toArray(String[]::new))) {
                boolean reached = run.freezeWhen(() -> Files.exists(target.resolve(point)), Duration.ofMinutes(5));
                assertTrue(reached, "the run ended before " + point + ": " + run.err());
                run.signalFrozen("KILL");
                assertEquals(137, run.waitFor(Duration.ofSeconds(20)));
            }
            assertTrue(Files.exists(target.resolve(".linkrescue-map")), "killed at " + point + ": the map is there");
            resume = true;
        }
        try (LiveChild resumed = LiveChild.start(dir.resolve("logs"), "migrate", src.toString(), target.toString(), "-q",
                "--map-interval", "0.5", "--report", report.toString(), "--resume")) {
            assertEquals(0, resumed.waitFor(Duration.ofMinutes(5)), "killed at " + points + ": " + resumed.err());
        }
        assertFalse(Files.exists(target.resolve(".linkrescue-map")), "a complete target holds no map");
        assertEquals(List.of(), want.diff(TreeListing.ofIncludingRoot(target)), "killed at " + points);
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"paths\":" + want.size() + ","), "the report covers the whole tree: " + json.substring(0, 400));
        System.out.println("KilledMigrateTest: killed when these appeared: " + points);
    }
}
