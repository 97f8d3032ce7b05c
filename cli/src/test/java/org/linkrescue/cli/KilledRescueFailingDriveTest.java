package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.migrate.stream.JsonReader;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;
import org.linkrescue.testdata.TreeListing;

/**
 * kill -9 at five points (seeded) of a migrate of a REAL failing drive with alternates (root
 * only; CI fails on a skip): a snapshot farm on a btrfs image with blocks broken under their
 * checksums, inodes linked across snapshots, large files copied by the read workers, one
 * recovered from the mirror, one from the original, two with no good copy. Each killed run is
 * resumed; the tree is the uninterrupted run's (listing, inode partition, SHA-256 of every file,
 * zero-filled blocks included), the exit code too, and the resumed run's report names every
 * damaged inode exactly once, with the same paths, bad ranges, candidates and SHA-256, whichever
 * run found it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledRescueFailingDriveTest {
    static final long SEC = 1_700_000_000L;
    static final int NSEC = 987_654_321;
    Path work, source, mirror, original;
    FailingDrive drive;
    TreeListing want;
    int wantCode;
    Map<Long, String> wantDamaged;

    @BeforeAll void aFailingDriveWithAFarmAndItsDamage() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-killed-rescue-");
        drive = FailingDrive.create(work);
        source = drive.root().resolve("backups");
        LinkFarm.build(source, 6, 30, 60, 3);
        mirror = work.resolve("mirror");
        original = work.resolve("original");
        byte[] linked = FailingDrive.pattern("linked.bin", 300_000);
        Path l = file(source.resolve("s01/rescue/linked.bin"), linked);
        for (int s = 2; s < 6; s++) link(l, source.resolve(String.format("s%02d/rescue/linked.bin", s)));
        file(mirror.resolve("s01/rescue/linked.bin"), linked);
        byte[] newest = FailingDrive.pattern("newest.bin", 200_000);
        Path n = file(source.resolve("s05/rescue/newest.bin"), newest);
        file(original.resolve("rescue/newest.bin"), newest);
        Path c = file(source.resolve("s02/rescue/nocopy.bin"), FailingDrive.pattern("nocopy.bin", 120_000));
        link(c, source.resolve("s04/rescue/nocopy.bin"));
        byte[] big = FailingDrive.pattern("big.bin", (20 << 20) + 123);
        Path b = file(source.resolve("s00/rescue/big.bin"), big);
        link(b, source.resolve("s03/rescue/big.bin"));
        file(mirror.resolve("s00/rescue/big.bin"), big);
        Path bn = file(source.resolve("s03/rescue/bignocopy.bin"), FailingDrive.pattern("bignocopy.bin", (17 << 20) + 5));
        drive.corruptBlock(l, 4096 * 20);
        drive.corruptBlock(n, 100_000);
        drive.corruptBlock(c, 50_000);
        drive.corruptBlock(b, (9L << 20) + 5000);
        drive.corruptBlock(bn, (16L << 20) + 100);
        drive.breakBlocks();

        Path target = work.resolve("uninterrupted"), report = work.resolve("uninterrupted.json");
        CliTestSupport.Result r = migrate(target, report);
        wantCode = r.code();
        assertEquals(3, wantCode, r.err());
        want = TreeListing.ofIncludingRoot(target);
        wantDamaged = damaged(report);
        assertEquals(5, wantDamaged.size(), wantDamaged.toString());
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    CliTestSupport.Result migrate(Path target, Path report, String... more) {
        List<String> a = new ArrayList<>(List.of("migrate", source.toString(), target.toString(), "-q", "--alternate", "mirror=" + mirror,
                "--alternate", "original=" + original, "--report", report.toString(), "--map-interval", "0.2"));
        a.addAll(List.of(more));
        return CliTestSupport.run(a.toArray(String[]::new));
    }

    @Test
    void t01_killedAtFiveSeededPoints_eachResumeGivesTheUninterruptedTreeAndReportsEveryDamagedInodeOnce() throws Exception {
        Random rnd = new Random(15);
        List<String> killedAt = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            // A point: the moment a seeded directory of the farm appears in the target.
            String at = String.format("s%02d/d%03d", rnd.nextInt(5), rnd.nextInt(30));
            Path target = work.resolve("t" + k), report = work.resolve("r" + k + ".json");
            FailingDrive.dropCaches(); // the drive's bad blocks are read again, slowly, as at first
            try (LiveChild run = LiveChild.start(work.resolve("logs"), "migrate", source.toString(), target.toString(), "-q",
                    "--alternate", "mirror=" + mirror, "--alternate", "original=" + original, "--map-interval", "0.2")) {
                boolean reached = run.awaitWhileRunning(() -> Files.exists(target.resolve(at)), Duration.ofSeconds(120));
                if (run.alive()) {
                    run.signal("KILL");
                    run.waitFor(Duration.ofSeconds(20));
                    killedAt.add(at);
                } else {
                    assertTrue(reached, run.err());
                    continue; // finished before the point: nothing to resume (the map is gone)
                }
            }
            // As a drive read again later: what the killed run's reads left in the page cache
            // around a bad block must not stand in for the drive (it once read back without EIO).
            FailingDrive.dropCaches();
            CliTestSupport.Result r = migrate(target, report, "--resume");
            assertEquals(wantCode, r.code(), "killed at " + at + ": " + r.err());
            assertEquals(List.of(), want.diff(TreeListing.ofIncludingRoot(target)), "killed at " + at);
            assertEquals(wantDamaged, damaged(report), "killed at " + at + ": each damaged inode once, as the uninterrupted run found it");
        }
        System.out.println("KilledRescueFailingDriveTest: killed at " + killedAt);
        assertTrue(killedAt.size() >= 4, "most points must fall inside the run: " + killedAt);
    }

    /** The report's damaged inodes by inode number (each once, or the test fails), as text to compare. */
    static Map<Long, String> damaged(Path report) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(new StringReader(Files.readString(report, StandardCharsets.UTF_8)));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) ((Map<String, Object>) json.get("rescue")).get("damaged");
        Map<Long, String> out = new HashMap<>();
        for (Map<String, Object> d : list) {
            long ino = (Long) d.get("ino");
            String text = "paths=" + d.get("paths") + " bad=" + d.get("badRanges") + " candidates=" + d.get("candidates")
                    + " written=" + d.get("written") + " sha256=" + d.get("sha256") + " lost=" + d.get("bytesLost");
            assertNull(out.put(ino, text), "inode " + ino + " named twice in " + report);
        }
        return out;
    }

    static Path file(Path p, byte[] data) throws Exception {
        return CliTestSupport.writeFile(p, data, SEC, NSEC);
    }

    static void link(Path existing, Path link) throws Exception {
        Files.createDirectories(link.getParent());
        Files.createLink(link, existing);
    }
}

