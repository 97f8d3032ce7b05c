package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;

/**
 * A rescue in passes on a REAL failing drive (btrfs on a loop device, blocks broken under their
 * checksums: the kernel answers EIO; root only, CI fails on a skip). The fault seam only logs
 * the reads around the real reader. Pass 1 touches each bad block at most once before the last
 * healthy file is read; the later passes read them again; and the tree that comes out is the one
 * the inline rescue (every damaged file scraped the moment it fails) makes: same bytes, same
 * links, same bad ranges.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PassesFailingDriveTest {
    static final int KiB = 1024;

    Path work, src, mirror;
    FailingDrive drive;
    final List<Long> d1Bad = new ArrayList<>(), d2Bad = new ArrayList<>();
    final List<String> files = new ArrayList<>();

    @BeforeAll void buildTheDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-passes-");
        drive = FailingDrive.create(work);
        src = drive.root().resolve("backups");
        mirror = work.resolve("mirror");
        for (int i = 1; i <= 6; i++) files.add((i <= 3 ? "a" : "z") + "/h" + i);
        files.add("m/d1");
        files.add("m/d2");
        for (String rel : files) {
            byte[] data = FailingDrive.pattern(rel, rel.startsWith("m/d1") ? 600 * KiB : rel.startsWith("m/d2") ? 300 * KiB : 100 * KiB);
            Path p = file(src.resolve("2024-01/" + rel), data);
            Files.createDirectories(src.resolve("2024-02/" + rel).getParent());
            Files.createLink(src.resolve("2024-02/" + rel), p);
            if (!rel.equals("m/d2")) file(mirror.resolve("2024-01/" + rel), data); // d2: no copy anywhere
        }
        d1Bad.add(drive.corruptBlock(src.resolve("2024-01/m/d1"), 100 * KiB + 5));
        d1Bad.add(drive.corruptBlock(src.resolve("2024-01/m/d1"), 400 * KiB));
        d2Bad.add(drive.corruptBlock(src.resolve("2024-01/m/d2"), 150 * KiB));
        drive.breakBlocks();
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    /** One migrate of the drive into work/name, in passes (all of them) or inline; its report. */
    RescueReport migrate(String name, boolean inPasses, List<ReadLog> log) throws Exception {
        FailingDrive.dropCaches();
        try (FaultyMigration m = new FaultyMigration()) {
            RescueOptions o = RescueOptions.defaults().withAlternates(List.of(Alternate.parse("mirror=" + mirror)));
            m.run(src, work.resolve(name), work, o, inPasses ? Pass.ALL : null, Evacuation.Tuning.DEFAULT);
            m.closeSources();
            log.add(ReadLog.of(m.drive));
            return m.report;
        }
    }

    /** Every path's bytes and the inode it shares with its other snapshot's path. */
    TreeMap<String, String> tree(Path root) throws Exception {
        TreeMap<String, String> out = new TreeMap<>();
        for (String rel : files) {
            Path a = root.resolve("2024-01/" + rel), b = root.resolve("2024-02/" + rel);
            out.put(rel, sha256(Files.readAllBytes(a)) + " linked=" + Files.isSameFile(a, b));
        }
        return out;
    }

    @Test void t01_passOneReadsNoBadBlockTwiceAndTheTreeEqualsTheInlineRescue() throws Exception {
        List<ReadLog> logs = new ArrayList<>();
        RescueReport passes = migrate("passes", true, logs);
        RescueReport inline = migrate("inline", false, logs);

        logs.get(0).noBadBlockTwiceBeforeTheHealthyFilesAreOut("d1", d1Bad.get(0), d1Bad.get(1));
        logs.get(0).noBadBlockTwiceBeforeTheHealthyFilesAreOut("d2", d2Bad.get(0));

        assertEquals(tree(work.resolve("inline")), tree(work.resolve("passes")));
        assertEquals(badRanges(inline), badRanges(passes));
        assertEquals(List.of(new ByteRange(d1Bad.get(0), 4096), new ByteRange(d1Bad.get(1), 4096)), badRanges(passes).get("2024-01/m/d1"));
        assertEquals(List.of(new ByteRange(d2Bad.get(0), 4096)), badRanges(passes).get("2024-01/m/d2"));
        assertArrayEquals(FailingDrive.pattern("m/d1", 600 * KiB), Files.readAllBytes(work.resolve("passes/2024-02/m/d1")), "spliced from the mirror");
        assertEquals(inline.exitCode(), passes.exitCode());
        assertEquals(3, passes.exitCode(), "d2 has no copy: zeros, reported");
        for (DamagedInodeRecord r : passes.records()) assertEquals(2, r.paths().size(), "both snapshots' paths: " + r);
    }

    static TreeMap<String, List<ByteRange>> badRanges(RescueReport r) {
        TreeMap<String, List<ByteRange>> out = new TreeMap<>();
        for (DamagedInodeRecord d : r.records()) out.put(org.linkrescue.archive.Names.latin1(d.paths().get(0)), d.badRanges());
        return out;
    }
}
