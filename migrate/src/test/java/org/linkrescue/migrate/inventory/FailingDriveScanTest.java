package org.linkrescue.migrate.inventory;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.verify.Tally;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;

/**
 * scan --read-test on a REAL failing drive (btrfs on a loop device with corrupted data blocks):
 * every damaged inode is named with all its paths in every snapshot and its bad ranges, and
 * nothing else is. Root only; CI fails when a FailingDrive test is skipped there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailingDriveScanTest {
    Path work;
    FailingDrive drive;
    long sharedBad1, sharedBad2, soloBad;

    @BeforeAll void buildTheDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-scan-failing-");
        drive = FailingDrive.create(work);
        Path s1 = Files.createDirectories(drive.root().resolve("2024-01-01/docs"));
        Files.write(s1.resolve("shared.bin"), FailingDrive.pattern("shared.bin", 300_000));
        Files.write(s1.resolve("clean.bin"), FailingDrive.pattern("clean.bin", 100_000));
        InventoryTest.sh("cd '" + drive.root() + "' && cp -al 2024-01-01 2024-01-02 && cp -al 2024-01-02 2024-01-03"
                + " && ln 2024-01-03/docs/shared.bin 2024-01-03/docs/shared-again.bin");
        Files.write(drive.root().resolve("2024-01-03/solo.bin"), FailingDrive.pattern("solo.bin", 100_000));
        sharedBad1 = drive.corruptBlock(s1.resolve("shared.bin"), 8192 + 5);
        sharedBad2 = drive.corruptBlock(s1.resolve("shared.bin"), 200_000);
        soloBad = drive.corruptBlock(drive.root().resolve("2024-01-03/solo.bin"), 0);
        drive.breakBlocks();
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    @Test void everyDamagedInodeIsNamedWithAllItsPathsAndItsBadRanges_andNothingElse() throws Exception {
        FailingDrive.dropCaches();
        List<String> problems = new ArrayList<>();
        Inventory inv = new Inventory(1, true, RescueOptions.defaults().withSpoolDir(work),
                (g, p, w) -> problems.add(g + " " + (p == null ? "" : Names.latin1(p)) + ": " + w), new Tally());
        inv.run(Names.bytes(drive.root().toString()));
        List<DamagedInode> d = inv.damaged();
        assertEquals(2, d.size(), d.toString());
        DamagedInode shared = d.get(0), solo = d.get(1);
        assertEquals(List.of("2024-01-01/docs/shared.bin", "2024-01-02/docs/shared.bin", "2024-01-03/docs/shared-again.bin",
                "2024-01-03/docs/shared.bin"), shared.paths().stream().map(Names::latin1).toList());
        assertEquals(List.of(sharedBad1 + "-" + (sharedBad1 + 4095), sharedBad2 + "-" + (sharedBad2 + 4095)),
                shared.ranges().stream().map(Object::toString).toList());
        assertEquals(List.of("2024-01-03/solo.bin"), solo.paths().stream().map(Names::latin1).toList());
        assertEquals(List.of("0-4095"), solo.ranges().stream().map(Object::toString).toList());
        assertEquals(300_000, shared.size());
        assertEquals(3, inv.inodesRead(), "shared, clean, solo: each read once");
        assertTrue(problems.stream().noneMatch(p -> p.startsWith("FAILED") || p.startsWith("FATAL")), problems.toString());
    }
}
