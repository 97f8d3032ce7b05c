package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;

/**
 * verify with SOURCE on a REAL failing drive (btrfs, corrupted data blocks): the blocks the
 * drive cannot read are unverifiable, not differences; every other byte is still compared; a
 * rescue report's SHA-256 stands in for the unreadable blocks. Root only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailingDriveVerifyTest {
    Path work, copy;
    FailingDrive drive;
    byte[] shared;
    long bad;

    @BeforeAll void buildTheDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-verify-failing-");
        drive = FailingDrive.create(work);
        Path s1 = Files.createDirectories(drive.root().resolve("2024-01-01"));
        shared = FailingDrive.pattern("verify shared.bin", 300_000);
        Files.write(s1.resolve("shared.bin"), shared);
        TestTrees.sh("cd '" + drive.root() + "' && cp -al 2024-01-01 2024-01-02");
        copy = work.resolve("copy");
        TestTrees.copy(drive.root(), copy); // the good copy, made while the drive was healthy
        bad = drive.corruptBlock(s1.resolve("shared.bin"), 100_000);
        drive.breakBlocks();
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    @BeforeEach void coldCache() throws Exception { FailingDrive.dropCaches(); }

    @Test void unreadableBlocksAreUnverifiable_notDifferences() throws Exception {
        TestTrees.Result r = TestTrees.verify(drive.root(), copy);
        assertEquals(List.of(), r.lines());
        assertEquals(List.of("2024-01-01/shared.bin [" + bad + "-" + (bad + 4095) + "]",
                "2024-01-02/shared.bin [" + bad + "-" + (bad + 4095) + "]"), r.unverifiable);
        assertEquals(List.of(), r.problems);
    }

    @Test void everyReadableByteIsStillCompared() throws Exception {
        Path t = copy.resolve("2024-01-01/shared.bin");
        byte[] changed = shared.clone();
        changed[(int) bad + 5000] ^= 1; // the next block: readable on the drive
        var mtime = Files.getLastModifiedTime(t);
        Files.write(t, changed);
        Files.setLastModifiedTime(t, mtime);
        try {
            TestTrees.Result r = TestTrees.verify(drive.root(), copy);
            assertEquals(List.of("content 2024-01-01/shared.bin", "content 2024-01-02/shared.bin"), r.lines());
            assertTrue(r.differences.get(0).detail().startsWith("first differing byte at offset " + (bad + 5000)),
                    r.differences.get(0).detail());
        } finally {
            Files.write(t, shared);
            Files.setLastModifiedTime(t, mtime);
        }
    }

    @Test void aRescueReportsHashVouchesForTheUnreadableBlocks() throws Exception {
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(shared));
        Path report = Files.writeString(work.resolve("rescue.json"), "{\"damaged\":[{\"paths\":[\"2024-01-01/shared.bin\","
                + "\"2024-01-02/shared.bin\"],\"sha256\":\"" + sha + "\"}]}");
        TestTrees.Result r = TestTrees.verify(drive.root(), copy, RescueHashes.read(report));
        assertEquals(List.of(), r.lines());
        assertEquals(List.of(), r.unverifiable, "the rescue's hash covers every byte");
    }
}
