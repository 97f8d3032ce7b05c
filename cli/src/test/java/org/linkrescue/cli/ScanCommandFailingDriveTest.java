package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;

/** `scan --read-test` on a REAL failing drive: exit 3, the damaged inode with all its paths. Root only. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScanCommandFailingDriveTest {
    Path work;
    FailingDrive drive;
    long bad;

    @BeforeAll void buildTheDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-scan-cli-failing-");
        drive = FailingDrive.create(work);
        Path s1 = Files.createDirectories(drive.root().resolve("2024-01-01"));
        Files.write(s1.resolve("photo.jpg"), FailingDrive.pattern("cli photo.jpg", 200_000));
        CliTestSupport.sh(drive.root(), "cp", "-al", "2024-01-01", "2024-01-02");
        bad = drive.corruptBlock(s1.resolve("photo.jpg"), 70_000);
        drive.breakBlocks();
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    @Test void damageFoundExits3AndNamesEveryPathOfTheInode() throws Exception {
        FailingDrive.dropCaches();
        Path json = work.resolve("scan.json");
        CliTestSupport.Result r = CliTestSupport.run("scan", drive.root().toString(), "--read-test", "--json", json.toString());
        assertEquals(3, r.code(), r.outText() + r.err());
        assertTrue(r.outText().contains("1 damaged"), r.outText());
        assertTrue(r.outText().contains("      2024-01-01/photo.jpg\n      2024-01-02/photo.jpg\n"), r.outText());
        String j = Files.readString(json, StandardCharsets.UTF_8);
        assertTrue(j.contains("\"paths\":[\"2024-01-01/photo.jpg\",\"2024-01-02/photo.jpg\"],\"badRanges\":[\"" + bad + "-" + (bad + 4095) + "\"]"), j);
    }
}
